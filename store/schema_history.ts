// History tables: rollups (1-minute, 1-hour) and retention bookkeeping. See store/schema.ts.
import type { MigrationSet } from "./schema.ts";

export const HISTORY_MIGRATIONS: MigrationSet = {
  name: "history",
  migrations: [],
};
