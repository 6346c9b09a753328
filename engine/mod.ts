// Public surface of the engine. Its shared ground (types, clock, log, hop statistics, option
// defaults) is ground.ts, which the store imports on its own.
export * from "./ground.ts";
export { Engine, type EngineCounters, type EngineEvent, type EngineOptions } from "./engine.ts";
export { type AddressLookup, NO_NAME, ReverseDns, systemAddressLookup } from "./dns.ts";
export { type Focus, pathEnd, selectFocus } from "./stats.ts";
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
export { delayToSlot } from "./schedule.ts";
export { type EventRecorder, recordEngineEvent } from "./record.ts";
export {
  isIpv4,
  isIpv6,
  OptionsError,
  parseHost,
  resolveTargetOptions,
  type TargetOptionsInput,
} from "./options.ts";
export {
  choiceForProtocol,
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
