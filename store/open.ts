// openStore(url): picks the storage backend from a URL or a path. A backend is one folder under
// store/ plus one line in BACKENDS; every backend passes the shared suites under tests/store/.
// Each backend's modules load when it is opened: a server on SQLite never loads PostgreSQL's
// driver, and with the store in its Worker the engine's thread loads neither backend.
import type { Clock } from "../engine/ground.ts";
import type { RetentionOptions } from "./history_types.ts";
import type { Store } from "./types.ts";
import { canStartWorker, openWorkerStore } from "./worker/mod.ts";
import { log } from "../engine/ground.ts";

/** What every backend accepts (each may take more through its own opener). */
export interface OpenStoreOptions {
  /** Drives writer loops and stamps createdAt. Default: the system clock. */
  clock?: Clock;
  /** Days each history tier is kept (defaults: raw 3, 1-minute 30, 1-hour 1825). */
  retention?: RetentionOptions;
  /** The agent (vantage point) the rounds written are marked with. Default "local". */
  agent?: string;
  /** How often queued rounds are written (ms). Default: the backend's (1 s). */
  flushIntervalMs?: number;
  /**
   * SQLite only: runs the store in a Worker started from this module (the program's entry,
   * main.ts, or store/worker/entry.ts), so its flushes never hold up the caller's event loop.
   * An injected `clock` is relayed to it. Without read access to that module's folder (a narrowed
   * --allow-read), the store runs in the caller's thread and says so in the log.
   */
  worker?: string | URL;
}

export interface StoreBackend {
  /** URL schemes it answers for, without the colon. */
  schemes: readonly string[];
  /** What a user writes to choose it, for error messages. */
  example: string;
  open(url: string, options: OpenStoreOptions): Promise<Store>;
}

export const BACKENDS: readonly StoreBackend[] = [
  {
    schemes: ["file"],
    example: "a file path, file:PATH or :memory:",
    open: async (url, options) => {
      const path = sqlitePath(url);
      if (options.worker && canStartWorker(options.worker)) {
        const { worker: entry, agent, retention, clock, flushIntervalMs } = options;
        return openWorkerStore({ path, entry, agent, retention, clock, flushIntervalMs });
      }
      if (options.worker) {
        log.info(
          "store: runs in the engine's thread (its Worker needs read access to the program's folder)",
          { program: String(options.worker) },
        );
      }
      const { openSqliteStore } = await import("./sqlite/mod.ts");
      return openSqliteStore(path, options);
    },
  },
  {
    schemes: ["postgres", "postgresql"],
    example: "postgres://user:password@host:port/database?sslmode=prefer",
    open: async (url, options) => {
      const { openPostgresStore, PgUrlError } = await import("./postgres/mod.ts");
      try {
        return openPostgresStore(url, options);
      } catch (error) {
        if (error instanceof PgUrlError) throw new StoreUrlError(error.message);
        throw error;
      }
    },
  },
];

/** A storage URL that no backend can open. The message never repeats the URL's credentials. */
export class StoreUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreUrlError";
  }
}

/**
 * Opens the store at `url`: a file path, `file:` URL or ":memory:" is SQLite. Schemes are
 * matched case-insensitively; Windows drive letters ("C:\\data") count as paths.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const scheme = schemeOf(url) ?? "file";
  const backend = BACKENDS.find((candidate) => candidate.schemes.includes(scheme));
  if (!backend) {
    const accepted = BACKENDS.map((b) => b.schemes.map((s) => `${s}:`).join(", ")).join(", ");
    throw new StoreUrlError(
      `unknown storage scheme "${scheme}:" (accepted: a file path, :memory:, ${accepted})`,
    );
  }
  return await backend.open(url, options);
}

/** The URL's scheme in lower case, or null for a path (or ":memory:"). */
function schemeOf(url: string): string | null {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (!match || url === ":memory:") return null;
  // One letter is a Windows drive ("C:\data\pw.db"), not a scheme.
  return match[1].length === 1 ? null : match[1].toLowerCase();
}

/** `file:` URLs become paths (percent-decoded); anything else is already a path. */
function sqlitePath(url: string): string {
  if (schemeOf(url) !== "file") return url;
  if (url.startsWith("file://")) {
    try {
      return decodeURIComponent(new URL(url).pathname);
    } catch {
      throw new StoreUrlError("the file: URL is not valid (write file:///absolute/path)");
    }
  }
  return decodeURIComponent(url.slice("file:".length)); // file:relative/path.db
}
