// The alert service: subscribes to the engine, evaluates rules off the probing path, records
// every event, runs actions (bounded, retried, never blocking evaluation) and saves machine
// states so a restart neither fires again nor loses a recovery.
import {
  type Clock,
  type EngineEvent,
  flushMicrotasks,
  log,
  type Round,
  systemClock,
} from "../engine/mod.ts";
import type { AlertStore, Store } from "../store/mod.ts";
import { resolveAlertsConfig, type ResolvedAlertsConfig } from "./config.ts";
import { Evaluator, type RuleTransition } from "./evaluator.ts";
import { type EventSource, makeEvent, type TargetInfo, transitionEvent } from "./event.ts";
import { type QueuedRound, RoundQueue } from "./queue.ts";
import type { AlertRule } from "./rule.ts";
import { loadRules, loadStates } from "./rules.ts";
import type { AlertEvent } from "./types.ts";
import { ActionDispatcher } from "./dispatch.ts";

/** `agent`: the vantage point this process evaluates as (its rounds, its states, its events). */
export type AlertServiceStore =
  & AlertStore
  & Pick<Store, "rounds" | "getTarget" | "flush" | "agent" | "listAgents">;

export interface AlertServiceDeps {
  engine: { subscribe(listener: (event: EngineEvent) => void): () => void };
  store: AlertServiceStore;
  /** Where the log-file and save-image actions write by default. */
  dataDir: string;
  clock?: Clock;
  /** Alerts config input (validated here) or an already resolved one. */
  config?: unknown;
  /** Told of every recorded event (the server pushes them to WebSocket clients). */
  onEvent?: (event: AlertEvent) => void;
  /**
   * Re-read the rules this often (ms): other processes on the same database (agents) create,
   * change and delete rules through their own API. Unset: only this process's changes apply.
   */
  followRulesMs?: number;
}

function isResolved(config: unknown): config is ResolvedAlertsConfig {
  return typeof config === "object" && config !== null && "logDir" in config &&
    "imageDir" in config && "maxConcurrentActions" in config && "queueLimit" in config;
}

export interface ActiveAlert {
  ruleId: number;
  ruleName: string;
  targetId: number;
  since: number | null;
  value: number | null;
  hop: number | null;
  hopIp: string | null;
}

export class AlertService {
  readonly clock: Clock;
  readonly config: ResolvedAlertsConfig;
  readonly store: AlertServiceStore;
  readonly evaluator = new Evaluator();
  readonly #engine: AlertServiceDeps["engine"];
  readonly #queue: RoundQueue;
  readonly #actions: ActionDispatcher;
  readonly #stop = new AbortController();
  #current: Promise<void> | null = null;
  #worker: Promise<void> | null = null;
  #unsubscribe: (() => void) | null = null;
  readonly #onEvent: ((event: AlertEvent) => void) | undefined;
  readonly #followRulesMs: number | undefined;
  #follower: Promise<void> | null = null;

  /** The agent whose rounds this process evaluates (the store's); other agents keep their own. */
  get agent(): string {
    return this.store.agent;
  }

  constructor(deps: AlertServiceDeps) {
    this.#onEvent = deps.onEvent;
    this.#followRulesMs = deps.followRulesMs;
    this.clock = deps.clock ?? systemClock;
    this.store = deps.store;
    this.config = isResolved(deps.config)
      ? deps.config
      : resolveAlertsConfig(deps.config, deps.dataDir);
    this.#engine = deps.engine;
    this.#queue = new RoundQueue(this.config.queueLimit);
    this.#actions = new ActionDispatcher({
      clock: this.clock,
      config: this.config,
      store: this.store,
      recentRounds: (targetId) => this.evaluator.recentRounds(targetId),
    });
  }

  /** Loads rules and saved states, then follows the engine. */
  async start(): Promise<void> {
    await this.reloadRules();
    for (const { ruleId, targetId, state } of await loadStates(this.store, this.agent)) {
      if (this.evaluator.rules.some((r) => r.id === ruleId)) {
        this.evaluator.restore(ruleId, targetId, state);
      }
    }
    this.#unsubscribe = this.#engine.subscribe((event) => this.#queue.onEngineEvent(event));
    this.#worker = this.#work();
    if (this.#followRulesMs) this.#follower = this.#followRules(this.#followRulesMs);
  }

  /** Re-reads the rules every `everyMs` until stopped (states of unchanged rules are kept). */
  async #followRules(everyMs: number): Promise<void> {
    while (!this.#stop.signal.aborted) {
      try {
        await this.clock.sleep(everyMs, this.#stop.signal);
      } catch {
        return; // stopped
      }
      try {
        await this.reloadRules();
      } catch (error) {
        log.warn("alerts: could not re-read the rules", { error: String(error) });
      }
    }
  }

  /** Stops following the engine; rounds still queued are evaluated, running actions aborted. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.idleEvaluation();
    this.#stop.abort();
    await this.#worker;
    await this.#follower;
    await this.#actions.stop();
  }

  /** Resolves once every queued round is evaluated (actions may still run). */
  async idleEvaluation(): Promise<void> {
    while (this.#queue.length || this.#current) {
      await (this.#current ?? flushMicrotasks());
      await flushMicrotasks();
    }
  }

  /** Resolves once every queued round is evaluated and every action has finished. */
  async idle(): Promise<void> {
    while (this.#queue.length || this.#current || this.#actions.busy) {
      await this.idleEvaluation();
      await this.#actions.settled();
    }
  }

  async reloadRules(): Promise<AlertRule[]> {
    const rules = await loadRules(this.store);
    for (const gone of this.evaluator.setRules(rules)) {
      await this.store.deleteAlertState(gone.ruleId, gone.targetId, this.agent);
    }
    return rules;
  }

  /** Alerts firing now, for the summary and the trace graph. */
  active(): ActiveAlert[] {
    return this.evaluator.firing().map(({ ruleId, targetId, state }) => ({
      ruleId,
      ruleName: this.evaluator.rules.find((r) => r.id === ruleId)?.name ?? `rule ${ruleId}`,
      targetId,
      since: state.firedAt,
      value: state.value,
      hop: state.hop,
      hopIp: state.hopIp,
    }));
  }

  /**
   * Fires a "test" event of a rule now and runs its actions (all, or the one at `actionIndex`),
   * ignoring their `on` filters. Recorded in the history like any event.
   */
  async testFire(rule: AlertRule, options: { targetId: number; actionIndex?: number }) {
    const target = await this.#target(options.targetId);
    const at = this.clock.now();
    const event = makeEvent("test", rule, target, await this.#source(), {
      value: null,
      hop: null,
      hopIp: null,
      at,
      firedAt: null,
    });
    await this.#record(event);
    const actions = rule.actions.map((spec, index) => ({ spec, index }))
      .filter(({ index }) => options.actionIndex === undefined || index === options.actionIndex);
    const runs = await this.#actions.dispatch(rule, event, actions);
    return { event, runs };
  }

  async #work(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      const item = this.#queue.take();
      if (!item) {
        await this.#queue.wait(this.#stop.signal);
        continue;
      }
      // No rules (the common headless case): nothing to evaluate, so no promises per round.
      if (!this.evaluator.rules.length) continue;
      this.#current = this.#evaluate(item).catch((error) => {
        log.error("alert evaluation failed", { error: String(error) });
      });
      await this.#current;
      this.#current = null;
    }
  }

  async #evaluate({ round, routeChanged }: QueuedRound): Promise<void> {
    if (!this.evaluator.rules.length) return;
    if (!this.evaluator.knows(round.targetId)) await this.#seed(round);
    const evaluation = this.evaluator.onRound(round, routeChanged);
    for (const { ruleId, targetId, state } of evaluation.changed) {
      try {
        await this.store.putAlertState({
          ruleId,
          targetId,
          agent: this.agent,
          state,
          updatedAt: this.clock.now(),
        });
      } catch (error) {
        // E.g. the rule or target was deleted meanwhile: the events below still go out.
        log.warn("alerts: could not save a rule's state", {
          ruleId,
          targetId,
          error: String(error),
        });
      }
    }
    for (const transition of evaluation.transitions) {
      try {
        await this.#emit(transition);
      } catch (error) {
        log.error("alerts: could not record an event", { error: String(error) });
      }
    }
  }

  /** Starts a target's window from history, so a restart does not judge on one round. */
  async #seed(round: Round): Promise<void> {
    let history: Round[] = [];
    try {
      history = await this.store.rounds(round.targetId, { last: this.evaluator.keep + 1 });
    } catch (error) {
      log.warn("alerts: could not read recent rounds", { error: String(error) });
    }
    this.evaluator.seed(round.targetId, history.filter((r) => r.startedAt < round.startedAt));
  }

  async #emit(t: RuleTransition): Promise<void> {
    const target = await this.#target(t.targetId);
    const event = transitionEvent(t, target, await this.#source(), t.firedAt);
    await this.#record(event);
    try {
      this.#onEvent?.(event);
    } catch (error) {
      log.error("alerts: an event listener failed", { error: String(error) });
    }
    log.info(
      `alert ${event.kind}: ${event.ruleName} on ${event.targetHost} from agent ${event.agent}`,
      {
        eventId: event.id,
        message: event.message,
      },
    );
    const actions = t.rule.actions.map((spec, index) => ({ spec, index }))
      .filter(({ spec }) => spec.on.includes(event.kind));
    void this.#actions.dispatch(t.rule, event, actions);
  }

  async #record(event: AlertEvent): Promise<void> {
    const { ruleId, targetId, agent, kind, at } = event;
    const record = await this.store.addAlertEvent({
      ruleId,
      targetId,
      agent,
      kind,
      at,
      detail: event,
    });
    event.id = record.id;
    await this.store.updateAlertEventDetail(record.id, event);
  }

  /**
   * This agent, named in the message once other agents write into the database too (read at
   * each event, which is rare: an agent that joins later counts from its first write).
   */
  async #source(): Promise<EventSource> {
    const agents = await this.store.listAgents().catch(() => []);
    return { agent: this.agent, nameAgent: agents.some((a) => a.name !== this.agent) };
  }

  /** Read at each event (not cached): a label renamed a minute ago shows in the next alert. */
  async #target(id: number): Promise<TargetInfo> {
    const record = await this.store.getTarget(id).catch(() => null);
    return record
      ? { id, host: record.host, label: record.label }
      : { id, host: `target ${id}`, label: null };
  }
}

/** Creates and starts the alert service: the one call the server makes. */
export async function startAlerts(deps: AlertServiceDeps): Promise<AlertService> {
  const service = new AlertService(deps);
  await service.start();
  return service;
}
