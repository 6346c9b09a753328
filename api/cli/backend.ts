// Where a command reads and writes: the running server's API when one is named (--server,
// PINGWATCHER_SERVER) or found (the file it writes beside its database, if it answers), else the
// database itself. Writing to the database takes the writer lock first, so a command never
// writes beside a server or another command; reading takes no lock and writes nothing.
import type { TargetView } from "../core/mod.ts";
import type { EventLogPage, EventLogQuery } from "../event_log.ts";
import type { SummaryRow } from "../routes/mod.ts";
import type { TargetCreate } from "../schemas.ts";
import type { roundJson } from "../export_format.ts";
import { ApiClient } from "./api_client.ts";
import { databasePath } from "./paths.ts";
import { readServerFile } from "./server_file.ts";
import { acquireWriterLock, LockBusyError, lockPathOf } from "./writer_lock.ts";
import { apiBackend } from "./backend_api.ts";
import { databaseBackend } from "./backend_db.ts";

export type RoundJson = ReturnType<typeof roundJson>;

export interface FiringAlert {
  ruleId: number;
  ruleName: string;
  targetId: number;
  since: number | null;
}

export interface ExportSelection {
  targetId?: number;
  sessionId?: number;
  format: "csv" | "json";
  start?: number;
  end?: number;
}

/** What the commands need, the same whether it comes from the API or from the database. */
export interface CliBackend {
  via: "server" | "database";
  /** The server's URL or the database path. */
  where: string;
  listTargets(): Promise<TargetView[]>;
  getTarget(id: number): Promise<TargetView>;
  createTarget(input: TargetCreate): Promise<TargetView>;
  setPaused(id: number, paused: boolean): Promise<TargetView>;
  removeTarget(id: number): Promise<void>;
  /** The newest `limit` rounds of the range, oldest first. */
  logs(id: number, query: { limit: number; start?: number; end?: number }): Promise<RoundJson[]>;
  events(query: EventLogQuery): Promise<EventLogPage>;
  summary(focus: number): Promise<SummaryRow[]>;
  firingAlerts(): Promise<FiringAlert[]>;
  exportStream(selection: ExportSelection): Promise<ReadableStream<Uint8Array>>;
  close(): Promise<void>;
}

/** A command cannot get at its data; `exitCode` says why (see SOURCE_EXIT). */
export class BackendError extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = "BackendError";
  }
}

/** Exit codes shared by the commands that use a backend. */
export const SOURCE_EXIT = { refused: 1, unreachable: 6, locked: 7 } as const;

export const SOURCE_USAGE =
  `  --server URL         use the running server at URL [PINGWATCHER_SERVER]; its token comes from
                       PINGWATCHER_TOKEN. Default: the server running on the database, if any
  --db PATH            database file (default: as the monitor)
  --data-dir DIR       data directory (default: as the monitor)`;

export const SOURCE_FLAGS = {
  server: { type: "string" },
  db: { type: "string" },
  "data-dir": { type: "string" },
} as const;

export interface SourceArgs {
  server?: string;
  db?: string;
  "data-dir"?: string;
}

export interface OpenOptions {
  env: Record<string, string>;
  /** Writes: take the writer lock when going to the database. */
  write: boolean;
  /** Named in the lock file ("target add"). */
  command: string;
}

export async function openBackend(args: SourceArgs, options: OpenOptions): Promise<CliBackend> {
  const { env } = options;
  const token = env.PINGWATCHER_TOKEN ?? null;
  const named = args.server ?? (env.PINGWATCHER_SERVER || undefined);
  if (named !== undefined) {
    if (!/^https?:\/\/[^\s/]+/.test(named)) {
      throw new BackendError(2, `--server: "${named}" is not an http:// or https:// URL`);
    }
    const client = new ApiClient(named, { token });
    if (!await client.reachable()) {
      throw new BackendError(SOURCE_EXIT.unreachable, `cannot reach the server at ${named}`);
    }
    return apiBackend(client);
  }
  const paths = { db: args.db ?? null, dataDir: args["data-dir"] ?? null };
  const dbPath = databasePath(paths, env, { create: options.write });
  const found = readServerFile(dbPath);
  if (found) {
    const client = new ApiClient(found.url, { token });
    if (await client.reachable()) return apiBackend(client);
  }
  const plainFile = lockPathOf(dbPath) !== null;
  if (plainFile && !options.write && !exists(dbPath)) {
    throw new BackendError(SOURCE_EXIT.refused, `no database at ${dbPath}`);
  }
  let lock = null;
  if (options.write) {
    try {
      lock = acquireWriterLock(dbPath, options.command);
    } catch (error) {
      if (!(error instanceof LockBusyError)) throw error;
      const hint = found ? ` and its server at ${found.url} does not answer` : "";
      throw new BackendError(
        SOURCE_EXIT.locked,
        `${error.message}${hint}; nothing was written (pass --server URL to go through it)`,
      );
    }
  }
  try {
    return await databaseBackend(dbPath, { readOnly: !options.write, lock });
  } catch (error) {
    lock?.release();
    throw error;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
