// The config file's targets resolved to engine options, for commands that probe them without the
// server (check): each takes its configuration from the file, else from the database's presets.
import {
  resolveTargetOptions,
  type TargetOptions,
  type TargetOptionsInput,
} from "../../../engine/mod.ts";
import { targetInput } from "../../core/mod.ts";
import { engineInputOf } from "../../schemas.ts";
import { hostKey } from "./checks.ts";
import { ConfigError } from "./errors.ts";
import type { LoadedConfig } from "./load.ts";

export interface DeclaredTarget {
  host: string;
  label: string | null;
  groups: string[];
  options: TargetOptions;
}

export function declaredTargets(
  config: LoadedConfig,
  storedPresets: Map<string, TargetOptionsInput> = new Map(),
): DeclaredTarget[] {
  const presets = new Map(storedPresets);
  for (const c of config.data.configurations ?? []) presets.set(c.name, engineInputOf(c.options));
  const issues = [];
  const out: DeclaredTarget[] = [];
  for (const [i, t] of (config.data.targets ?? []).entries()) {
    const preset = t.configuration ? presets.get(t.configuration) : {};
    if (preset === undefined) {
      issues.push(config.issueAt(
        ["targets", i, "configuration"],
        `no configuration named "${t.configuration}" in the file or the database`,
      ));
      continue;
    }
    out.push({
      host: hostKey(t.host),
      label: t.label ?? null,
      groups: t.groups ?? [],
      options: resolveTargetOptions(targetInput(preset, engineInputOf(t))),
    });
  }
  if (issues.length) throw new ConfigError(issues);
  return out;
}
