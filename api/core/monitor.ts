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
  type RoutePath,
  type TargetOptions,
  type TargetOptionsInput,
} from "../../engine/mod.ts";
import type { ConfigurationRecord, Store, TargetMeta, TargetRecord } from "../../store/mod.ts";
import { CoreError, declaredTarget, invalid, readOnly, targetNotFound } from "./errors.ts";
import { patchExplicit, targetInput } from "./presets.ts";
import { apiFieldName, checkHost, pickOptionFields } from "./target_input.ts";
import { ProbeCounters } from "./probe_counters.ts";
import { OutageTracker } from "./outages.ts";
import { repeatOnSlots } from "./slot_timer.ts";
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
  /** The agents (vantage points) that probe it; null = every agent. */
  agents: string[] | null;
  createdAt: number;
  status: { address: string | null; probing: boolean; lastError: string | null };
}

/** What the summary shows of a target (a TargetView without the options and the rest). */
export type SummaryTarget =
  & Pick<TargetView, "id" | "host" | "label" | "paused" | "replay" | "createdAt">
  & { status: Pick<TargetView["status"], "address"> };

/** Who changes a target: the config file's sync may change declared targets, nobody else. */
export interface ChangeOptions {
  /**
   * The change comes from the config file: declared-ness and groups are set as given, and an
   * update's option fields replace the target's own fields (a field left out follows its
   * configuration or the default again).
   */
  fromConfig?: { declared: boolean; groups: string[] };
}

/** How often syncTargets runs on its own (see startTargetSync). */
export const TARGET_SYNC_MS = 10_000;

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
  /** Outage detection over the recorded rounds (see outages.ts). */
  readonly outages: OutageTracker;
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  readonly #lastError = new Map<number, string>();
  /** What was handed to the engine per target (so a sync sees what changed in the store). */
  readonly #running = new Map<number, TargetRecord>();
  /** The agent this process probes as (targets assigned to others are left to them). */
  readonly agent: string;
  #unsubscribe: (() => void) | null = null;
  #stopSync: (() => void) | null = null;
  /** The store's targetsVersion when the last complete syncTargets began. */
  #syncedVersion: number | null = null;

  constructor(options: MonitorServiceOptions) {
    this.store = options.store;
    this.engine = options.engine;
    this.prober = options.prober;
    this.agent = options.store.agent;
    this.outages = new OutageTracker(options.store, this.agent);
  }

  /** Subscribes to the engine and starts every target that is neither paused nor a replay. */
  async start(): Promise<void> {
    await this.outages.load();
    this.subscribe((event) => this.outages.onEvent(event));
    this.#unsubscribe = this.engine.subscribe((event) => this.#onEvent(event));
    await this.syncTargets();
  }

  /**
   * Brings the engine in step with the store: starts the targets this agent probes (not paused,
   * not a replay, assigned to it) that are not running, restarts those whose options changed and
   * stops the rest. Other processes on the same database add, change and remove targets; a timer
   * (startTargetSync) calls this so each agent follows them.
   */
  async syncTargets(): Promise<void> {
    // Read first: a change made while this sync reads the targets counts as not yet seen.
    const version = await this.store.targetsVersion();
    const meta = await this.store.allTargetMeta();
    const wanted = new Map<number, TargetRecord>();
    for (const target of await this.store.listTargets()) {
      const m = meta.get(target.id);
      if (target.paused || m?.replay || !this.#assigned(m)) continue;
      const limitation = proberLimitation(this.prober, target.options);
      if (limitation) {
        if (!this.#lastError.has(target.id)) {
          log.warn(`${target.host} is not probed: ${limitation}`);
        }
        this.#lastError.set(target.id, limitation);
        continue;
      }
      wanted.set(target.id, target);
    }
    for (const id of [...this.#running.keys()]) {
      if (!wanted.has(id)) await this.#halt(id);
    }
    // Asked all at once: with the store in its Worker, a round trip per target in turn took
    // 0.2 s at start for 1,000 targets.
    const starting = [...wanted.values()].filter((target) => !this.#running.has(target.id));
    const routes = new Map(
      await Promise.all(
        starting.map(async (target) => [target.id, await this.store.lastRoute(target.id)] as const),
      ),
    );
    for (const target of wanted.values()) {
      const running = this.#running.get(target.id);
      if (!running) this.#run(target, { route: routes.get(target.id) ?? null });
      else if (!sameOptions(running.options, target.options) || running.host !== target.host) {
        this.#run(target);
      }
    }
    this.#syncedVersion = version;
  }

  /**
   * Runs syncTargets only if a target or its metadata changed since the last one began: one small
   * read instead of every target's record and metadata crossing from the store.
   */
  async syncTargetsIfChanged(): Promise<void> {
    if (await this.store.targetsVersion() !== this.#syncedVersion) await this.syncTargets();
  }

  /**
   * Syncs every `everyMs` (when something changed) until the returned function is called, on the
   * engine's slots (repeatOnSlots).
   */
  startTargetSync(everyMs = TARGET_SYNC_MS): () => void {
    this.#stopSync?.();
    this.#stopSync = repeatOnSlots(everyMs, async () => {
      try {
        await this.syncTargetsIfChanged();
      } catch (error) {
        log.warn("target sync failed", { error: String(error) });
      }
    });
    return this.#stopSync;
  }

  #assigned(meta: TargetMeta | undefined): boolean {
    const agents = meta?.agents ?? null;
    return agents === null || agents.includes(this.agent);
  }

  #run(target: TargetRecord, init?: { route: RoutePath | null }): void {
    this.#running.set(target.id, target);
    this.engine.setTarget(target, init);
  }

  async #halt(id: number): Promise<void> {
    this.#running.delete(id);
    await this.engine.removeTarget(id);
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

  /**
   * The summary's view of every target (or of those in `ids`), in id order: the targets' heads,
   * not their options, so 5,000 targets are one light read (the summary and its live updates).
   */
  async summaryTargets(ids?: readonly number[] | null): Promise<SummaryTarget[]> {
    const [heads, replays] = await Promise.all([
      this.store.listTargetHeads(),
      this.store.replayTargetIds(),
    ]);
    const replay = new Set(replays);
    const only = ids ? new Set(ids) : null;
    const out: SummaryTarget[] = [];
    for (const head of heads) {
      if (only && !only.has(head.id)) continue;
      out.push({
        id: head.id,
        host: head.host,
        label: head.label,
        paused: head.paused,
        replay: replay.has(head.id),
        createdAt: head.createdAt,
        status: { address: this.engine.targetStatus(head.id)?.address ?? null },
      });
    }
    return out;
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
      agents: input.agents ?? null,
      ...change.fromConfig,
    };
    await this.store.setTargetMeta(meta);
    if (this.#assigned(meta)) this.#run(record);
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
    const agents = patch.agents !== undefined ? patch.agents : meta.agents ?? null;
    const nextMeta = { ...meta, configuration, explicit, groups, agents, ...change.fromConfig };
    await this.store.setTargetMeta(nextMeta);
    // A new label or group alone leaves the running schedule (and its round sequence) alone.
    const restart = !sameOptions(updated.options, record.options);
    if (!this.#assigned(nextMeta)) await this.#halt(id);
    else if (!updated.paused && (restart || !this.engine.targetStatus(id))) {
      this.#run(
        updated,
        this.#running.has(id) ? undefined : {
          route: await this.store.lastRoute(id),
        },
      );
    } else if (this.#running.has(id)) this.#running.set(id, updated);
    return this.#view(updated, nextMeta);
  }

  async setPaused(id: number, paused: boolean): Promise<TargetView> {
    const { record, meta } = await this.#load(id);
    if (meta.replay) throw readOnly("a replay target is never probed");
    if (!paused) this.#checkProber(record.options);
    const updated = (await this.store.updateTarget(id, { paused }))!;
    if (paused || !this.#assigned(meta)) await this.#halt(id);
    else this.#run(updated, { route: await this.store.lastRoute(id) });
    return this.#view(updated, meta);
  }

  async remove(id: number): Promise<void> {
    const { record, meta } = await this.#load(id);
    if (meta.declared) throw declaredTarget(record);
    await this.#halt(id);
    await this.store.removeTarget(id);
    this.#lastError.delete(id);
    this.counters.forget(id);
    this.outages.forget(id);
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
      if (updated && !updated.paused && this.#assigned(meta)) this.#run(updated);
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
    this.#stopSync?.();
    await this.engine.stop();
    this.#unsubscribe?.();
    await this.outages.settled();
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
      agents: meta?.agents ?? null,
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
  // Compared every target sync (10 s) for every target: no sets or spreads.
  const keys = Object.keys(a) as (keyof TargetOptions)[];
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
