// Server tables: named configurations, sessions, users and tokens. See store/schema.ts.
import type { MigrationSet } from "./schema.ts";

export const SERVER_MIGRATIONS: MigrationSet = {
  name: "server",
  migrations: [],
};
