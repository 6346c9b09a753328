// Public surface of storage: openStore, the ports consumers take one at a time and `Store` (all of
// them). The backends' openers are not here: openStore loads the one it opens (store/open.ts).
export {
  BACKENDS,
  openStore,
  type OpenStoreOptions,
  type StoreBackend,
  StoreUrlError,
} from "./open.ts";
export { fieldsDifferingFrom } from "./explicit_fields.ts";
export { mosEstimate } from "./history_stats.ts";
export type { FlushInfo, SqliteStoreOptions } from "./sqlite/mod.ts";
export type { PostgresStoreOptions } from "./postgres/mod.ts";
export type {
  AgentReads,
  AgentRecord,
  AgentStore,
  DnsName,
  IntegrityReport,
  MaintenanceStore,
  NewTarget,
  RoundQuery,
  RoundStore,
  StorageSpace,
  Store,
  StoredRouteChange,
  StoreStats,
  TargetHead,
  TargetPatch,
  TargetRecord,
  TargetStore,
} from "./types.ts";
export {
  type ApiTokenRecord,
  type ConfigurationRecord,
  NameTakenError,
  type RoundPageQuery,
  type ServerRecordStore,
  type ServerStore,
  type SessionRecord,
  type TargetMeta,
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
export {
  DEFAULT_OUTAGE_ROUNDS,
  MAX_OUTAGE_ROUNDS,
  type NewOutage,
  type OutageQuery,
  type OutageRecord,
  type OutagesByTargetQuery,
  type OutageStore,
} from "./outages_types.ts";
export type {
  ExportFormat,
  ExportQuery,
  HistogramBucket,
  HistoryHopStats,
  HistoryStore,
  HistoryWindow,
  HopStatsResult,
  Insights,
  InsightsQuery,
  Resolution,
  RetentionOptions,
  RouteHopStats,
  Sparkline,
  SummaryQuery,
  TargetSummary,
  TimelinePoint,
  TimelineQuery,
  TimelineResult,
  TimelineSeries,
} from "./history_types.ts";
export type {
  InterfaceFigures,
  InterfaceHistory,
  InterfaceHistoryQuery,
  InterfacePoint,
  InterfaceResolution,
  InterfaceSampleRecord,
  InterfaceStore,
  InterfaceSummaryRecord,
} from "./interface_types.ts";
export {
  DEFAULT_RETENTION_DAYS,
  resolveRetention,
  type RetentionTier,
} from "./retention_policy.ts";
export {
  MAX_SYNTHETIC_TARGETS,
  roundsPerTarget,
  syntheticHistory,
  syntheticTargets,
} from "./synthetic.ts";
