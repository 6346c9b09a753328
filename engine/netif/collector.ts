// The interface collector: every intervalMs it reads the platform source, turns counters into
// increases over the measured (monotonic) interval, keeps each interface's newest figures and
// totals, picks the primary interface, and hands each collection to its listeners. It runs on its
// own timer on the injected clock, apart from the probing path: nothing here is awaited by a probe.
import type { Clock } from "../types.ts";
import { log } from "../log.ts";
import {
  choosePrimary,
  interfacePatternProblem,
  type InterfaceSelection,
  skipReason,
} from "./filter.ts";
import { CounterTracker } from "./rates.ts";
import {
  COUNTER_NAMES,
  type InterfaceCounters,
  type InterfaceReading,
  type InterfaceSample,
  type InterfaceSource,
  ratesOf,
  zeroCounters,
} from "./types.ts";

export interface InterfaceSettings extends InterfaceSelection {
  /** How often counters are read. */
  intervalMs: number;
  /** The primary interface chosen by hand; null = chosen by traffic. */
  primary: string | null;
}

export const DEFAULT_INTERFACE_SETTINGS: InterfaceSettings = {
  intervalMs: 10_000,
  include: [],
  exclude: [],
  primary: null,
};
export const MIN_INTERVAL_MS = 1000;
export const MAX_INTERVAL_MS = 3_600_000;
/** Samples over which the busiest monitored interface becomes the primary one. */
export const PRIMARY_SAMPLES = 3;

export class InterfaceSettingsError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

/** Checks settings; the first problem is thrown as an InterfaceSettingsError. */
export function checkInterfaceSettings(settings: InterfaceSettings): InterfaceSettings {
  const { intervalMs } = settings;
  if (
    !Number.isInteger(intervalMs) || intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS
  ) {
    throw new InterfaceSettingsError(
      "intervalMs",
      `${intervalMs} is not a whole number of ms from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}`,
    );
  }
  for (const field of ["include", "exclude"] as const) {
    for (const pattern of settings[field]) {
      const problem = interfacePatternProblem(pattern);
      if (problem) throw new InterfaceSettingsError(field, problem);
    }
  }
  if (settings.primary !== null && interfacePatternProblem(settings.primary)) {
    throw new InterfaceSettingsError("primary", `"${settings.primary}" is not an interface name`);
  }
  return {
    intervalMs,
    include: [...settings.include],
    exclude: [...settings.exclude],
    primary: settings.primary,
  };
}

export type PrimarySource = "override" | "traffic" | "default-route" | "none";

export interface PrimaryChoice {
  name: string | null;
  /** What chose it: the settings, the traffic, the default route (on a tie), or nothing yet. */
  by: PrimarySource;
  /** False while the first samples are still being counted (the choice may change). */
  settled: boolean;
}

export interface InterfaceStatus extends Omit<InterfaceReading, "counters"> {
  /** Listed by the platform in the newest reading. */
  present: boolean;
  monitored: boolean;
  /** Why it is not monitored (null when it is). */
  skipReason: string | null;
  primary: boolean;
  /** The newest interval's figures (null until two readings, and after a gap). */
  latest: InterfaceSample | null;
  /** Increases summed since the collector started (resets and gaps add nothing). */
  totals: InterfaceCounters;
  /** The kernel's counters in the newest reading. */
  counters: InterfaceCounters;
  /** Epoch ms of the newest reading that listed it. */
  seenAt: number;
}

export interface Collection {
  at: number;
  /** The clock's monotonic time just before the counters were read. */
  monoMs: number;
  /** Monitored interfaces with a full interval (primed and reset ones are left out). */
  samples: InterfaceSample[];
  gaps: { name: string; reason: string }[];
}

export interface CollectorOptions {
  source: InterfaceSource;
  clock: Clock;
  settings?: Partial<InterfaceSettings>;
}

export class InterfaceCollector {
  readonly source: InterfaceSource;
  readonly #clock: Clock;
  #settings: InterfaceSettings;
  readonly #tracker = new CounterTracker();
  readonly #status = new Map<string, InterfaceStatus>();
  readonly #listeners = new Set<(collection: Collection) => void>();
  readonly #traffic = new Map<string, number>();
  #trafficSamples = 0;
  #autoPrimary: PrimaryChoice = { name: null, by: "none", settled: false };
  #defaultRoute: string | null = null;
  #loop: { abort: AbortController; done: Promise<void> } | null = null;
  #collections = 0;
  lastError: string | null = null;

  constructor(options: CollectorOptions) {
    this.source = options.source;
    this.#clock = options.clock;
    this.#settings = checkInterfaceSettings({ ...DEFAULT_INTERFACE_SETTINGS, ...options.settings });
  }

  get settings(): InterfaceSettings {
    return { ...this.#settings };
  }

  get running(): boolean {
    return this.#loop !== null;
  }

  /** Collections done since the start (failed reads are not counted). */
  get collections(): number {
    return this.#collections;
  }

  /** Applies new settings; a new interval takes effect at once (the loop restarts). */
  async updateSettings(patch: Partial<InterfaceSettings>): Promise<InterfaceSettings> {
    const next = checkInterfaceSettings({ ...this.#settings, ...patch });
    const intervalChanged = next.intervalMs !== this.#settings.intervalMs;
    this.#settings = next;
    for (const status of this.#status.values()) this.#classify(status);
    // Another set of monitored interfaces: the primary is chosen afresh from new traffic.
    this.#traffic.clear();
    this.#trafficSamples = 0;
    this.#autoPrimary = { ...this.#autoPrimary, settled: false };
    this.#markPrimary();
    if (intervalChanged && this.#loop) {
      await this.stop();
      this.start();
    }
    return this.settings;
  }

  subscribe(listener: (collection: Collection) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every interface seen since the start, by name (vanished ones with present = false). */
  interfaces(): InterfaceStatus[] {
    return [...this.#status.values()].sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ ...s }));
  }

  primary(): PrimaryChoice {
    const override = this.#settings.primary;
    if (override !== null) return { name: override, by: "override", settled: true };
    return { ...this.#autoPrimary };
  }

  /** One reading now: updates every interface and tells the listeners. */
  async collect(): Promise<Collection> {
    const monoMs = this.#clock.monotonic();
    const readings = await this.source.read();
    const at = this.#clock.now();
    if (!this.#autoPrimary.settled) {
      this.#defaultRoute = await this.source.defaultRouteInterface();
    }
    const collection: Collection = { at, monoMs, samples: [], gaps: [] };
    const present = new Set(readings.map((r) => r.name));
    for (const reading of readings) this.#observe(reading, { monoMs, at, collection });
    for (const name of this.#tracker.retain(present)) {
      const status = this.#status.get(name);
      // Containers come and go by the thousand (veth*): only monitored ones are remembered.
      if (status?.monitored) Object.assign(status, { present: false, latest: null });
      else this.#status.delete(name);
      collection.gaps.push({ name, reason: "vanished" });
    }
    this.#updatePrimary(collection);
    this.#collections++;
    for (const listener of this.#listeners) {
      try {
        listener(collection);
      } catch (error) {
        log.warn("interfaces: a listener failed", { error: String(error) });
      }
    }
    return collection;
  }

  /** Collects now and then every intervalMs until stop(); a failed read is logged and retried. */
  start(): void {
    if (this.#loop) return;
    const abort = new AbortController();
    this.#loop = { abort, done: this.#run(abort.signal) };
  }

  async stop(): Promise<void> {
    const loop = this.#loop;
    if (!loop) return;
    this.#loop = null;
    loop.abort.abort();
    await loop.done;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const intervalMs = this.#settings.intervalMs;
    let due = this.#clock.monotonic();
    while (!signal.aborted) {
      // A read that hangs (a stuck netstat) neither blocks stop() nor the next beat.
      const timeout = new AbortController();
      const late = this.#clock.sleep(intervalMs, AbortSignal.any([signal, timeout.signal]))
        .then(() => "late" as const, () => "stopped" as const);
      try {
        const outcome = await Promise.race([this.collect().then(() => "done" as const), late]);
        if (outcome === "stopped") return;
        if (outcome === "late") throw new Error(`reading counters took over ${intervalMs} ms`);
        this.lastError = null;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        log.warn("interfaces: reading counters failed", { error: this.lastError });
      } finally {
        timeout.abort();
      }
      // Keep to the schedule; after a stall, skip the missed beats rather than bunch them up.
      due += intervalMs;
      const now = this.#clock.monotonic();
      if (due < now) due = now + intervalMs - ((now - due) % intervalMs);
      try {
        await this.#clock.sleep(due - now, signal);
      } catch {
        return;
      }
    }
  }

  #observe(
    reading: InterfaceReading,
    context: { monoMs: number; at: number; collection: Collection },
  ): void {
    const { monoMs, at, collection } = context;
    const { counters, ...info } = reading;
    let status = this.#status.get(reading.name);
    if (!status) {
      status = {
        ...info,
        present: true,
        monitored: false,
        skipReason: null,
        primary: false,
        latest: null,
        totals: zeroCounters(),
        counters,
        seenAt: at,
      };
      this.#status.set(reading.name, status);
    }
    Object.assign(status, info, { present: true, counters, seenAt: at });
    this.#classify(status);
    const seen = this.#tracker.observe(reading.name, counters, {
      monoMs,
      bits: reading.counterBits,
    });
    if (seen.kind !== "sample") {
      status.latest = null;
      if (seen.kind === "gap") {
        collection.gaps.push({ name: reading.name, reason: seen.reason });
        log.info(`interfaces: ${reading.name} counters went backwards (reset); a gap, not a delta`);
      }
      return;
    }
    const sample: InterfaceSample = {
      name: reading.name,
      at,
      elapsedMs: seen.elapsedMs,
      deltas: seen.deltas,
      rates: ratesOf(seen.deltas, seen.elapsedMs),
    };
    status.latest = sample;
    for (const key of COUNTER_NAMES) status.totals[key] += seen.deltas[key];
    if (status.monitored) collection.samples.push(sample);
  }

  #classify(status: InterfaceStatus): void {
    status.skipReason = skipReason({ ...status }, this.#settings);
    status.monitored = status.skipReason === null;
  }

  /** Traffic over the first samples picks the primary; the default route breaks ties. */
  #updatePrimary(collection: Collection): void {
    if (!this.#autoPrimary.settled) {
      if (collection.samples.length > 0) this.#trafficSamples++;
      for (const s of collection.samples) {
        const bytes = s.deltas.rxBytes + s.deltas.txBytes;
        this.#traffic.set(s.name, (this.#traffic.get(s.name) ?? 0) + bytes);
      }
      const candidates = new Map<string, number>();
      for (const s of this.#status.values()) {
        if (s.monitored && s.present) candidates.set(s.name, this.#traffic.get(s.name) ?? 0);
      }
      const name = choosePrimary(candidates, this.#defaultRoute);
      const top = name === null ? 0 : candidates.get(name)!;
      const tied = [...candidates.values()].filter((b) => b === top).length > 1;
      this.#autoPrimary = {
        name,
        by: name === null
          ? "none"
          : tied && name === this.#defaultRoute
          ? "default-route"
          : "traffic",
        settled: name !== null && this.#trafficSamples >= PRIMARY_SAMPLES,
      };
    }
    this.#markPrimary();
  }

  #markPrimary(): void {
    const { name } = this.primary();
    for (const status of this.#status.values()) status.primary = status.name === name;
  }
}
