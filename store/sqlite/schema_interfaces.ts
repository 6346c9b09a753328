// Interface traffic tables: interface names, raw samples (counter increases per measured
// interval), 1-minute and 1-hour rollups (sums, measured time, peak byte rates), and the settings
// saved through the API. See store/schema.ts for how components migrate.
import type { MigrationSet } from "./schema.ts";

const COUNTERS = `
      rx_bytes INTEGER NOT NULL,
      rx_packets INTEGER NOT NULL,
      rx_errors INTEGER NOT NULL,
      rx_drops INTEGER NOT NULL,
      tx_bytes INTEGER NOT NULL,
      tx_packets INTEGER NOT NULL,
      tx_errors INTEGER NOT NULL,
      tx_drops INTEGER NOT NULL`;

function rollupTable(name: string): string {
  return `
    CREATE TABLE ${name} (
      iface_id INTEGER NOT NULL REFERENCES interfaces (id),
      bucket INTEGER NOT NULL,
      samples INTEGER NOT NULL,
      elapsed_ms REAL NOT NULL, -- measured (monotonic) time covered${COUNTERS},
      rx_peak REAL NOT NULL, -- bytes/s of the busiest sample inside
      tx_peak REAL NOT NULL,
      PRIMARY KEY (iface_id, bucket)
    ) WITHOUT ROWID;`;
}

export const INTERFACES_MIGRATIONS: MigrationSet = {
  name: "interfaces",
  migrations: [
    // 1: names, raw samples keyed by (interface, end of interval), rollups, settings.
    `
    CREATE TABLE interfaces (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE if_samples (
      iface_id INTEGER NOT NULL REFERENCES interfaces (id),
      ts INTEGER NOT NULL,
      elapsed_ms REAL NOT NULL, -- measured (monotonic) time covered${COUNTERS},
      PRIMARY KEY (iface_id, ts)
    ) WITHOUT ROWID;
    ${rollupTable("if_rollup_1m")}
    ${rollupTable("if_rollup_1h")}
    CREATE TABLE if_settings (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      spec TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    );
    `,
  ],
};
