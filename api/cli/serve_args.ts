// Options of the server command (the default command): flags win over PINGWATCHER_* variables,
// which win over the config file (handed in as variables under the real ones), then defaults. Invalid values fail at start naming the option.
import { parseArgs } from "node:util";
import {
  interfacePatternProblem,
  type InterfaceSettings,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  OptionsError,
  parseHost,
  type ProberChoice,
  proberChoiceProblem,
  proberChoicesText,
  type TargetOptions,
} from "../../engine/mod.ts";
import type { RetentionOptions } from "../../store/mod.ts";
import { UsageError } from "./command.ts";
import { defaultAgentName, setting } from "./settings.ts";
import { agentName } from "../schemas.ts";
import { TARGET_FLAG_SPEC, TARGET_FLAGS_USAGE, targetOptionsOf } from "./target_flags.ts";

export interface ServeArgs {
  /** Targets to add to the database (probed from then on). */
  hosts: string[];
  options: TargetOptions;
  /** Address to listen on. */
  listen: string;
  port: number;
  db: string | null;
  dataDir: string | null;
  prober: ProberChoice;
  headless: boolean;
  generateToken: boolean;
  corsOrigins: string[];
  /** The operator's alerts config file (default DATA_DIR/alerts.json; missing = defaults). */
  alertsConfig: string | null;
  retention: RetentionOptions;
  /** GET /metrics reports every hop of each target's route, not only the final hop. */
  metricsAllHops: boolean;
  /** --config PATH (else PINGWATCHER_CONFIG, else DATA_DIR/pingwatcher.yaml if present). */
  config: string | null;
  /** The interface monitor: on or off, and the settings given here (they win over saved ones). */
  interfaces: { enabled: boolean; flags: Partial<InterfaceSettings> };
  /** AS number and prefix per hop in the trace graph (DNS TXT to a third party; off). */
  asLookup: boolean;
  /** The agent (vantage point) this process probes as and marks its rounds with. */
  agent: string;
}

export const SERVE_USAGE = `Usage:
  pingwatcher [HOST...] [options]        monitor + HTTP API (+ web UI unless --headless)
  pingwatcher serve [HOST...] [options]  the same; needed when a HOST is a single-label name

Server options (environment variable in brackets):
  --host ADDRESS         listen address (default 127.0.0.1) [PINGWATCHER_HOST]
  --port N               listen port, 0 = any free port (default 8000) [PINGWATCHER_PORT]
  --headless             engine and API only, no web UI [PINGWATCHER_HEADLESS=1]
  --db PATH|URL          database file, or PostgreSQL: postgres://USER:PASSWORD@HOST:PORT/DB
                         ?sslmode=disable|prefer|require|verify-full [PINGWATCHER_DB]
  --data-dir DIR         data directory (default ~/.local/share/pingwatcher) [PINGWATCHER_DATA_DIR]
  --agent NAME           the vantage point this process probes as: it probes the targets
                         assigned to NAME (or to every agent) and marks its rounds with NAME;
                         several agents may share one PostgreSQL database (default: the host
                         name) [PINGWATCHER_AGENT]
  --config PATH          config file (default DATA_DIR/pingwatcher.yaml when it exists; see
                         the README's "Config file"; reloaded on SIGHUP) [PINGWATCHER_CONFIG]
  --prober ${proberChoicesText()}   probing backend (default auto) [PINGWATCHER_PROBER]
  --generate-token       create an API token, print it once, and start
  --cors-origin ORIGIN   allow cross-origin requests from ORIGIN (repeatable)
                         [PINGWATCHER_CORS_ORIGINS, comma-separated]
  --log-level debug|info|warn|error [PINGWATCHER_LOG_LEVEL]
  --alerts-config PATH   the alerts config file (SMTP, command allowlist, folders;
                         default DATA_DIR/alerts.json) [PINGWATCHER_ALERTS_CONFIG]
  --raw-days N, --minute-days N, --hour-days N
                         retention of raw rounds (default 3), 1-minute rollups (30) and
                         1-hour rollups and route history (1825)
                         [PINGWATCHER_RAW_DAYS, PINGWATCHER_MINUTE_DAYS, PINGWATCHER_HOUR_DAYS]
  --metrics-all-hops     GET /metrics reports every hop of each target, not only the
                         final hop (more series) [PINGWATCHER_METRICS_ALL_HOPS=1]
  --interfaces-interval SECONDS
                         read interface counters every SECONDS (default 10, 1-3600)
                         [PINGWATCHER_INTERFACES_INTERVAL]
  --interfaces-include NAMES, --interfaces-exclude NAMES
                         comma-separated names or globs (eth*) always / never monitored,
                         whatever the default filter says (repeatable)
                         [PINGWATCHER_INTERFACES_INCLUDE, PINGWATCHER_INTERFACES_EXCLUDE]
  --interfaces-primary NAME
                         the primary interface (default: the busiest over the first
                         samples) [PINGWATCHER_INTERFACES_PRIMARY]
  --interfaces-off       do not monitor interface traffic [PINGWATCHER_INTERFACES_OFF=1]
  --as-lookup            AS number and prefix per hop in the trace graph and /hops (DNS TXT,
                         origin.asn.cymru.com: sends hop addresses to that service; off)
  [PINGWATCHER_PASSWORD] a password for logins (hashed in memory, never stored)
  [PINGWATCHER_TOKEN]    an API token accepted as a bearer token (never stored)
Settings for HOSTs added by this command (--port-probe is an older spelling of --probe-port):
${TARGET_FLAGS_USAGE}
Listening on anything but loopback needs a password or a token (pingwatcher passwd,
--generate-token, PINGWATCHER_PASSWORD or PINGWATCHER_TOKEN). Nothing is probed unless you
name a HOST, add one through the API, or one is already in the database.`;

/** Parses the server's argv; a bad command line is a UsageError or an OptionsError. */
export function parseServeArgs(argv: string[], env: Record<string, string> = {}): ServeArgs {
  const { values, positionals } = parseFlags(argv);
  const options = targetOptionsOf(values, { alias: "port-probe" });
  const listen = setting(values.host, { env, name: "PINGWATCHER_HOST", fallback: "127.0.0.1" });
  if (!/^[0-9A-Za-z.:-]+$/.test(listen)) {
    throw new OptionsError("host", `"${listen}" is not an address`);
  }
  const portText = setting(values.port, { env, name: "PINGWATCHER_PORT", fallback: "8000" });
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) {
    throw new OptionsError("port", `"${portText}" is not a port number (0-65535)`);
  }
  const prober = setting(values.prober, { env, name: "PINGWATCHER_PROBER", fallback: "auto" });
  const proberProblem = proberChoiceProblem(prober);
  if (proberProblem) {
    throw new OptionsError("prober", proberProblem);
  }
  const agent = setting(values.agent, { env, name: "PINGWATCHER_AGENT", fallback: null }) ??
    defaultAgentName();
  const agentProblem = agentName.safeParse(agent);
  if (!agentProblem.success) {
    throw new OptionsError("agent", `"${agent}" ${agentProblem.error.issues[0].message}`);
  }
  const cors = values["cors-origin"] ??
    (env.PINGWATCHER_CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  for (const origin of cors) checkOrigin(origin);
  return {
    hosts: positionals.map((host) => parseHost(host).host),
    options,
    listen,
    port,
    db: values.db ?? null,
    dataDir: values["data-dir"] ?? null,
    prober: prober as ProberChoice,
    headless: values.headless ?? ["1", "true", "yes"].includes(env.PINGWATCHER_HEADLESS ?? ""),
    generateToken: values["generate-token"] ?? false,
    corsOrigins: cors,
    alertsConfig: setting(values["alerts-config"], {
      env,
      name: "PINGWATCHER_ALERTS_CONFIG",
      fallback: null,
    }),
    retention: {
      rawDays: retentionDays("raw-days", values["raw-days"] ?? env.PINGWATCHER_RAW_DAYS),
      minuteDays: retentionDays(
        "minute-days",
        values["minute-days"] ?? env.PINGWATCHER_MINUTE_DAYS,
      ),
      hourDays: retentionDays("hour-days", values["hour-days"] ?? env.PINGWATCHER_HOUR_DAYS),
    },
    metricsAllHops: values["metrics-all-hops"] ??
      envSwitch("metrics-all-hops", env.PINGWATCHER_METRICS_ALL_HOPS),
    config: values.config ?? null,
    interfaces: interfaceArgs(values, env),
    asLookup: values["as-lookup"] ?? false,
    agent,
  };
}

/** The --interfaces-* flags (over PINGWATCHER_INTERFACES_* variables); unset ones stay out. */
function interfaceArgs(
  values: ReturnType<typeof parseFlags>["values"],
  env: Record<string, string>,
): ServeArgs["interfaces"] {
  const flags: Partial<InterfaceSettings> = {};
  const interval = values["interfaces-interval"] ?? env.PINGWATCHER_INTERFACES_INTERVAL;
  if (interval !== undefined) {
    const seconds = Number(interval);
    const ms = Math.round(seconds * 1000);
    if (
      interval.trim() === "" || !Number.isFinite(seconds) || ms < MIN_INTERVAL_MS ||
      ms > MAX_INTERVAL_MS
    ) {
      throw new OptionsError(
        "interfaces-interval",
        `"${interval}" is not a number of seconds from ${MIN_INTERVAL_MS / 1000} to ${
          MAX_INTERVAL_MS / 1000
        }`,
      );
    }
    flags.intervalMs = ms;
  }
  for (const which of ["include", "exclude"] as const) {
    const given = values[`interfaces-${which}`] ??
      (env[`PINGWATCHER_INTERFACES_${which.toUpperCase()}`] === undefined
        ? undefined
        : [env[`PINGWATCHER_INTERFACES_${which.toUpperCase()}`]]);
    if (given === undefined) continue;
    const list = given.flatMap((text) => text.split(",")).map((n) => n.trim()).filter(Boolean);
    for (const name of list) {
      const problem = interfacePatternProblem(name);
      if (problem) throw new OptionsError(`interfaces-${which}`, problem);
    }
    flags[which] = list;
  }
  const primary = values["interfaces-primary"] ?? env.PINGWATCHER_INTERFACES_PRIMARY;
  if (primary !== undefined) {
    if (primary.includes("*") || interfacePatternProblem(primary)) {
      throw new OptionsError("interfaces-primary", `"${primary}" is not an interface name`);
    }
    flags.primary = primary;
  }
  const off = values["interfaces-off"] ??
    envSwitch("interfaces-off", env.PINGWATCHER_INTERFACES_OFF);
  return { enabled: !off, flags };
}

/** An on/off variable: 1/true/yes or 0/false/no (empty or unset = off); anything else fails. */
function envSwitch(name: string, text: string | undefined): boolean {
  const value = (text ?? "").trim().toLowerCase();
  if (["1", "true", "yes"].includes(value)) return true;
  if (["", "0", "false", "no"].includes(value)) return false;
  throw new OptionsError(name, `"${text}" is not 1, true, yes, 0, false or no`);
}

/** The raw flags and positionals (the dispatcher looks at the first positional). */
export function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...TARGET_FLAG_SPEC,
        host: { type: "string" },
        port: { type: "string" },
        headless: { type: "boolean" },
        db: { type: "string" },
        "data-dir": { type: "string" },
        prober: { type: "string" },
        "generate-token": { type: "boolean" },
        "cors-origin": { type: "string", multiple: true },
        "alerts-config": { type: "string" },
        "raw-days": { type: "string" },
        "minute-days": { type: "string" },
        "hour-days": { type: "string" },
        "port-probe": { type: "string" },
        "metrics-all-hops": { type: "boolean" },
        config: { type: "string" },
        "interfaces-interval": { type: "string" },
        "interfaces-include": { type: "string", multiple: true },
        "interfaces-exclude": { type: "string", multiple: true },
        "interfaces-primary": { type: "string" },
        "interfaces-off": { type: "boolean" },
        "as-lookup": { type: "boolean" },
        agent: { type: "string" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function retentionDays(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const days = Number(text);
  if (text.trim() === "" || !Number.isFinite(days) || days <= 0 || days > 100_000) {
    throw new OptionsError(name, `"${text}" is not a number of days (more than 0, at most 100000)`);
  }
  return days;
}

function checkOrigin(origin: string): void {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new OptionsError("cors-origin", `"${origin}" is not an origin like https://host:port`);
  }
  if (parsed.origin !== origin) {
    throw new OptionsError("cors-origin", `"${origin}" is not an origin (use ${parsed.origin})`);
  }
}
