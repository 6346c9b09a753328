// Evaluates every rule that applies to a target on each of its finished rounds. Synchronous and
// free of I/O: it returns the transitions and the states worth saving; the service does the rest.
import type { Round } from "../engine/mod.ts";
import { type AlertState, initialState, step, type Transition, worthSaving } from "./machine.ts";
import { type AlertRule, ruleAppliesTo } from "./rule.ts";
import { LOSS_ATTRIBUTION_ROUNDS, type Sample, sampleOf } from "./sample.ts";

export interface RuleTransition {
  rule: AlertRule;
  targetId: number;
  transition: Transition;
  at: number;
  sample: Sample;
  state: AlertState;
  /** When the alert fired (for a recovery: the firing it ends). */
  firedAt: number | null;
}

export interface Evaluation {
  transitions: RuleTransition[];
  /** States to persist (status changes, reminders, recovery progress). */
  changed: { ruleId: number; targetId: number; state: AlertState }[];
}

export function stateKey(ruleId: number, targetId: number): string {
  return `${ruleId}:${targetId}`;
}

/** How many rounds a rule needs to see (its focus window; xOf counts live in its state). */
function roundsNeeded(rule: AlertRule): number {
  const attributes = rule.hop === "any" && rule.condition.metric === "lossPct";
  return Math.max(rule.focusSamples, 1, attributes ? LOSS_ATTRIBUTION_ROUNDS : 0);
}

export class Evaluator {
  #rules: AlertRule[] = [];
  #states = new Map<string, AlertState>();
  #rounds = new Map<number, Round[]>();
  /** Per target, the TTL at which the destination last answered. */
  #distance = new Map<number, number>();
  #keep = 1;

  /**
   * Replaces the rules. States of rules that are gone, disabled, or no longer apply to a target
   * are dropped (silently: no recovery is sent for a rule switched off); they are returned so
   * the caller can forget them in the store too.
   */
  setRules(rules: AlertRule[]): { ruleId: number; targetId: number }[] {
    this.#rules = rules;
    this.#keep = Math.max(1, ...rules.map(roundsNeeded));
    const dropped = [];
    for (const key of [...this.#states.keys()]) {
      const [ruleId, targetId] = key.split(":").map(Number);
      const rule = rules.find((r) => r.id === ruleId);
      if (rule?.enabled && ruleAppliesTo(rule, targetId)) continue;
      this.#states.delete(key);
      dropped.push({ ruleId, targetId });
    }
    return dropped;
  }

  /** How many recent rounds per target the rules need. */
  get keep(): number {
    return this.#keep;
  }

  /** The target's recent rounds held in memory, oldest first. */
  recentRounds(targetId: number): readonly Round[] {
    return this.#rounds.get(targetId) ?? [];
  }

  get rules(): readonly AlertRule[] {
    return this.#rules;
  }

  /** States loaded from the store at start (so a restart neither re-fires nor loses recovery). */
  restore(ruleId: number, targetId: number, state: AlertState): void {
    this.#states.set(stateKey(ruleId, targetId), state);
  }

  state(ruleId: number, targetId: number): AlertState | undefined {
    return this.#states.get(stateKey(ruleId, targetId));
  }

  /** Every (rule, target) currently firing. */
  firing(): { ruleId: number; targetId: number; state: AlertState }[] {
    return [...this.#states.entries()].filter(([, s]) => s.status === "firing").map((
      [key, state],
    ) => {
      const [ruleId, targetId] = key.split(":").map(Number);
      return { ruleId, targetId, state };
    });
  }

  /** Whether the evaluator has seen rounds of this target yet (else history is loaded first). */
  knows(targetId: number): boolean {
    return this.#rounds.has(targetId);
  }

  /** Seeds a target's recent rounds from history, oldest first. */
  seed(targetId: number, rounds: Round[]): void {
    this.#rounds.set(targetId, rounds.slice(-this.#keep));
    for (const round of rounds) this.#learnDistance(round);
  }

  #learnDistance(round: Round): void {
    const last = round.hops[round.hops.length - 1];
    if (round.destinationReached && last) this.#distance.set(round.targetId, last.ttl);
  }

  /** Drops a target's rounds and states (the target was removed). */
  forgetTarget(targetId: number): void {
    this.#rounds.delete(targetId);
    this.#distance.delete(targetId);
    for (const key of [...this.#states.keys()]) {
      if (key.endsWith(`:${targetId}`)) this.#states.delete(key);
    }
  }

  onRound(round: Round, routeChanged: boolean): Evaluation {
    const buffer = this.#rounds.get(round.targetId) ?? [];
    buffer.push(round);
    if (buffer.length > this.#keep) buffer.splice(0, buffer.length - this.#keep);
    this.#rounds.set(round.targetId, buffer);
    this.#learnDistance(round);
    const destinationTtl = this.#distance.get(round.targetId) ?? null;
    const result: Evaluation = { transitions: [], changed: [] };
    for (const rule of this.#rules) {
      if (!rule.enabled || !ruleAppliesTo(rule, round.targetId)) continue;
      const key = stateKey(rule.id, round.targetId);
      const previous = this.#states.get(key) ?? initialState();
      const sample = sampleOf(rule, { rounds: buffer, routeChanged, destinationTtl });
      const { state, transition } = step(rule, previous, sample, round.startedAt);
      this.#states.set(key, state);
      if (worthSaving(previous, state)) {
        result.changed.push({ ruleId: rule.id, targetId: round.targetId, state });
      }
      if (transition) {
        result.transitions.push({
          rule,
          targetId: round.targetId,
          transition,
          at: round.startedAt,
          sample,
          state,
          firedAt: transition === "recovered" ? previous.firedAt : state.firedAt,
        });
      }
    }
    return result;
  }
}
