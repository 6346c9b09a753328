// Target management straight on the store, for commands that run while no server does: the same
// input, checks, presets and refusals as MonitorService, without an engine (nothing is probed;
// the server starts the targets when it next starts). Views say `probing: false`.
import { OptionsError, resolveTargetOptions, type TargetOptions } from "../../engine/mod.ts";
import type { Store, TargetMeta, TargetRecord } from "../../store/mod.ts";
import { apiFieldsOf, engineInputOf, type TargetCreate } from "../schemas.ts";
import { declaredTarget, invalid, readOnly, targetNotFound } from "./errors.ts";
import type { TargetView } from "./monitor.ts";
import { targetInput } from "./presets.ts";
import { apiFieldName, checkHost } from "./target_input.ts";

export class OfflineTargets {
  constructor(readonly store: Store) {}

  async list(): Promise<TargetView[]> {
    const meta = await this.store.allTargetMeta();
    return (await this.store.listTargets()).map((t) => viewOf(t, meta.get(t.id)));
  }

  async get(id: number): Promise<TargetView> {
    const { record, meta } = await this.#load(id);
    return viewOf(record, meta);
  }

  async create(input: TargetCreate): Promise<TargetView> {
    const host = checkHost(input.host);
    const name = input.configuration ?? null;
    const preset = name === null ? null : await this.store.configurationByName(name);
    if (name !== null && !preset) {
      throw invalid("unknown_configuration", `configuration: "${name}" does not exist`);
    }
    const explicit = engineInputOf(input);
    const options = resolve(targetInput(preset?.options ?? {}, explicit), explicit.port);
    const record = await this.store.addTarget({ host, label: input.label ?? null, options });
    const meta = {
      targetId: record.id,
      configuration: preset?.name ?? null,
      replay: false,
      explicit,
      groups: input.groups ?? [],
      agents: input.agents ?? null,
    };
    await this.store.setTargetMeta(meta);
    return viewOf(record, meta);
  }

  async setPaused(id: number, paused: boolean): Promise<TargetView> {
    const { meta } = await this.#load(id);
    if (meta.replay) throw readOnly("a replay target is never probed");
    const updated = await this.store.updateTarget(id, { paused });
    if (!updated) throw targetNotFound(id);
    return viewOf(updated, meta);
  }

  async remove(id: number): Promise<void> {
    const { record, meta } = await this.#load(id);
    if (meta.declared) throw declaredTarget(record);
    await this.store.removeTarget(id);
  }

  async #load(id: number): Promise<{ record: TargetRecord; meta: TargetMeta }> {
    const record = await this.store.getTarget(id);
    if (!record) throw targetNotFound(id);
    return { record, meta: await this.store.targetMeta(id) };
  }
}

function resolve(input: Parameters<typeof resolveTargetOptions>[0], port?: number): TargetOptions {
  try {
    const options = resolveTargetOptions(input);
    if (port !== undefined && options.protocol === "icmp") {
      throw new OptionsError("port", "a port only applies to udp and tcp");
    }
    return options;
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    throw invalid("invalid_body", error.message, [{
      field: apiFieldName(error.field),
      message: error.message,
    }]);
  }
}

function viewOf(record: TargetRecord, meta: TargetMeta | undefined): TargetView {
  return {
    id: record.id,
    host: record.host,
    label: record.label,
    ...apiFieldsOf(record.options),
    configuration: meta?.configuration ?? null,
    paused: record.paused,
    replay: meta?.replay ?? false,
    declared: meta?.declared ?? false,
    groups: meta?.groups ?? [],
    agents: meta?.agents ?? null,
    createdAt: record.createdAt,
    status: { address: null, probing: false, lastError: null },
  };
}
