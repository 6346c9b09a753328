// The application core: one monitor service that owns the engine, the store and the recording of
// what the engine finds, used by the server and by the text `monitor` command alike. Target
// changes are written to the store first, then applied to the engine at once; refusals are
// CoreErrors (the API maps them to HTTP in api/errors.ts). Subscribers hear each engine event
// after it was recorded, through the one subscription offered here.
import {
  type Engine,
  type EngineEvent,
  log,
  OptionsError,
  type Prober,
  proberLimitation,
  recordEngineEvent,
  resolveTargetOptions,
  type TargetOptions,
  type TargetOptionsInput,
} from "../../engine/mod.ts";
import type { ConfigurationRecord, Store, TargetMeta, TargetRecord } from "../../store/mod.ts";
import { CoreError, declaredTarget, invalid, readOnly, targetNotFound } from "./errors.ts";
import { patchExplicit, targetInput } from "./presets.ts";
import { apiFieldName, checkHost, pickOptionFields } from "./target_input.ts";
import { ProbeCounters } from "./probe_counters.ts";
import { type ImportDocument, roundOf } from "../export_format.ts";
import {
  apiFieldsOf,
  configurationOptions,
  engineInputOf,
  type TargetCreate,
  type TargetPatchInput,
} from "../schemas.ts";

export interface TargetView extends ReturnType<typeof apiFieldsOf> {
  id: number;
  host: string;
  label: string | null;
  configuration: string | null;
  paused: boolean;
  replay: boolean;
  /** Declared in the config file: edit the file, not the target (PATCH and DELETE refuse). */
  declared: boolean;
  groups: string[];
  createdAt: number;
  status: { address: string | null; probing: boolean; lastError: string | null };
}

/** Who changes a target: the config file's sync may change declared targets, nobody else. */
export interface ChangeOptions {
  /**
   * The change comes from the config file: declared-ness and groups are set as given, and an
   * update's option fields replace the target's own fields (a field left out follows its
   * configuration or the default again).
   */
  fromConfig?: { declared: boolean; groups: string[] };
}

export interface MonitorServiceOptions {
  store: Store;
  engine: Engine;
  prober: Prober;
}

export class MonitorService {
  readonly store: Store;
  readonly engine: Engine;
  readonly prober: Prober;
  /** Probes and route changes per target since the start (for /metrics); edits never reset them. */
  readonly counters = new ProbeCounters();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  readonly #lastError = new Map<number, string>();
  #unsubscribe: (() => void) | null = null;

  constructor(options: MonitorServiceOptions) {
    this.store = options.store;
    this.engine = options.engine;
    this.prober = options.prober;
  }

  /** Subscribes to the engine and starts every target that is neither paused nor a replay. */
  async start(): Promise<void> {
    this.#unsubscribe = this.engine.subscribe((event) => this.#onEvent(event));
    const meta = await this.store.allTargetMeta();
    for (const target of await this.store.listTargets()) {
      if (target.paused || meta.get(target.id)?.replay) continue;
      const limitation = proberLimitation(this.prober, target.options);
      if (limitation) {
        this.#lastError.set(target.id, limitation);
        log.warn(`${target.host} is not probed: ${limitation}`);
        continue;
      }
      this.engine.setTarget(target, { route: await this.store.lastRoute(target.id) });
    }
  }

  /** Engine events after they were recorded (the WebSocket hub and the alerts listen here). */
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every target, or only those in `group`. */
  async list(group?: string): Promise<TargetView[]> {
    const meta = await this.store.allTargetMeta();
    const targets = await this.store.listTargets();
    const views = targets.map((t) => this.#view(t, meta.get(t.id)));
    return group === undefined ? views : views.filter((t) => t.groups.includes(group));
  }

  async get(id: number): Promise<TargetView> {
    const { record, meta } = await this.#load(id);
    return this.#view(record, meta);
  }

  async create(input: TargetCreate, change: ChangeOptions = {}): Promise<TargetView> {
    const host = checkHost(input.host);
    const preset = await this.#preset(input.configuration ?? null);
    const explicit = engineInputOf(input);
    const options = this.#resolve(targetInput(preset?.options ?? {}, explicit), explicit);
    const record = await this.store.addTarget({ host, label: input.label ?? null, options });
    const configuration = preset?.name ?? null;
    const meta = {
      targetId: record.id,
      configuration,
      replay: false,
      explicit,
      groups: input.groups ?? [],
      ...change.fromConfig,
    };
    await this.store.setTargetMeta(meta);
    this.engine.setTarget(record);
    return this.#view(record, meta);
  }

  async update(
    id: number,
    patch: TargetPatchInput,
    change: ChangeOptions = {},
  ): Promise<TargetView> {
    const { record, meta } = await this.#load(id);
    if (meta.replay) throw readOnly("a replay target cannot be changed");
    if (meta.declared && !change.fromConfig) throw declaredTarget(record);
    const preset = patch.configuration !== undefined
      ? await this.#preset(patch.configuration)
      : await this.#followed(meta.configuration);
    const set = engineInputOf(patch);
    // The config file states a target whole: its explicit fields are exactly the ones it sets.
    const explicit = change.fromConfig ? set : patchExplicit(meta.explicit, {
      set,
      clearPort: patch.port === null,
      protocolChanged: set.protocol !== undefined && set.protocol !== record.options.protocol,
    });
    const options = this.#resolve(targetInput(preset?.options ?? {}, explicit), set);
    const label = patch.label !== undefined ? patch.label : record.label;
    const updated = await this.store.updateTarget(id, { label, options });
    if (!updated) throw targetNotFound(id);
    const configuration = preset?.name ?? null;
    const groups = patch.groups ?? meta.groups;
    const nextMeta = { ...meta, configuration, explicit, groups, ...change.fromConfig };
    await this.store.setTargetMeta(nextMeta);
    // A new label or group alone leaves the running schedule (and its round sequence) alone.
    const restart = !sameOptions(updated.options, record.options);
    if (!updated.paused && (restart || !this.engine.targetStatus(id))) {
      this.engine.setTarget(updated);
    }
    return this.#view(updated, nextMeta);
  }

  async setPaused(id: number, paused: boolean): Promise<TargetView> {
    const { record, meta } = await this.#load(id);
    if (meta.replay) throw readOnly("a replay target is never probed");
    if (!paused) this.#checkProber(record.options);
    const updated = (await this.store.updateTarget(id, { paused }))!;
    if (paused) await this.engine.removeTarget(id);
    else this.engine.setTarget(updated, { route: await this.store.lastRoute(id) });
    return this.#view(updated, meta);
  }

  async remove(id: number): Promise<void> {
    const { record, meta } = await this.#load(id);
    if (meta.declared) throw declaredTarget(record);
    await this.engine.removeTarget(id);
    await this.store.removeTarget(id);
    this.#lastError.delete(id);
    this.counters.forget(id);
  }

  /** Sets the preset's options on each target (and links them to it); unknown ids are a 404. */
  async applyConfiguration(config: ConfigurationRecord, ids: number[]): Promise<TargetView[]> {
    for (const id of ids) {
      const { record, meta } = await this.#load(id);
      if (meta.declared) throw declaredTarget(record);
    }
    const views: TargetView[] = [];
    for (const id of ids) views.push(await this.update(id, { configuration: config.name }));
    return views;
  }

  /**
   * After a preset changed: every target following it takes the new options, except the fields
   * it set itself; keys removed from the preset fall back to the defaults.
   */
  async reapplyConfiguration(config: ConfigurationRecord): Promise<number> {
    const followers = [...(await this.store.allTargetMeta()).values()]
      .filter((m) => m.configuration === config.name && !m.replay);
    for (const meta of followers) {
      const options = this.#resolve(targetInput(config.options, meta.explicit), {});
      const before = await this.store.getTarget(meta.targetId);
      if (before && sameOptions(before.options, options)) continue;
      const updated = await this.store.updateTarget(meta.targetId, { options });
      if (updated && !updated.paused) this.engine.setTarget(updated);
    }
    return followers.length;
  }

  /** Stores an export as a new read-only replay target (paused forever, never probed). */
  async importReplay(doc: ImportDocument): Promise<TargetView> {
    const host = checkHost(doc.target.host);
    const fields = configurationOptions.safeParse(pickOptionFields(doc.target));
    const explicit = fields.success ? engineInputOf(fields.data) : {};
    const options = resolveTargetOptions(explicit);
    const label = doc.target.label ?? `replay of ${host}`;
    const record = await this.store.addTarget({ host, label, options, paused: true });
    const meta = { targetId: record.id, configuration: null, replay: true, explicit };
    await this.store.setTargetMeta(meta);
    try {
      doc.rounds.forEach((round, i) => {
        try {
          this.store.appendRound(roundOf(record.id, round));
        } catch (error) {
          throw invalid("invalid_body", `rounds.${i}: ${(error as Error).message}`);
        }
      });
      for (const change of doc.routeChanges) {
        await this.store.recordRouteChange({ targetId: record.id, ...change });
      }
      await this.store.flush();
    } catch (error) {
      await this.store.removeTarget(record.id);
      throw error;
    }
    return this.#view(record, meta);
  }

  /** Stops probing and writes what is queued. */
  async stop(): Promise<void> {
    await this.engine.stop();
    this.#unsubscribe?.();
    await this.store.flush();
  }

  async #load(id: number): Promise<{ record: TargetRecord; meta: TargetMeta }> {
    const record = await this.store.getTarget(id);
    if (!record) throw targetNotFound(id);
    return { record, meta: await this.store.targetMeta(id) };
  }

  async #preset(name: string | null): Promise<ConfigurationRecord | null> {
    if (name === null) return null;
    const preset = await this.store.configurationByName(name);
    if (!preset) {
      throw invalid("unknown_configuration", `configuration: "${name}" does not exist`);
    }
    return preset;
  }

  /** The configuration a target follows now (null if none, or if it went away meanwhile). */
  async #followed(name: string | null): Promise<ConfigurationRecord | null> {
    return name === null ? null : await this.store.configurationByName(name);
  }

  /**
   * Resolves a target's input; `request` is what this call's caller sent, so a port it gave
   * with icmp is refused rather than dropped like a recorded one the protocol no longer uses.
   */
  #resolve(input: TargetOptionsInput, request: TargetOptionsInput): TargetOptions {
    let options: TargetOptions;
    try {
      options = resolveTargetOptions(input);
      if (request.port !== undefined && options.protocol === "icmp") {
        throw new OptionsError("port", "a port only applies to udp and tcp");
      }
    } catch (error) {
      if (!(error instanceof OptionsError)) throw error;
      throw invalid("invalid_body", error.message, [{
        field: apiFieldName(error.field),
        message: error.message,
      }]);
    }
    this.#checkProber(options);
    return options;
  }

  #checkProber(options: TargetOptions): void {
    const limitation = proberLimitation(this.prober, options);
    if (limitation) throw new CoreError("unsupported", "unsupported_by_prober", limitation);
  }

  #view(record: TargetRecord, meta: TargetMeta | undefined): TargetView {
    const status = this.engine.targetStatus(record.id);
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
      createdAt: record.createdAt,
      status: {
        address: status?.address ?? null,
        probing: status !== null,
        lastError: this.#lastError.get(record.id) ?? null,
      },
    };
  }

  #onEvent(event: EngineEvent): void {
    recordEngineEvent(this.store, event, this.engine.clock.now());
    this.counters.record(event);
    if (event.type === "round") this.#lastError.delete(event.round.targetId);
    if (event.type === "targetError") this.#lastError.set(event.targetId, event.message);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        log.error("event listener failed", { event: event.type, error: String(error) });
      }
    }
  }
}

/** Equal resolved options, whatever order their keys come in. */
export function sameOptions(a: TargetOptions, b: TargetOptions): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof TargetOptions>;
  return [...keys].every((key) => a[key] === b[key]);
}
