// Public surface of the engine.
export * from "./types.ts";
export { ManualClock, systemClock } from "./clock.ts";
export { Engine, type EngineCounters, type EngineEvent, type EngineOptions } from "./engine.ts";
export { NO_NAME, ReverseDns, systemAddressLookup } from "./dns.ts";
export { type Focus, type HopStats, hopStats, jitterUs, selectFocus } from "./stats.ts";
export { RouteTracker } from "./route.ts";
export { type EventRecorder, recordEngineEvent } from "./record.ts";
export {
  DEFAULT_OPTIONS,
  OptionsError,
  parseHost,
  resolveTargetOptions,
  type TargetOptionsInput,
} from "./options.ts";
export { log, setLogLevel, setLogSink } from "./log.ts";
export { destinationDistance, markLossNotCarried } from "./stats.ts";
export { mulberry32 } from "./probers/fake.ts";
