// The SQLite backend's surface: the only door into store/sqlite/ (node:sqlite stays inside it).
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from "./store.ts";
export type { FlushInfo } from "./rounds.ts";
export { migrate, MIGRATIONS, userVersion } from "./schema.ts";
export { coverRange } from "./history_read.ts";
export { CSV_HEADER } from "./export.ts";
// The backend-independent parts of the history code, reused by store/postgres/ through replay.
export { csvLines, jsonLine } from "./export.ts";
export { gatherRoutes, type HistoryReader, type RollupRow, type Segment } from "./history_read.ts";
export { checkTimelineQuery, timeline } from "./history_timeline.ts";
export { finalHopOf, MAX_FOCUS_ROUNDS, MAX_SPARKLINE_MINUTES } from "./latest.ts";
export type { RouteIndex } from "./route_index.ts";
