// Connecting to PostgreSQL: the URL is read once here (user, host, database, sslmode), the pool is
// made with npm:postgres, and everything shown to people (locations, errors) is built without the
// password. int8 columns come back as numbers (epoch ms and ids stay below 2^53).
import postgres from "postgres";
import { log } from "../../engine/ground.ts";

export type Sql = postgres.Sql<Record<string, unknown>>;
/** A pool or a transaction: what queries run on. */
export type Db =
  | postgres.Sql<Record<string, unknown>>
  | postgres.TransactionSql<Record<string, unknown>>;

export interface PgTarget {
  /** postgres://user@host:port/db, never with the password. */
  location: string;
  password: string;
}

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
type SslMode = typeof SSL_MODES[number];

/** A storage URL the PostgreSQL backend cannot use. The message never holds the password. */
export class PgUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PgUrlError";
  }
}

function parse(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new PgUrlError(
      "the PostgreSQL URL is not valid (write postgres://user:password@host:port/database)",
    );
  }
}

/** Where the database is, for people: no password, no query string. */
export function describeUrl(url: string): string {
  const u = parse(url);
  const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
  return `postgres://${user}${u.host || "localhost"}${u.pathname}`;
}

function sslOption(mode: SslMode): false | "prefer" | "require" | "verify-full" | object {
  switch (mode) {
    case "disable":
      return false;
    case "allow":
    case "prefer":
      return "prefer";
    case "require":
      return "require";
    case "verify-ca": // the chain is checked, the host name is not (as libpq does)
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return "verify-full";
  }
}

export interface PoolOptions {
  /** Connections in the pool. Default 10. */
  max?: number;
  /** Seconds to wait for a connection. Default 10. */
  connectTimeoutS?: number;
}

let guarded = false;

/**
 * npm:postgres 3.4.9 can throw from a queued write after the server closed the connection
 * (porsager/postgres#1154, #1208; denoland/deno#34667): an uncaught TypeError that would end the
 * process. The query it belonged to has already failed with CONNECTION_CLOSED, so that one error
 * is logged and stopped here; any other uncaught error is left alone.
 */
function guardClosedSocketWrites(): void {
  if (guarded) return;
  guarded = true;
  globalThis.addEventListener("error", (event) => {
    const error = event.error;
    const stack = error instanceof Error ? String(error.stack) : "";
    if (
      error instanceof TypeError && /reading 'write'/.test(error.message) &&
      stack.includes("nextWrite") && stack.includes("postgres")
    ) {
      event.preventDefault();
      log.warn("store: a write on a connection the PostgreSQL server closed was dropped");
    }
  });
}

/** Opens a pool (lazily: nothing connects until the first query). */
export function openPool(url: string, options: PoolOptions = {}): { sql: Sql; target: PgTarget } {
  guardClosedSocketWrites();
  const u = parse(url);
  const mode = (u.searchParams.get("sslmode") ?? "prefer") as SslMode;
  if (!SSL_MODES.includes(mode)) {
    throw new PgUrlError(`sslmode must be one of ${SSL_MODES.join(", ")}, got "${mode}"`);
  }
  const password = decodeURIComponent(u.password);
  const host = u.searchParams.get("host"); // a Unix socket directory (libpq's ?host=/run/…)
  const sql = postgres({
    host: host ?? (u.hostname || "localhost"),
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    username: decodeURIComponent(u.username) || undefined,
    password: password || undefined,
    ssl: host?.startsWith("/") ? false : sslOption(mode),
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutS ?? 10,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { application_name: "pingwatcher" },
    types: {
      int8: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
  return { sql: sql as unknown as Sql, target: { location: describeUrl(url), password } };
}

/** An error as people may see it: the password (if it appears anywhere) replaced. */
export function redacted(error: unknown, target: PgTarget): Error {
  const raw = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string })?.code;
  let message = raw;
  if (target.password) message = message.split(target.password).join("***");
  if (target.password) {
    const encoded = encodeURIComponent(target.password);
    message = message.split(encoded).join("***");
  }
  const wrapped = new Error(`PostgreSQL ${target.location}: ${message}`);
  if (code) (wrapped as Error & { code?: string }).code = code;
  return wrapped;
}
