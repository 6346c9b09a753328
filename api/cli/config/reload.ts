// Reloading the config file while the server runs: on SIGHUP and when the file changes (watched
// with Deno.watchFs on its directory, so an editor's write-to-temp-and-rename is seen too, and
// debounced so one save is one reload). Reloads run one at a time. A file with problems is
// reported and changes nothing: the server keeps running on what it had.
import { basename, dirname, resolve } from "node:path";
import { log, type Prober } from "../../../engine/mod.ts";
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
  /** Heard after every reload (tests wait on it). */
  onReload?(outcome: ReloadOutcome): void;
}

export class ConfigReloader {
  readonly #options: ConfigReloaderOptions;
  #queue: Promise<unknown> = Promise.resolve();
  #watcher: Deno.FsWatcher | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
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
      this.#watcher = Deno.watchFs(dirname(file), { recursive: false });
    } catch (error) {
      log.warn(`config file changes are not watched (reload with SIGHUP): ${error}`);
      return;
    }
    void this.#follow(this.#watcher, file);
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
    clearTimeout(this.#timer);
    if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGHUP", this.#onSignal);
    this.#watcher?.close();
    this.#watcher = null;
  }

  async #follow(watcher: Deno.FsWatcher, file: string): Promise<void> {
    const name = basename(file);
    try {
      for await (const event of watcher) {
        if (event.kind === "access") continue;
        if (!event.paths.some((p) => basename(p) === name)) continue;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(
          () => void this.reload("file changed"),
          this.#options.debounceMs ?? 300,
        );
      }
    } catch (error) {
      log.warn(`stopped watching the config file: ${error}`);
    }
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
