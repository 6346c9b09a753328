// PingWatcher entry point: the server (default: monitor + HTTP API), `monitor` (text only),
// `trace HOST` (mtr-like), `passwd`.
import {
  ensureTargets,
  monitor,
  type MonitorArgs,
  parseMonitorArgs,
} from "./engine/cli/monitor.ts";
import { runTrace } from "./engine/cli/trace.ts";
import { databasePath as resolveDatabasePath } from "./api/cli/paths.ts";
import { systemClock } from "./engine/clock.ts";
import { TRACE_USAGE } from "./engine/cli/trace_args.ts";
import { systemAddressLookup } from "./engine/dns.ts";
import { type LogLevel, setLogLevel } from "./engine/log.ts";
import { OptionsError } from "./engine/options.ts";
import { selectProber } from "./engine/probers/mod.ts";
import { openSqliteStore } from "./store/mod.ts";
import { runPasswd } from "./api/cli/passwd.ts";
import { runServe } from "./api/cli/serve.ts";
import { serveUi } from "./ui/serve.ts";
import { SERVE_USAGE } from "./api/cli/serve_args.ts";
import { runSeed } from "./store/cli/seed.ts";
import { runCleanup } from "./store/cli/cleanup.ts";

const HELP = `PingWatcher: continuous traceroute monitor.

Usage:
  pingwatcher monitor [HOST...] [options]
                                      monitor HOSTs (added to the database) and every
                                      target already in it, with a live text summary
                                      (no server; \`pingwatcher --help\` for the server)
  pingwatcher trace HOST [options]    mtr-like trace (pingwatcher trace --help)
  pingwatcher seed --targets N --days D --interval S
                                      write synthetic history (pingwatcher seed --help)
  pingwatcher cleanup [--raw-days N --minute-days N --hour-days N]
                                      apply history retention now (pingwatcher cleanup --help)

Monitor options:
  --db PATH              database file (default: $PINGWATCHER_DB, else pingwatcher.db
                         in the data directory)
  --data-dir DIR         data directory (default: $PINGWATCHER_DATA_DIR, else
                         $XDG_DATA_HOME/pingwatcher, else ~/.local/share/pingwatcher)
  --prober auto|mtr-packet|ping   probing backend (default auto)
  --interval SECONDS, --protocol icmp|udp|tcp, --port N, --max-hops N,
  --timeout SECONDS, --size BYTES, --final-hop-only
                         settings for HOSTs added by this command
  --focus N              rounds in the summary's window (default 10)
  --log-level debug|info|warn|error (default info)
Nothing is probed unless you name a HOST or one is already in the database.`;

const encoder = new TextEncoder();
const write = (text: string) => Deno.stdout.writeSync(encoder.encode(text));
const writeError = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

function interruptSignal(): Promise<void> {
  return new Promise((resolve) => {
    const handler = () => resolve();
    Deno.addSignalListener("SIGINT", handler);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", handler);
  });
}

/** The database file from --db/--data-dir and the environment (see api/cli/paths.ts). */
function databasePath(args: { db: string | null; dataDir: string | null }): string {
  return resolveDatabasePath(args, Deno.env.toObject());
}

async function runMonitor(argv: string[]): Promise<number> {
  let args: MonitorArgs;
  try {
    args = parseMonitorArgs(argv);
  } catch (error) {
    if (!(error instanceof OptionsError) && !(error instanceof TypeError)) throw error;
    writeError(`pingwatcher: ${error.message}\n\n${HELP}\n`);
    return 2;
  }
  const store = openSqliteStore(databasePath(args));
  const targets = await ensureTargets(store, args);
  if (targets.length === 0) {
    await store.close();
    write(`No targets yet. Name one to monitor, e.g.: deno task start 127.0.0.1\n`);
    return 0;
  }
  const selected = await selectProber(args.prober);
  if (!selected.ok) {
    await store.close();
    writeError(`pingwatcher: no working prober\n${selected.reason}\n`);
    return 4;
  }
  await monitor(targets, args, {
    store,
    prober: selected.prober,
    write,
    isTty: Deno.stdout.isTerminal(),
    interrupted: interruptSignal(),
  });
  await selected.prober.close();
  return 0;
}

const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];

/** Takes --log-level out of argv (every command accepts it) and applies it. */
function applyLogLevel(argv: string[]): string[] | null {
  const index = argv.indexOf("--log-level");
  if (index < 0) return argv;
  const level = argv[index + 1] as LogLevel;
  if (!LEVELS.includes(level)) {
    writeError(`pingwatcher: --log-level must be one of ${LEVELS.join(", ")}\n`);
    return null;
  }
  setLogLevel(level);
  return [...argv.slice(0, index), ...argv.slice(index + 2)];
}

async function main(rawArgv: string[]): Promise<number> {
  const argv = applyLogLevel(rawArgv);
  if (argv === null) return 2;
  if (argv[0] === "trace") {
    const rest = argv.slice(1);
    if (rest.includes("--help") || rest.includes("-h")) {
      write(TRACE_USAGE + "\n");
      return 0;
    }
    return await runTrace(rest, {
      write,
      writeError,
      isTty: Deno.stdout.isTerminal(),
      selectProber: (choice) => selectProber(choice),
      addressLookup: systemAddressLookup,
      interrupted: interruptSignal(),
    });
  }
  if (argv[0] === "cleanup") {
    return runCleanup(argv.slice(1), {
      resolveDbPath: databasePath,
      clock: systemClock,
      write,
      writeError,
    });
  }
  if (argv[0] === "seed") {
    const openStore = (paths: { db: string | null; dataDir: string | null }) =>
      openSqliteStore(databasePath(paths));
    return await runSeed(argv.slice(1), {
      openStore,
      clock: systemClock,
      write,
      writeError,
      isTty: Deno.stderr.isTerminal(),
      interrupted: interruptSignal(),
    });
  }
  if (argv[0] === "monitor") {
    if (argv.includes("--help") || argv.includes("-h")) {
      write(HELP + "\n");
      return 0;
    }
    return await runMonitor(argv.slice(1));
  }
  if (argv[0] === "passwd") {
    const env = Deno.env.toObject();
    const readStdin = async () => await new Response(Deno.stdin.readable).text();
    return await runPasswd(argv.slice(1), { write, writeError, env, readStdin });
  }
  if (argv.includes("--help") || argv.includes("-h")) {
    write(SERVE_USAGE + "\n");
    return 0;
  }
  return await runServe(argv, {
    write,
    writeError,
    env: Deno.env.toObject(),
    selectProber: (choice) => selectProber(choice),
    interrupted: interruptSignal(),
    ui: serveUi,
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
