// Where the config file is, and how its values join the other settings. Precedence, highest
// first: command-line flags, PINGWATCHER_* environment variables, the config file, defaults. The
// file's server and retention values are handed to the commands as the environment variables they
// stand for, below the real environment, so one resolver (settings.ts) orders all four.
import { join } from "node:path";
import { defaultDataDir } from "../paths.ts";
import { ConfigError } from "./errors.ts";
import { loadConfigFile, type LoadedConfig } from "./load.ts";
import type { ConfigFile } from "./schema.ts";

export const CONFIG_FILE_NAME = "pingwatcher.yaml";

export interface ConfigLocation {
  path: string;
  /** Named by --config or PINGWATCHER_CONFIG: then it must exist. */
  named: boolean;
}

/** --config, else PINGWATCHER_CONFIG, else pingwatcher.yaml in the data directory. */
export function configLocation(
  args: { config?: string | null; dataDir: string | null },
  env: Record<string, string>,
): ConfigLocation {
  if (args.config) return { path: args.config, named: true };
  if (env.PINGWATCHER_CONFIG) return { path: env.PINGWATCHER_CONFIG, named: true };
  return { path: join(args.dataDir ?? defaultDataDir(env), CONFIG_FILE_NAME), named: false };
}

/** The config file, or null when the default one is absent; a named file must exist. */
export async function readConfig(location: ConfigLocation): Promise<LoadedConfig | null> {
  const loaded = await loadConfigFile(location.path);
  if (loaded === null && location.named) {
    throw new ConfigError([{
      file: location.path,
      line: 0,
      col: 0,
      field: "",
      reason: "does not exist (write a starter file with: pingwatcher init-config PATH)",
    }]);
  }
  return loaded;
}

/**
 * The file's server, retention and interface monitor settings as the PINGWATCHER_* variables
 * they stand for.
 */
export function configEnv(config: ConfigFile | null): Record<string, string> {
  const server = config?.server ?? {};
  const retention = config?.retention ?? {};
  const interfaces = config?.interfaces ?? {};
  const out: Record<string, string | undefined> = {
    PINGWATCHER_HOST: server.host,
    PINGWATCHER_PORT: server.port?.toString(),
    PINGWATCHER_HEADLESS: flag(server.headless),
    PINGWATCHER_CORS_ORIGINS: server.corsOrigins?.join(","),
    PINGWATCHER_PROBER: server.prober,
    PINGWATCHER_METRICS_ALL_HOPS: flag(server.metricsAllHops),
    PINGWATCHER_AGENT: server.agent,
    PINGWATCHER_RAW_DAYS: retention.rawDays?.toString(),
    PINGWATCHER_MINUTE_DAYS: retention.minuteDays?.toString(),
    PINGWATCHER_HOUR_DAYS: retention.hourDays?.toString(),
    PINGWATCHER_INTERFACES_INTERVAL: interfaces.intervalMs === undefined
      ? undefined
      : String(interfaces.intervalMs / 1000),
    PINGWATCHER_INTERFACES_INCLUDE: interfaces.include?.join(","),
    PINGWATCHER_INTERFACES_EXCLUDE: interfaces.exclude?.join(","),
    PINGWATCHER_INTERFACES_PRIMARY: interfaces.primary ?? undefined,
    PINGWATCHER_INTERFACES_OFF: flag(interfaces.off),
  };
  return Object.fromEntries(
    Object.entries(out).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The environment with the file's values under it: a set, non-empty variable wins. */
export function withConfigEnv(
  env: Record<string, string>,
  config: ConfigFile | null,
): Record<string, string> {
  const merged = { ...env };
  for (const [name, value] of Object.entries(configEnv(config))) {
    if (merged[name] === undefined || merged[name] === "") merged[name] = value;
  }
  return merged;
}

function flag(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : value ? "1" : "0";
}
