// Keeps the database in step with the config file's targets and configurations. A plan is made
// and checked first (every problem found, nothing written), then applied: new targets are added,
// changed ones updated, unchanged ones not touched at all (their schedule and round sequence run
// on), and declared targets gone from the file are paused and become runtime targets, their
// history kept until retention removes it. Targets added over the API or CLI are never touched,
// unless the file declares the same host: then the file adopts it and its history continues.
import {
  OptionsError,
  type Prober,
  proberLimitation,
  resolveTargetOptions,
  type TargetOptionsInput,
} from "../../../engine/mod.ts";
import type { Store, TargetMeta, TargetRecord } from "../../../store/mod.ts";
import { type MonitorService, targetInput } from "../../core/mod.ts";
import { engineInputOf, type TargetPatchInput } from "../../schemas.ts";
import { hostKey } from "./checks.ts";
import { ConfigError, type ConfigIssue } from "./errors.ts";
import type { LoadedConfig } from "./load.ts";
import type { ConfigTarget } from "./schema.ts";

interface TargetStep {
  index: number;
  input: ConfigTarget;
  host: string;
  /** The stored target it updates, or null: a new one. */
  existing: TargetRecord | null;
  /** An existing target that is not declared yet (or paused since it left the file). */
  adopt: boolean;
}

export interface SyncPlan {
  configurations: { name: string; options: TargetOptionsInput; id: number | null }[];
  targets: TargetStep[];
  /** Declared targets the file no longer has. */
  retire: TargetRecord[];
  unchanged: number;
}

export interface SyncResult {
  added: string[];
  changed: string[];
  retired: string[];
  unchanged: number;
}

/** Compares the file with the database; a ConfigError lists every problem, nothing is written. */
export async function planSync(
  store: Store,
  config: LoadedConfig,
  prober: Prober,
): Promise<SyncPlan> {
  const issues: ConfigIssue[] = [];
  const presets = new Map<string, TargetOptionsInput>();
  // Asked at once: with the store in its Worker each is a round trip.
  const [storedPresets, meta, records] = await Promise.all([
    store.listConfigurations(),
    store.allTargetMeta(),
    store.listTargets(),
  ]);
  for (const c of storedPresets) presets.set(c.name, c.options);
  const configurations = [];
  for (const c of config.data.configurations ?? []) {
    const options = engineInputOf(c.options);
    const stored = await store.configurationByName(c.name);
    if (stored && sameInput(stored.options, options)) continue;
    configurations.push({ name: c.name, options, id: stored?.id ?? null });
    presets.set(c.name, options);
  }
  const declared = new Map<string, TargetRecord>();
  for (const r of records) if (meta.get(r.id)?.declared) declared.set(r.host, r);
  const plan: SyncPlan = { configurations, targets: [], retire: [], unchanged: 0 };
  const wanted = new Set<string>();
  for (const [index, input] of (config.data.targets ?? []).entries()) {
    const host = hostKey(input.host);
    wanted.add(host);
    const preset = input.configuration ? presets.get(input.configuration) : {};
    if (preset === undefined) {
      issues.push(config.issueAt(
        ["targets", index, "configuration"],
        `no configuration named "${input.configuration}" in the file or the database`,
      ));
      continue;
    }
    const problem = optionsProblem(prober, targetInput(preset, engineInputOf(input)));
    if (problem) issues.push(config.issueAt(["targets", index], problem));
    const existing = declared.get(host) ?? adoptable(records, meta, host);
    const adopt = existing !== null && !meta.get(existing.id)?.declared;
    if (existing && !adopt && isUnchanged(existing, meta.get(existing.id)!, input)) {
      plan.unchanged++;
      continue;
    }
    plan.targets.push({ index, input, host, existing, adopt });
  }
  if (issues.length) throw new ConfigError(issues);
  plan.retire = [...declared.values()].filter((r) => !wanted.has(r.host));
  return plan;
}

/**
 * Applies a plan through the monitor service. `retire` false leaves retirements out (the server
 * does them in the store before it starts probing: see retireInStore).
 */
export async function applySync(
  service: MonitorService,
  plan: SyncPlan,
  options: { retire: boolean } = { retire: true },
): Promise<SyncResult> {
  const { store } = service;
  for (const c of plan.configurations) {
    if (c.id === null) await store.addConfiguration({ name: c.name, options: c.options });
    else {
      const updated = await store.updateConfiguration(c.id, { options: c.options });
      if (updated) await service.reapplyConfiguration(updated);
    }
  }
  const result: SyncResult = { added: [], changed: [], retired: [], unchanged: plan.unchanged };
  for (const step of plan.targets) {
    const fromConfig = { declared: true, groups: step.input.groups ?? [] };
    const fields = declaration(step.input);
    if (step.existing === null) {
      await service.create({ host: step.host, ...fields }, { fromConfig });
      result.added.push(step.host);
      continue;
    }
    await service.update(step.existing.id, fields, { fromConfig });
    if (step.adopt && step.existing.paused) await service.setPaused(step.existing.id, false);
    result.changed.push(step.host);
  }
  if (options.retire) {
    for (const record of plan.retire) {
      if (!record.paused) await service.setPaused(record.id, true);
      await undeclare(store, record.id);
      result.retired.push(record.host);
    }
  }
  return result;
}

/** Pauses and undeclares the plan's retired targets without an engine (before the server starts). */
export async function retireInStore(store: Store, plan: SyncPlan): Promise<string[]> {
  for (const record of plan.retire) {
    await store.updateTarget(record.id, { paused: true });
    await undeclare(store, record.id);
  }
  return plan.retire.map((r) => r.host);
}

async function undeclare(store: Store, id: number): Promise<void> {
  const meta = await store.targetMeta(id);
  await store.setTargetMeta({ ...meta, declared: false });
}

/** The whole declaration as a patch: what it leaves out is cleared, not kept. */
function declaration(input: ConfigTarget): TargetPatchInput {
  const { host: _host, groups: _groups, ...rest } = input;
  return {
    ...rest,
    label: input.label ?? null,
    configuration: input.configuration ?? null,
    agents: input.agents ?? null,
  };
}

/** A runtime target with the same host (not a replay), the oldest first. */
function adoptable(
  records: TargetRecord[],
  meta: Map<number, TargetMeta>,
  host: string,
): TargetRecord | null {
  return records.find((r) => r.host === host && !meta.get(r.id)?.replay) ?? null;
}

function isUnchanged(record: TargetRecord, meta: TargetMeta, input: ConfigTarget): boolean {
  return (record.label ?? null) === (input.label ?? null) &&
    meta.configuration === (input.configuration ?? null) &&
    sameInput(meta.explicit, engineInputOf(input)) &&
    JSON.stringify(meta.groups ?? []) === JSON.stringify(input.groups ?? []) &&
    JSON.stringify(meta.agents ?? null) === JSON.stringify(input.agents ?? null);
}

/** Options that do not resolve (with a database configuration) or that this prober cannot send. */
function optionsProblem(prober: Prober, input: TargetOptionsInput): string | null {
  try {
    return proberLimitation(prober, resolveTargetOptions(input));
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    return error.message;
  }
}

function sameInput(a: TargetOptionsInput, b: TargetOptionsInput): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof TargetOptionsInput>;
  return [...keys].every((key) => a[key] === b[key]);
}
