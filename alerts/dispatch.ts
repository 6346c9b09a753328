// Runs the actions of an event: at most maxConcurrentActions at once over all events, each retried
// and timed out by the runner, every outcome recorded. The evidence of an event is gathered once,
// on first use, from the store's rounds merged with the evaluator's newest ones.
import { type Clock, log, ProbeLimiter, type Round } from "../engine/mod.ts";
import type { AlertStore, Store } from "../store/mod.ts";
import { ACTIONS, type ActionSpec } from "./actions/registry.ts";
import { buildEvidence, type Evidence } from "./actions/evidence.ts";
import type { ActionContext } from "./actions/types.ts";
import type { ResolvedAlertsConfig } from "./config.ts";
import type { AlertRule } from "./rule.ts";
import { runAction } from "./runner.ts";
import type { ActionRun, AlertEvent } from "./types.ts";

export interface DispatcherDeps {
  clock: Clock;
  config: ResolvedAlertsConfig;
  store: AlertStore & Pick<Store, "rounds" | "flush">;
  /** The newest rounds of a target held in memory (not yet flushed to the store, maybe). */
  recentRounds(targetId: number): readonly Round[];
}

export class ActionDispatcher {
  readonly #deps: DispatcherDeps;
  readonly #limiter: ProbeLimiter;
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    this.#limiter = new ProbeLimiter(deps.config.maxConcurrentActions);
  }

  get busy(): boolean {
    return this.#running.size > 0;
  }

  /** Resolves when every action started so far has finished. */
  async settled(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running]);
  }

  /** Aborts running actions (they record why) and waits for them. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.settled();
  }

  dispatch(
    rule: AlertRule,
    event: AlertEvent,
    actions: { spec: ActionSpec; index: number }[],
  ): Promise<ActionRun[]> {
    let evidence: Promise<Evidence> | null = null;
    const context: Omit<ActionContext, "signal"> = {
      clock: this.#deps.clock,
      config: this.#deps.config,
      evidence: () => evidence ??= this.#evidence(rule, event),
      addTimelineComment: (comment) => this.#deps.store.addTimelineComment(comment),
    };
    const all = Promise.all(
      actions.map(({ spec, index }) => this.#runOne(spec, event, index, context)),
    );
    this.#running.add(all);
    all.finally(() => this.#running.delete(all));
    return all;
  }

  async #runOne(
    spec: ActionSpec,
    event: AlertEvent,
    index: number,
    context: Omit<ActionContext, "signal">,
  ): Promise<ActionRun> {
    const stop = this.#stop.signal;
    let run: ActionRun;
    try {
      await this.#limiter.acquire(stop);
      try {
        run = await runAction(ACTIONS[spec.type], spec, event, { index, context, stop });
      } finally {
        this.#limiter.release();
      }
    } catch (error) {
      const at = this.#deps.clock.now();
      run = {
        eventId: event.id,
        index,
        type: spec.type,
        ok: false,
        attempts: 0,
        at,
        error: String(error),
        output: null,
      };
    }
    if (!run.ok) {
      log.warn(`alert action ${spec.type} failed`, { eventId: event.id, error: run.error });
    }
    try {
      await this.#deps.store.addActionRun(run);
    } catch (error) {
      log.error("alerts: could not record an action's outcome", { error: String(error) });
    }
    return run;
  }

  async #evidence(rule: AlertRule, event: AlertEvent): Promise<Evidence> {
    const start = event.at - rule.evidenceWindowMs, end = event.at + 1;
    let stored: Round[] = [];
    try {
      await this.#deps.store.flush();
      stored = await this.#deps.store.rounds(event.targetId, { start, end });
    } catch (error) {
      log.warn("alerts: evidence without stored rounds", { error: String(error) });
    }
    const byKey = new Map<string, Round>();
    const recent = this.#deps.recentRounds(event.targetId);
    for (const r of [...stored, ...recent]) {
      if (r.startedAt >= start && r.startedAt < end) byKey.set(`${r.startedAt}:${r.seq}`, r);
    }
    const rounds = [...byKey.values()].sort((a, b) => a.startedAt - b.startedAt || a.seq - b.seq);
    const margin = Math.round(rule.evidenceWindowMs / 20);
    return buildEvidence(event, rounds, { start, end: event.at + margin });
  }
}
