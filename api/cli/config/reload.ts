// Reloading the config file while the server runs: on SIGHUP and when the file changes. Changes
// are seen by polling the file's identity with one stat every pollMs (default 1 s): device, inode,
// size and mtime, or "missing". A save in place changes size or mtime; an editor's
// write-to-temp-and-rename changes the inode; deletion and re-creation change it to "missing" and
// back. Watching the directory (Deno.watchFs) also saw every write to the database's -wal file
// beside the config file, several a second, each one crossing into JavaScript only to be dropped;
// one stat a second costs nothing while the file is unchanged. The stat is synchronous (a few
// microseconds on a local file) and each look waits for the engine's next spread slot after its
// delay (delayToSlot, at most 250 ms more): an asynchronous stat on a timer of its own woke the
// engine's thread twice a second for it.
// A change is reloaded once the file has looked the same for debounceMs (default 300 ms), so one
// save is one reload: at most max(pollMs, debounceMs) + debounceMs after the last write, plus up to
// a slot each look, 1.3 to 1.8 s with the defaults. Reloads run one at a time. A file with problems
// is reported and changes nothing: the server keeps running on what it had.
import { resolve } from "node:path";
import { delayToSlot, log, type Prober } from "../../../engine/mod.ts";
import type { MonitorService } from "../../core/mod.ts";
import { ConfigError } from "./errors.ts";
import { type ConfigLocation, readConfig } from "./locate.ts";
import { applySync, planSync, type SyncResult } from "./sync.ts";
import { type RuleSyncResult, syncAlertRules } from "./alert_rules.ts";
import type { AlertService } from "../../../alerts/mod.ts";

export interface ReloadOutcome {
  ok: boolean;
  result?: SyncResult;
  /** The alert rules' sync (absent while no alert service is attached). */
  rules?: RuleSyncResult;
  /** The problems, one formatted line each (file:line:col field: reason). */
  problems?: string[];
}

export interface ConfigReloaderOptions {
  location: ConfigLocation;
  service: MonitorService;
  prober: Prober;
  /** Quiet time after the last change before reloading (default 300 ms). */
  debounceMs?: number;
  /** How often the file is looked at while it is unchanged (default 1000 ms). */
  pollMs?: number;
  /** Heard after every reload (tests wait on it). */
  onReload?(outcome: ReloadOutcome): void;
}

export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  /** The file's identity at the last look. */
  #seen = "";
  /** A change was seen and the file has not yet looked the same for debounceMs. */
  #settling = false;
  #alerts: AlertService | null = null;
  #onSignal = () => void this.reload("SIGHUP");

  constructor(options: ConfigReloaderOptions) {
    this.#options = options;
  }

  /** Starts listening for SIGHUP (where the platform has it) and for changes to the file. */
  watch(): void {
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGHUP", this.#onSignal);
    const file = resolve(this.#options.location.path);
    try {
      // Synchronous, so that a change made right after watch() returns is a change.
      this.#seen = identity(statSyncOrNull(file));
    } catch (error) {
      log.warn(`config file changes are not watched (reload with SIGHUP): ${error}`);
      return;
    }
    this.#polling = true;
    this.#lookIn(this.#options.pollMs ?? 1000, file);
  }

  /** Reloads also apply the file's alert rules from now on. */
  useAlerts(alerts: AlertService): void {
    this.#alerts = alerts;
  }

  /** Reloads now (after any reload in progress); resolves with what happened. */
  reload(why: string): Promise<ReloadOutcome> {
    const next = this.#queue.then(() => this.#reloadOnce(why));
    this.#queue = next.catch(() => {});
    return next;
  }

  stop(): void {
    this.#polling = false;
    clearTimeout(this.#timer);
    if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGHUP", this.#onSignal);
  }

  #lookIn(ms: number, file: string): void {
    this.#timer = setTimeout(() => this.#look(file), delayToSlot(ms, performance.now()));
  }

  /** One look at the file; a timer chain rather than an interval, so looks never overlap. */
  #look(file: string): void {
    let now: string;
    try {
      now = identity(statSyncOrNull(file));
    } catch (error) {
      if (this.#polling) log.warn(`stopped watching the config file: ${error}`);
      this.#polling = false;
      return;
    }
    const { debounceMs = 300, pollMs = 1000 } = this.#options;
    if (now !== this.#seen) {
      this.#seen = now;
      this.#settling = true;
      return this.#lookIn(debounceMs, file);
    }
    if (this.#settling) {
      this.#settling = false;
      void this.reload("file changed");
    }
    this.#lookIn(pollMs, file);
  }

  async #reloadOnce(why: string): Promise<ReloadOutcome> {
    const { location, service, prober } = this.#options;
    let outcome: ReloadOutcome;
    try {
      const loaded = await readConfig({ ...location, named: true });
      const plan = await planSync(service.store, loaded!, prober);
      const result = await applySync(service, plan);
      const rules = this.#alerts ? await syncAlertRules(this.#alerts, loaded!.data) : undefined;
      log.info(
        `config reloaded (${why}): ${result.added.length} added, ${result.changed.length} ` +
          `changed, ${result.retired.length} no longer declared (paused, history kept), ` +
          `${result.unchanged} unchanged` +
          (rules
            ? `; alert rules: ${rules.added.length} added, ${rules.changed.length} changed`
            : ""),
      );
      outcome = { ok: true, result, rules };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const problems = error.issues.length ? error.message.split("\n") : [error.message];
      for (const line of problems) log.error(line);
      log.error(`config not reloaded (${why}): the server keeps running on the previous file`);
      outcome = { ok: false, problems };
    }
    this.#options.onReload?.(outcome);
    return outcome;
  }
}

/** Tells one version of the file from another (mtime alone misses an older file renamed in). */
function identity(info: Deno.FileInfo | null): string {
  if (info === null) return "missing";
  return `${info.dev}:${info.ino}:${info.size}:${info.mtime?.getTime()}`;
}

function statSyncOrNull(file: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
