// Arguments of `trace HOST`: parsed with node:util, validated before any process starts.
import {
  parseHost,
  type ProberChoice,
  proberChoiceProblem,
  proberChoicesText,
  type TargetOptions,
} from "../../engine/mod.ts";
import { parseCommandLine, UsageError } from "./command.ts";
import { TARGET_FLAG_SPEC, TARGET_FLAGS_USAGE, targetOptionsOf } from "./target_flags.ts";

export type { ProberChoice };
export { UsageError };

export interface TraceArgs {
  host: string;
  hostKind: "ipv4" | "ipv6" | "name";
  options: TargetOptions;
  prober: ProberChoice;
  /** Rounds to run before exiting; null = until interrupted. */
  count: number | null;
  mode: "live" | "report" | "json";
  /** Look up each hop's AS number and prefix in DNS (asks a third party: off by default). */
  asLookup: boolean;
}

export const TRACE_USAGE = `Usage: pingwatcher trace HOST [options]

Traces the route to HOST continuously, like mtr.
  --count N              rounds to run, then exit (default: until Ctrl-C on a terminal,
                         10 with --report, --json or when output is not a terminal)
${TARGET_FLAGS_USAGE}
  --prober ${proberChoicesText()}  probing backend (default auto: the first that works here)
  --port N               old spelling of --probe-port
  -4, -6                 use IPv4 / IPv6 only
  --report               print a table at the end (like mtr -r)
  --json                 print the result as JSON at the end
  -z, --as-lookup        show each hop's AS number and prefix (DNS TXT, origin.asn.cymru.com:
                         sends every hop address to that service; off by default)
Exit codes: 0 done, 2 bad arguments, 3 host cannot be resolved, 4 no working prober.`;

function numberArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`--${name}: "${value}" is not a number`);
  }
  return n;
}

/** Parses argv (after the word "trace"). Throws UsageError with a message fit for the user. */
export function parseTraceArgs(argv: string[], stdoutIsTty: boolean): TraceArgs {
  const parsed = parseCommandLine(argv, {
    count: { type: "string", short: "c" },
    ...TARGET_FLAG_SPEC,
    interval: { type: "string", short: "i" },
    port: { type: "string", short: "P" },
    prober: { type: "string" },
    "max-hops": { type: "string", short: "m" },
    size: { type: "string", short: "s" },
    "4": { type: "boolean" },
    "6": { type: "boolean" },
    report: { type: "boolean", short: "r" },
    json: { type: "boolean", short: "j" },
    "as-lookup": { type: "boolean", short: "z" },
  });
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError("expected exactly one HOST");
  let host;
  try {
    host = parseHost(positionals[0]);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values["4"] && values["6"]) throw new UsageError("-4 and -6 exclude each other");
  const ipVersion = values["4"] ? 4 : values["6"] ? 6 : null;
  if ((host.kind === "ipv4" && ipVersion === 6) || (host.kind === "ipv6" && ipVersion === 4)) {
    throw new UsageError(`${host.host} is an IPv${host.kind === "ipv4" ? 4 : 6} address`);
  }
  const prober = values.prober ?? "auto";
  const proberProblem = proberChoiceProblem(prober);
  if (proberProblem) {
    throw new UsageError(`--prober: ${proberProblem}`);
  }
  if (values.report && values.json) throw new UsageError("--report and --json exclude each other");
  const count = numberArg(values.count, "count");
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new UsageError("--count: must be a whole number of at least 1");
  }
  const mode = values.json ? "json" : values.report ? "report" : stdoutIsTty ? "live" : "report";
  const options: TargetOptions = targetOptionsOf(values, {
    alias: "port",
    defaults: { intervalMs: 1000, ipVersion },
  });
  return {
    host: host.host,
    hostKind: host.kind,
    options,
    prober: prober as ProberChoice,
    count: count ?? (mode === "live" ? null : 10),
    mode,
    asLookup: values["as-lookup"] ?? false,
  };
}
