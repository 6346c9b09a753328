// What the server takes from the config file: the file itself (read before the store is opened,
// since retention and the listen address come from it), the alerts and auth sections, and the
// declared targets, planned before anything is probed and applied once the monitor runs.
import { log, type Prober } from "../../../engine/mod.ts";
import type { Store } from "../../../store/mod.ts";
import type { MonitorService } from "../../core/mod.ts";
import { ConfigError } from "./errors.ts";
import type { LoadedConfig } from "./load.ts";
import { type ConfigLocation, configLocation, readConfig } from "./locate.ts";
import { ConfigReloader, type ReloadOutcome } from "./reload.ts";
import { applySync, planSync, retireInStore, type SyncPlan } from "./sync.ts";
import { syncAlertRules } from "./alert_rules.ts";
import type { AlertService } from "../../../alerts/mod.ts";

export interface ServeConfig {
  location: ConfigLocation;
  loaded: LoadedConfig | null;
}

/** Finds and reads the file (ConfigError on any problem). */
export async function serveConfig(
  args: { config: string | null; dataDir: string | null },
  env: Record<string, string>,
): Promise<ServeConfig> {
  const location = configLocation(args, env);
  const loaded = await readConfig(location);
  if (loaded) log.info(`config file: ${location.path}`);
  return { location, loaded };
}

/** The lines printed for a ConfigError before exiting with 2. */
export function configErrorText(error: ConfigError): string {
  const count = error.issues.length;
  return `${error.message}\npingwatcher: the config file has ${count} problem${
    count === 1 ? "" : "s"
  }; nothing was started\n`;
}

/** Auth settings of the file, under the environment's token. */
export function configAuth(
  config: ServeConfig,
  envTokenHash: string | null,
): {
  sessionTtlMs?: number;
  login?: { maxFailures: number; windowMs: number };
  extraTokenHash: string | null;
} {
  const auth = config.loaded?.data.auth ?? {};
  return {
    sessionTtlMs: auth.sessionHours === undefined ? undefined : auth.sessionHours * 3_600_000,
    login: auth.loginMaxFailures === undefined && auth.loginWindowSeconds === undefined
      ? undefined
      : {
        maxFailures: auth.loginMaxFailures ?? 5,
        windowMs: (auth.loginWindowSeconds ?? 60) * 1000,
      },
    extraTokenHash: envTokenHash ?? auth.tokenSha256 ?? null,
  };
}

/**
 * Checks the declared targets against the database before anything is probed and retires, in
 * the store, those the file no longer has (so they do not start at all).
 */
export async function prepareDeclared(
  config: ServeConfig,
  store: Store,
  prober: Prober,
): Promise<SyncPlan | null> {
  if (!config.loaded) return null;
  const plan = await planSync(store, config.loaded, prober);
  const retired = await retireInStore(store, plan);
  if (retired.length) {
    log.info(`no longer in the config file (paused, history kept): ${retired.join(", ")}`);
  }
  return plan;
}

/** Applies the plan once the monitor runs and starts following SIGHUP and file changes. */
export async function startDeclared(
  config: ServeConfig,
  plan: SyncPlan | null,
  options: { service: MonitorService; prober: Prober; onReload?(outcome: ReloadOutcome): void },
): Promise<ConfigReloader | null> {
  if (plan === null) return null;
  const result = await applySync(options.service, plan, { retire: false });
  log.info(
    `config targets: ${result.added.length} added, ${result.changed.length} changed, ` +
      `${result.unchanged} unchanged`,
  );
  const reloader = new ConfigReloader({ location: config.location, ...options });
  reloader.watch();
  return reloader;
}

/** Applies the file's alert rules once the alert service runs; reloads apply them from then on. */
export async function startDeclaredRules(
  config: ServeConfig,
  alerts: AlertService,
  reloader: ConfigReloader | null,
): Promise<void> {
  if (!config.loaded) return;
  const rules = await syncAlertRules(alerts, config.loaded.data);
  if (rules.added.length || rules.changed.length) {
    log.info(`config alert rules: ${rules.added.length} added, ${rules.changed.length} changed`);
  }
  reloader?.useAlerts(alerts);
}
