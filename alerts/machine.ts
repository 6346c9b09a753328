// The rule state machine: one per (rule, target), a pure function of (state, sample, time).
// It fires once when the trigger is met, reminds at most every repeatIntervalMs while it holds,
// and recovers once after recoverAfterSamples clear samples in a row. Samples in the hysteresis
// band (not bad, not clear) neither fire nor count towards recovery, so a value hovering around
// the threshold cannot make an alert flap.
import type { RuleSpec, Trigger } from "./rule.ts";
import type { Sample } from "./sample.ts";

export type AlertStatus = "ok" | "firing";
export type Transition = "firing" | "reminder" | "recovered";

export interface AlertState {
  status: AlertStatus;
  /** Bad flags of the last samples, newest last (only as many as an "xOf" trigger needs). */
  recent: boolean[];
  badStreak: number;
  /** Time of the first bad sample of the current streak (for "forMs" triggers). */
  badSince: number | null;
  clearStreak: number;
  /** When the alert fired (null while ok). */
  firedAt: number | null;
  /** When the last firing or reminder went out. */
  notifiedAt: number | null;
  /** The deciding value and hop of the newest sample while firing (shown as active alerts). */
  value: number | null;
  hop: number | null;
  hopIp: string | null;
}

export function initialState(): AlertState {
  return {
    status: "ok",
    recent: [],
    badStreak: 0,
    badSince: null,
    clearStreak: 0,
    firedAt: null,
    notifiedAt: null,
    value: null,
    hop: null,
    hopIp: null,
  };
}

type Policy = Pick<RuleSpec, "trigger" | "recoverAfterSamples" | "repeatIntervalMs">;

function windowLength(trigger: Trigger): number {
  return "xOf" in trigger ? trigger.last : 0;
}

function triggered(trigger: Trigger, state: AlertState, atMs: number): boolean {
  if ("consecutive" in trigger) return state.badStreak >= trigger.consecutive;
  if ("xOf" in trigger) return state.recent.filter(Boolean).length >= trigger.xOf;
  return state.badSince !== null && atMs - state.badSince >= trigger.forMs;
}

function observe(policy: Policy, state: AlertState, sample: Sample, atMs: number): AlertState {
  const keep = windowLength(policy.trigger);
  const recent = keep ? [...state.recent, sample.bad].slice(-keep) : [];
  return {
    ...state,
    recent,
    badStreak: sample.bad ? state.badStreak + 1 : 0,
    badSince: sample.bad ? state.badSince ?? atMs : null,
    clearStreak: sample.clear ? state.clearStreak + 1 : 0,
  };
}

/** Advances the machine by one sample taken at `atMs`. */
export function step(
  policy: Policy,
  previous: AlertState,
  sample: Sample,
  atMs: number,
): { state: AlertState; transition: Transition | null } {
  const state = observe(policy, previous, sample, atMs);
  if (state.status === "ok") {
    if (!triggered(policy.trigger, state, atMs)) return { state, transition: null };
    return {
      state: {
        ...state,
        status: "firing",
        // A fresh window after firing: recovery is judged on what comes next.
        recent: [],
        clearStreak: 0,
        firedAt: atMs,
        notifiedAt: atMs,
        value: sample.value,
        hop: sample.hop,
        hopIp: sample.hopIp,
      },
      transition: "firing",
    };
  }
  if (sample.bad) {
    state.value = sample.value;
    state.hop = sample.hop;
    state.hopIp = sample.hopIp;
  }
  if (state.clearStreak >= policy.recoverAfterSamples) {
    return {
      state: { ...initialState(), value: sample.value, hop: sample.hop, hopIp: sample.hopIp },
      transition: "recovered",
    };
  }
  const repeat = policy.repeatIntervalMs;
  if (repeat !== null && state.notifiedAt !== null && atMs - state.notifiedAt >= repeat) {
    return { state: { ...state, notifiedAt: atMs }, transition: "reminder" };
  }
  return { state, transition: null };
}

/** True when persisting `next` matters for a restart (status or notification time changed). */
export function worthSaving(previous: AlertState, next: AlertState): boolean {
  return previous.status !== next.status || previous.notifiedAt !== next.notifiedAt ||
    (next.status === "firing" && previous.clearStreak !== next.clearStreak);
}
