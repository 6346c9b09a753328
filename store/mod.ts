// Public surface of storage: openStore, the ports consumers take one at a time, `Store` (all of
// them), and the SQLite opener for callers that have not moved to openStore yet.
export {
  BACKENDS,
  openStore,
  type OpenStoreOptions,
  type StoreBackend,
  StoreUrlError,
} from "./open.ts";
export { openSqliteStore } from "./sqlite/mod.ts";
export type { FlushInfo, SqliteStoreOptions } from "./sqlite/mod.ts";
export type {
  DnsName,
  IntegrityReport,
  MaintenanceStore,
  NewTarget,
  RoundQuery,
  RoundStore,
  StorageSpace,
  Store,
  StoredRouteChange,
  TargetPatch,
  TargetRecord,
  TargetStore,
} from "./types.ts";
export { NameTakenError } from "./server_types.ts";
export type {
  ApiTokenRecord,
  ConfigurationRecord,
  RoundPageQuery,
  ServerRecordStore,
  ServerStore,
  SessionRecord,
  TargetMeta,
} from "./server_types.ts";
export type {
  ActionRunRecord,
  AlertEventQuery,
  AlertEventRecord,
  AlertStore,
  CommentSource,
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
export {
  DEFAULT_RETENTION_DAYS,
  resolveRetention,
  type RetentionTier,
} from "./retention_policy.ts";
