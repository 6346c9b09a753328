// The config file for the text monitor: the same declared targets as the server, planned before
// probing and applied once the monitor service runs (no reloads: the monitor is a foreground tool).
import type { Prober } from "../../../engine/mod.ts";
import type { Store } from "../../../store/mod.ts";
import type { MonitorService } from "../../core/mod.ts";
import { configLocation, readConfig } from "./locate.ts";
import { applySync, planSync, retireInStore, type SyncPlan } from "./sync.ts";

export interface MonitorConfig {
  /** The file declares at least one target. */
  declares: boolean;
  /** Checks the file against the database (ConfigError) and retires what it no longer has. */
  plan(store: Store, prober: Prober): Promise<SyncPlan | null>;
  apply(service: MonitorService, plan: SyncPlan | null): Promise<void>;
}

export async function monitorConfig(
  args: { config: string | null; dataDir: string | null },
  env: Record<string, string>,
): Promise<MonitorConfig> {
  const loaded = await readConfig(configLocation(args, env));
  return {
    declares: (loaded?.data.targets ?? []).length > 0,
    async plan(store, prober) {
      if (!loaded) return null;
      const plan = await planSync(store, loaded, prober);
      await retireInStore(store, plan);
      return plan;
    },
    async apply(service, plan) {
      if (plan) await applySync(service, plan, { retire: false });
    },
  };
}
