// The engine's shared ground for the store: core types, the clock, the log, hop statistics,
// interface counter names and option defaults. engine/mod.ts exports all of it too; store/
// imports it from here, so the store's Worker loads these few modules and not the whole engine
// (probers, scheduler, tracer) nor zod (the options' schema, engine/options.ts).
export * from "./types.ts";
export { flushMicrotasks, ManualClock, systemClock } from "./clock.ts";
export { log, type LogLevel, logLevel, setLogLevel, setLogSink, writeLogLine } from "./log.ts";
export {
  destinationDistance,
  type HopStats,
  hopStats,
  jitterUs,
  markLossNotCarried,
} from "./stats.ts";
export { COUNTER_NAMES, type InterfaceCounters } from "./netif/mod.ts";
export { completeTargetOptions, DEFAULT_OPTIONS, DEFAULT_PORTS } from "./option_defaults.ts";
export { DEFAULT_UDP_FLOW } from "./flow.ts";
export type { TargetOptionsInput } from "./options.ts";
export { mulberry32 } from "./random.ts";
