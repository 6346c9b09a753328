// Which targets `check` probes when no HOST is named: the config file's (when --config,
// PINGWATCHER_CONFIG or DATA_DIR/pingwatcher.yaml gives one and no --db asks for the database's),
// resolved with the file's configurations, else the database's presets of the same name.
import { openStore } from "../../../store/mod.ts";
import type { TargetOptionsInput } from "../../../engine/mod.ts";
import { type DeclaredTarget, declaredTargets } from "./declared.ts";
import { configLocation, readConfig } from "./locate.ts";

export async function checkConfigTargets(
  args: { config: string | null; db: string | null; dataDir: string | null },
  env: Record<string, string>,
  databasePath: () => string,
): Promise<DeclaredTarget[] | null> {
  if (args.db !== null && args.config === null) return null;
  const loaded = await readConfig(configLocation(args, env));
  if (loaded === null) return null;
  const names = (loaded.data.configurations ?? []).map((c) => c.name);
  const needsStore = (loaded.data.targets ?? [])
    .some((t) => t.configuration && !names.includes(t.configuration));
  return declaredTargets(loaded, needsStore ? await storedPresets(databasePath()) : new Map());
}

async function storedPresets(path: string): Promise<Map<string, TargetOptionsInput>> {
  try {
    Deno.statSync(path);
  } catch {
    return new Map(); // no database: the unknown name is reported against the file
  }
  const store = await openStore(path);
  try {
    return new Map((await store.listConfigurations()).map((c) => [c.name, c.options]));
  } finally {
    await store.close();
  }
}
