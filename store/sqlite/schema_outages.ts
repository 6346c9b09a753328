// Outage tables: one row per outage of a target (end_at NULL while open) and each target's own
// threshold. Both go with their target. See store/schema.ts for how components migrate.
import type { MigrationSet } from "./schema.ts";

export const OUTAGES_MIGRATIONS: MigrationSet = {
  name: "outages",
  migrations: [
    // 1: outages and per-target thresholds.
    `
    CREATE TABLE outages (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
      start_at INTEGER NOT NULL,
      end_at INTEGER,
      rounds_lost INTEGER NOT NULL CHECK (rounds_lost >= 1),
      last_lost_at INTEGER NOT NULL
    );
    CREATE INDEX outages_by_target ON outages (target_id, start_at);
    CREATE INDEX outages_by_start ON outages (start_at);
    CREATE INDEX outages_open ON outages (target_id) WHERE end_at IS NULL;

    CREATE TABLE outage_settings (
      target_id INTEGER PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
      rounds INTEGER NOT NULL CHECK (rounds >= 1)
    ) WITHOUT ROWID;
    `,
    // 2: the agent that saw the outage (NULL: an outage from before agents).
    `ALTER TABLE outages ADD COLUMN agent TEXT;`,
  ],
};
