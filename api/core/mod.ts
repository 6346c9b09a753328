// The application core's public surface: the monitor service and its domain errors.
export { MonitorService, sameOptions } from "./monitor.ts";
export type { ChangeOptions, MonitorServiceOptions, TargetView } from "./monitor.ts";
export { CoreError } from "./errors.ts";
export type { CoreErrorKind, FieldIssue } from "./errors.ts";
export { patchExplicit, targetInput } from "./presets.ts";
export { apiFieldName } from "./target_input.ts";
export { type ProbeCount, ProbeCounters, type TargetCounts } from "./probe_counters.ts";
