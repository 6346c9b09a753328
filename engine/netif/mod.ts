// Interface traffic collection: platform sources, parsers, the counter state machine and the
// collector loop.
export * from "./types.ts";

/** The programs the interface readers run: grep for /proc and /sys (Deno refuses those paths to
 * anything below --allow-all), netstat and route on macOS. Permission lists are built from this. */
export const INTERFACE_READER_PROGRAMS: readonly string[] = ["grep", "netstat", "route"];
export {
  checkInterfaceSettings,
  type Collection,
  type CollectorOptions,
  DEFAULT_INTERFACE_SETTINGS,
  InterfaceCollector,
  type InterfaceSettings,
  InterfaceSettingsError,
  type InterfaceStatus,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  PRIMARY_SAMPLES,
  type PrimaryChoice,
  type PrimarySource,
} from "./collector.ts";
export { counterDelta, CounterTracker, type Observation } from "./rates.ts";
export {
  choosePrimary,
  defaultSkipReason,
  interfacePatternProblem,
  type InterfaceSelection,
  matchesAny,
  skipReason,
} from "./filter.ts";
export { parseDefaultRoute, parseProcNetDev } from "./proc_net_dev.ts";
export {
  NetstatParseError,
  type NetstatRow,
  parseNetstatIbn,
  parseRouteGetDefault,
} from "./netstat_parse.ts";
export { kindOfType, linuxSource, type LinuxSourceOptions } from "./linux.ts";
export { macKindOf, macosSource } from "./macos.ts";
export { type SourceChoice, systemInterfaceSource } from "./source.ts";
export { autoRead, directRead, grepRead, parseGrepOutput, type ReadFiles } from "./file_reader.ts";
