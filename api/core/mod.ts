// The application core's public surface: the monitor service and its domain errors.
export { MonitorService, sameOptions, TARGET_SYNC_MS } from "./monitor.ts";
export type { ChangeOptions, MonitorServiceOptions, SummaryTarget, TargetView } from "./monitor.ts";
export { CoreError } from "./errors.ts";
export type { CoreErrorKind, FieldIssue } from "./errors.ts";
export { patchExplicit, targetInput } from "./presets.ts";
export { apiFieldName } from "./target_input.ts";
export { type ProbeCount, ProbeCounters, type TargetCounts } from "./probe_counters.ts";
export { OutageTracker } from "./outages.ts";
export {
  INITIAL_OUTAGE_STATE,
  type OutageState,
  type OutageStep,
  stepOutage,
} from "./outage_machine.ts";
export { OfflineTargets } from "./offline_targets.ts";
export { repeatOnSlots } from "./slot_timer.ts";
