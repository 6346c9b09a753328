// The SQLite backend's surface: the only door into store/sqlite/ (node:sqlite stays inside it).
export { openSqliteStore, type SqliteStoreOptions } from "./store.ts";
export type { FlushInfo } from "./rounds.ts";
export { migrate, MIGRATIONS, userVersion } from "./schema.ts";
export { coverRange } from "./history_read.ts";
export { CSV_HEADER } from "./export.ts";
