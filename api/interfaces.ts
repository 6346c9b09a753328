// The interface monitor as the server runs it: the engine's collector on its own timer, its
// samples queued into the store, and the settings (interval, include/exclude, primary) saved
// through the API. Flags given at start win over saved settings for that run; a PUT saves and
// applies at once. Off (--interfaces-off) or on an unsupported system, nothing is collected and
// the API says why; stored history stays readable.
import {
  checkInterfaceSettings,
  type Clock,
  DEFAULT_INTERFACE_SETTINGS,
  InterfaceCollector,
  type InterfaceSettings,
  InterfaceSettingsError,
  type InterfaceSource,
  log,
  type SourceChoice,
  systemClock,
  systemInterfaceSource,
} from "../engine/mod.ts";
import type { InterfaceStore } from "../store/mod.ts";

export interface InterfaceMonitorOptions {
  store: InterfaceStore;
  clock?: Clock;
  /** The platform source (default: this system's, or "not supported"). */
  source?: SourceChoice;
  /** Settings given on the command line: they win over saved ones for this run. */
  flags?: Partial<InterfaceSettings>;
  /** False: monitoring is switched off (--interfaces-off). */
  enabled?: boolean;
}

export type InterfaceMonitorState =
  | { state: "running" | "stopped"; reason: null }
  | { state: "off" | "unsupported"; reason: string };

export class InterfaceMonitor {
  readonly store: InterfaceStore;
  readonly collector: InterfaceCollector | null;
  readonly #status: InterfaceMonitorState;
  #unsubscribe: (() => void) | null = null;
  #stored: InterfaceSettings;

  private constructor(
    store: InterfaceStore,
    collector: InterfaceCollector | null,
    status: InterfaceMonitorState,
    stored: InterfaceSettings,
  ) {
    this.store = store;
    this.collector = collector;
    this.#status = status;
    this.#stored = stored;
  }

  /** Reads saved settings (a saved value that no longer checks out is logged and dropped). */
  static async create(options: InterfaceMonitorOptions): Promise<InterfaceMonitor> {
    const stored = await loadSettings(options.store);
    const settings = { ...stored, ...definedOf(options.flags ?? {}) };
    const choice = options.source ?? systemInterfaceSource();
    if (options.enabled === false) {
      return new InterfaceMonitor(options.store, null, {
        state: "off",
        reason: "interface monitoring is off (--interfaces-off)",
      }, settings);
    }
    if (!choice.ok) {
      return new InterfaceMonitor(
        options.store,
        null,
        { state: "unsupported", reason: choice.reason },
        settings,
      );
    }
    const collector = new InterfaceCollector({
      source: choice.source as InterfaceSource,
      clock: options.clock ?? systemClock,
      settings,
    });
    return new InterfaceMonitor(
      options.store,
      collector,
      { state: "stopped", reason: null },
      settings,
    );
  }

  get status(): InterfaceMonitorState {
    if (!this.collector) return this.#status;
    return { state: this.collector.running ? "running" : "stopped", reason: null };
  }

  /** The settings in force (saved ones when monitoring is off). */
  settings(): InterfaceSettings {
    return this.collector?.settings ?? { ...this.#stored };
  }

  /** Checks, applies and saves new settings; a bad value throws InterfaceSettingsError. */
  async updateSettings(patch: Partial<InterfaceSettings>): Promise<InterfaceSettings> {
    const next = this.collector
      ? await this.collector.updateSettings(patch)
      : checkedOrThrow({ ...this.#stored, ...patch });
    this.#stored = next;
    await this.store.putInterfaceSettings(next);
    return next;
  }

  start(): void {
    if (!this.collector || this.collector.running) return;
    this.#unsubscribe = this.collector.subscribe((collection) => {
      if (collection.samples.length === 0) return;
      try {
        this.store.appendInterfaceSamples(collection.samples.map((s) => ({
          name: s.name,
          at: s.at,
          elapsedMs: s.elapsedMs,
          deltas: s.deltas,
        })));
      } catch (error) {
        log.warn("interfaces: could not queue samples", { error: String(error) });
      }
    });
    this.collector.start();
    log.info(
      `interfaces: monitoring every ${this.collector.settings.intervalMs / 1000} s ` +
        `(${this.collector.source.platform})`,
    );
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.collector?.stop();
  }
}

function definedOf(flags: Partial<InterfaceSettings>): Partial<InterfaceSettings> {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}

function checkedOrThrow(settings: InterfaceSettings): InterfaceSettings {
  return checkInterfaceSettings(settings);
}

async function loadSettings(store: InterfaceStore): Promise<InterfaceSettings> {
  const saved = await store.interfaceSettings();
  if (saved === null) return { ...DEFAULT_INTERFACE_SETTINGS };
  try {
    return checkedOrThrow({
      ...DEFAULT_INTERFACE_SETTINGS,
      ...(saved as Partial<InterfaceSettings>),
    });
  } catch (error) {
    if (!(error instanceof InterfaceSettingsError)) throw error;
    log.warn(`interfaces: saved settings ignored (${error.message}); using defaults`);
    return { ...DEFAULT_INTERFACE_SETTINGS };
  }
}
