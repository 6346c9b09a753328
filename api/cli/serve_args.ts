// Options of the server command (the default command): flags win over PINGWATCHER_* variables,
// which win over defaults. Invalid values fail at start naming the option.
import { parseArgs } from "node:util";
import type { LogLevel } from "../../engine/log.ts";
import { OptionsError, parseHost, resolveTargetOptions } from "../../engine/options.ts";
import type { ProberChoice } from "../../engine/probers/mod.ts";
import type { TargetOptions } from "../../engine/types.ts";
import type { RetentionOptions } from "../../store/mod.ts";

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
  logLevel: LogLevel | null;
  /** The operator's alerts config file (default DATA_DIR/alerts.json; missing = defaults). */
  alertsConfig: string | null;
  retention: RetentionOptions;
}

export const SERVE_USAGE = `Usage:
  pingwatcher [HOST...] [options]      monitor + HTTP API (+ web UI unless --headless)

Server options (environment variable in brackets):
  --host ADDRESS         listen address (default 127.0.0.1) [PINGWATCHER_HOST]
  --port N               listen port, 0 = any free port (default 8000) [PINGWATCHER_PORT]
  --headless             engine and API only, no web UI [PINGWATCHER_HEADLESS=1]
  --db PATH              database file [PINGWATCHER_DB]
  --data-dir DIR         data directory (default ~/.local/share/pingwatcher) [PINGWATCHER_DATA_DIR]
  --prober auto|mtr-packet|ping   probing backend (default auto) [PINGWATCHER_PROBER]
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
  [PINGWATCHER_PASSWORD] a password for logins (hashed in memory, never stored)
  [PINGWATCHER_TOKEN]    an API token accepted as a bearer token (never stored)
Settings for HOSTs added by this command:
  --interval SECONDS, --protocol icmp|udp|tcp, --port-probe N, --max-hops N,
  --timeout SECONDS, --size BYTES, --final-hop-only
Listening on anything but loopback needs a password or a token (pingwatcher passwd,
--generate-token, PINGWATCHER_PASSWORD or PINGWATCHER_TOKEN). Nothing is probed unless you
name a HOST, add one through the API, or one is already in the database.

Other commands:
  pingwatcher monitor [HOST...]      the text monitor without a server
  pingwatcher trace HOST             mtr-like trace (pingwatcher trace --help)
  pingwatcher passwd [--db PATH]     set the login password (read from stdin; --clear removes it)`;

const LOG_LEVELS = ["debug", "info", "warn", "error"];

export function parseServeArgs(argv: string[], env: Record<string, string> = {}): ServeArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      headless: { type: "boolean" },
      db: { type: "string" },
      "data-dir": { type: "string" },
      prober: { type: "string" },
      "generate-token": { type: "boolean" },
      "cors-origin": { type: "string", multiple: true },
      "log-level": { type: "string" },
      "alerts-config": { type: "string" },
      "raw-days": { type: "string" },
      "minute-days": { type: "string" },
      "hour-days": { type: "string" },
      interval: { type: "string" },
      protocol: { type: "string" },
      "port-probe": { type: "string" },
      "max-hops": { type: "string" },
      timeout: { type: "string" },
      size: { type: "string" },
      "final-hop-only": { type: "boolean" },
    },
  });
  const num = (v: string | undefined, scale = 1) => v === undefined ? undefined : Number(v) * scale;
  const options = resolveTargetOptions({
    intervalMs: num(values.interval, 1000),
    protocol: values.protocol,
    port: num(values["port-probe"]),
    maxHops: num(values["max-hops"]),
    timeoutMs: num(values.timeout, 1000),
    packetSizeBytes: num(values.size),
    finalHopOnly: values["final-hop-only"],
  });
  const listen = values.host ?? env.PINGWATCHER_HOST ?? "127.0.0.1";
  if (!/^[0-9A-Za-z.:-]+$/.test(listen)) {
    throw new OptionsError("host", `"${listen}" is not an address`);
  }
  const portText = values.port ?? env.PINGWATCHER_PORT ?? "8000";
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) {
    throw new OptionsError("port", `"${portText}" is not a port number (0-65535)`);
  }
  const prober = values.prober ?? env.PINGWATCHER_PROBER ?? "auto";
  if (!["auto", "mtr-packet", "ping"].includes(prober)) {
    throw new OptionsError("prober", `"${prober}" is not one of auto, mtr-packet, ping`);
  }
  const logLevel = values["log-level"] ?? env.PINGWATCHER_LOG_LEVEL ?? null;
  if (logLevel !== null && !LOG_LEVELS.includes(logLevel)) {
    throw new OptionsError("log-level", `must be one of ${LOG_LEVELS.join(", ")}`);
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
    logLevel: logLevel as LogLevel | null,
    alertsConfig: values["alerts-config"] ?? env.PINGWATCHER_ALERTS_CONFIG ?? null,
    retention: {
      rawDays: retentionDays("raw-days", values["raw-days"] ?? env.PINGWATCHER_RAW_DAYS),
      minuteDays: retentionDays(
        "minute-days",
        values["minute-days"] ?? env.PINGWATCHER_MINUTE_DAYS,
      ),
      hourDays: retentionDays("hour-days", values["hour-days"] ?? env.PINGWATCHER_HOUR_DAYS),
    },
  };
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
