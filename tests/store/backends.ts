// The one list of storage backends the shared suites run against. A new backend (PostgreSQL next)
// is one more entry here; every suite in backends.test.ts then runs on it unchanged.
// Each entry opens its backend directly (synchronously, as the suites expect); openStore's choice
// of backend is open.test.ts's.
import type { OpenStoreOptions, Store } from "../../store/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { openPostgresStore } from "../../store/postgres/mod.ts";
import { openWorkerStore } from "../../store/worker/mod.ts";
import { PG_SKIP_REASON, pgServer } from "./pg_server.ts";

/** Opens the same storage place each time it is called (a reopen sees what was written). */
export type OpenTestStore = (options?: OpenStoreOptions) => Store;

export interface TestBackend {
  name: string;
  /** A new, empty storage place. */
  place(): OpenTestStore;
  /** Data survives close and reopen (false for an in-memory database). */
  persistent: boolean;
}

/** The store's Worker entry, as the server starts it from its modules. */
export const STORE_WORKER_ENTRY = new URL("../../store/worker/entry.ts", import.meta.url);

const dirs: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of dirs) Deno.removeSync(dir, { recursive: true });
});

export function tempDbPath(): string {
  const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-store-" });
  dirs.push(dir);
  return `${dir}/store.db`;
}

export const TEST_BACKENDS: readonly TestBackend[] = [
  {
    name: "sqlite file",
    persistent: true,
    place: () => {
      const path = tempDbPath();
      return (options) => openSqliteStore(path, options);
    },
  },
  {
    // The same SQLite store run in a Worker (store/worker/), as `pingwatcher serve` runs it.
    name: "sqlite worker",
    persistent: true,
    place: () => {
      const path = tempDbPath();
      return (options) => openWorkerStore({ ...options, path, entry: STORE_WORKER_ENTRY });
    },
  },
  {
    name: "sqlite :memory:",
    persistent: false,
    place: () => (options) => openSqliteStore(":memory:", options),
  },
  ...postgresBackends(),
];

/** PostgreSQL 15 started by the tests (pg_server.ts) on first use; none without its binaries. */
function postgresBackends(): TestBackend[] {
  if (Deno.env.get("PINGWATCHER_TEST_PG") === "0") return [];
  if (PG_SKIP_REASON) {
    console.log(`PostgreSQL store suites skipped: ${PG_SKIP_REASON}`);
    return [];
  }
  return [{
    name: "postgresql",
    persistent: true,
    place: () => {
      const server = pgServer()!;
      const url = server.url(server.createDatabase());
      return (options) => openPostgresStore(url, options);
    },
  }];
}
