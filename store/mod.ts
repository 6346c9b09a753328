// Public surface of storage: the Store interface and its SQLite implementation.
export { openSqliteStore } from "./sqlite.ts";
export type { FlushInfo, SqliteStoreOptions } from "./sqlite.ts";
export type {
  DnsName,
  NewTarget,
  RoundQuery,
  Store,
  StoredRouteChange,
  TargetPatch,
  TargetRecord,
} from "./types.ts";
export { NameTakenError } from "./server_types.ts";
export type {
  ApiTokenRecord,
  ConfigurationRecord,
  ServerStore,
  SessionRecord,
  TargetMeta,
} from "./server_types.ts";
export type {
  ActionRunRecord,
  AlertEventQuery,
  AlertEventRecord,
  AlertStore,
  NewAlertEventRecord,
  NewTimelineComment,
  StoredAlertRule,
  StoredAlertState,
  TimelineComment,
} from "./alerts_types.ts";
export type {
  ExportFormat,
  ExportQuery,
  HistoryHopStats,
  HistoryStore,
  HistoryWindow,
  HopStatsResult,
  Insights,
  InsightsQuery,
  Resolution,
  RetentionOptions,
  RouteHopStats,
  SparklinePoint,
  SummaryQuery,
  TargetSummary,
  TimelinePoint,
  TimelineQuery,
  TimelineResult,
  TimelineSeries,
} from "./history_types.ts";
export type { RoundPageQuery } from "./server_rounds.ts";
