// A throwaway PostgreSQL 15 server for tests: initdb + pg_ctl in a temporary directory as the
// unprivileged `postgres` user (PostgreSQL refuses to run as root), on a free loopback port with
// password (scram) authentication. Stopped and removed when the test process ends. Without the
// Debian binaries `pgServer()` returns null and `PG_SKIP_REASON` says why.
const BIN = Deno.env.get("PINGWATCHER_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
export const PG_USER = "pingwatcher";
/** The superuser's password: tests check it never shows up in errors. */
export const PG_PASSWORD = "pw-Secret-7f3a9c";

export interface PgServer {
  port: number;
  dir: string;
  /** A URL for `database` with the right password. */
  url(database: string): string;
  /** Creates an empty database (synchronously: TestBackend.place is synchronous). */
  createDatabase(): string;
  stop(): void;
  start(): void;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function skipReason(): string | null {
  if (!exists(`${BIN}/initdb`) || !exists(`${BIN}/pg_ctl`)) {
    return `PostgreSQL 15 binaries not found in ${BIN} (apt-get install postgresql)`;
  }
  if (Deno.uid?.() === 0) {
    const passwd = Deno.readTextFileSync("/etc/passwd");
    if (!/^postgres:/m.test(passwd)) return "no `postgres` user to run the server as";
  }
  return null;
}

export const PG_SKIP_REASON: string | null = skipReason();

/** Runs a command as the postgres user when we are root; throws with its output on failure. */
function run(args: string[], env: Record<string, string> = {}): string {
  const asRoot = Deno.uid?.() === 0;
  const command = asRoot ? "runuser" : args[0];
  const argv = asRoot ? ["-u", "postgres", "--", ...args] : args.slice(1);
  const out = new Deno.Command(command, { args: argv, env, stdout: "piped", stderr: "piped" })
    .outputSync();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${args.join(" ")} failed:\n${text}`);
  return text;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

let shared: PgServer | null | undefined;

/** The server shared by this test process (started on first use), or null when skipped. */
export function pgServer(): PgServer | null {
  if (shared !== undefined) return shared;
  if (PG_SKIP_REASON) {
    console.log(`PostgreSQL tests skipped: ${PG_SKIP_REASON}`);
    return shared = null;
  }
  return shared = startPgServer();
}

/**
 * Starts a server of its own. Tests run it without fsync (their data is thrown away); `durable`
 * keeps PostgreSQL's defaults (fsync, full page writes) for benchmarks.
 */
export function startPgServer(options: { durable?: boolean } = {}): PgServer {
  const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-pg-" });
  if (Deno.uid?.() === 0) {
    new Deno.Command("chown", { args: ["-R", "postgres:postgres", dir] }).outputSync();
  }
  const data = `${dir}/data`;
  const pwfile = `${dir}/pwfile`;
  Deno.writeTextFileSync(pwfile, PG_PASSWORD);
  if (Deno.uid?.() === 0) new Deno.Command("chown", { args: ["postgres", pwfile] }).outputSync();
  run([
    `${BIN}/initdb`,
    "-D",
    data,
    "-U",
    PG_USER,
    `--pwfile=${pwfile}`,
    "--auth=scram-sha-256",
    "-E",
    "UTF8",
    "--no-sync",
  ]);
  const port = freePort();
  const settings =
    `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} ` +
    "-c max_connections=300 -c shared_buffers=128MB" +
    (options.durable ? "" : " -c fsync=off -c full_page_writes=off");
  const start = () => {
    run([`${BIN}/pg_ctl`, "-D", data, "-o", settings, "-l", `${dir}/log`, "-w", "start"]);
  };
  const stop = () => {
    run([`${BIN}/pg_ctl`, "-D", data, "-m", "fast", "-w", "stop"]);
  };
  start();
  let running = true;
  let databases = 0;
  const url = (database: string) =>
    `postgres://${PG_USER}:${
      encodeURIComponent(PG_PASSWORD)
    }@127.0.0.1:${port}/${database}?sslmode=disable`;
  const psql = (statement: string) =>
    run([
      `${BIN}/psql`,
      "-h",
      dir,
      "-p",
      String(port),
      "-U",
      PG_USER,
      "-d",
      "postgres",
      "-v",
      "ON_ERROR_STOP=1",
      "-qc",
      statement,
    ], { PGPASSWORD: PG_PASSWORD });
  globalThis.addEventListener("unload", () => {
    try {
      if (running) stop();
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
  return {
    port,
    dir,
    url,
    createDatabase() {
      const name = `pw_${Deno.pid}_${++databases}`;
      psql(`CREATE DATABASE ${name}`);
      return name;
    },
    stop() {
      if (!running) return;
      stop();
      running = false;
    },
    start() {
      if (running) return;
      start();
      running = true;
    },
  };
}
