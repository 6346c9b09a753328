// Public surface of the engine.
export * from "./types.ts";
export { flushMicrotasks, ManualClock, systemClock } from "./clock.ts";
export { Engine, type EngineCounters, type EngineEvent, type EngineOptions } from "./engine.ts";
export { type AddressLookup, NO_NAME, ReverseDns, systemAddressLookup } from "./dns.ts";
export {
  destinationDistance,
  type Focus,
  type HopStats,
  hopStats,
  jitterUs,
  markLossNotCarried,
  pathEnd,
  selectFocus,
} from "./stats.ts";
export { type UnreachableMarker, unreachableMarker } from "./unreachable.ts";
export {
  type AsInfo,
  AsLookup,
  asQueryName,
  type AsZones,
  CYMRU_ZONES,
  parseAsTxt,
  type TxtLookup,
} from "./asn.ts";
export { RouteTracker } from "./route.ts";
export { type EventRecorder, recordEngineEvent } from "./record.ts";
export {
  DEFAULT_OPTIONS,
  DEFAULT_PORTS,
  isIpv4,
  isIpv6,
  OptionsError,
  parseHost,
  resolveTargetOptions,
  type TargetOptionsInput,
} from "./options.ts";
export { log, type LogLevel, logLevel, setLogLevel, setLogSink, writeLogLine } from "./log.ts";
export {
  choiceForProtocol,
  mulberry32,
  noProberFix,
  PROBER_PROGRAMS,
  type ProberCapabilities,
  type ProberChoice,
  proberChoiceProblem,
  proberChoicesText,
  proberLimitation,
  PROBERS,
  type ProberSelection,
  protocolProblem,
  selectProber,
} from "./probers/mod.ts";
export { ProbeLimiter } from "./limiter.ts";
export * from "./netif/mod.ts";
