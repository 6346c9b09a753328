// History tables: rollups (1-minute, 1-hour) and retention bookkeeping. See store/schema.ts.
import type { MigrationSet } from "./schema.ts";

export const HISTORY_MIGRATIONS: MigrationSet = {
  name: "history",
  migrations: [
    // 1: rollup tiers. One row per (target, bucket start, route); data is a store/rollup_codec.ts
    // blob with every hop of that route. route_id is the route_changes id in force when the
    // rounds started (0 = before the first recorded change): old routes never mix into new ones.
    // path_id is the newest round's path, for the hop addresses. No FK on route_id/path_id:
    // retention may drop the change row of a route whose rollups are still kept for a while.
    `
    CREATE TABLE rollup_1m (
      target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
      bucket INTEGER NOT NULL,
      route_id INTEGER NOT NULL,
      path_id INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (target_id, bucket, route_id)
    ) WITHOUT ROWID;

    CREATE TABLE rollup_1h (
      target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
      bucket INTEGER NOT NULL,
      route_id INTEGER NOT NULL,
      path_id INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (target_id, bucket, route_id)
    ) WITHOUT ROWID;
    `,
    // 2: where the oldest minute and hour bucket with rounds its row lacks begins, per tier (a
    // bucket still filling is written every 30 s, not every flush; see rollup_recovery.ts).
    `
    CREATE TABLE rollup_open (
      tier TEXT PRIMARY KEY,
      bucket INTEGER NOT NULL
    );
    `,
  ],
};
