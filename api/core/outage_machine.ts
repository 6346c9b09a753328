// When a target is in an outage: a pure state machine over its rounds, time passed in (like
// alerts/machine.ts). An outage starts once the destination missed `threshold` rounds in a row
// (it starts at the first of them) and ends at the first answered round. Rounds can finish out of
// order (a timed-out round finishes after the next, answered one), so a round older than the
// newest one seen is ignored: the streak it belonged to was already broken or extended.

export interface OutageState {
  /** seq of the newest round taken into account (-1: none yet). */
  lastSeq: number;
  /** Unanswered rounds in a row so far. */
  lost: number;
  /** startedAt of the first and the newest of them. */
  firstLostAt: number | null;
  lastLostAt: number | null;
  /** An outage is open (recorded) for this streak. */
  open: boolean;
}

export type OutageStep =
  | { kind: "none" }
  | { kind: "start"; start: number; roundsLost: number; lastLostAt: number }
  | { kind: "extend"; roundsLost: number; lastLostAt: number }
  | { kind: "end"; end: number; roundsLost: number; lastLostAt: number };

export const INITIAL_OUTAGE_STATE: OutageState = {
  lastSeq: -1,
  lost: 0,
  firstLostAt: null,
  lastLostAt: null,
  open: false,
};

/** The state after a round and what to record. */
export function stepOutage(
  state: OutageState,
  round: { seq: number; startedAt: number; answered: boolean },
  threshold: number,
): { state: OutageState; step: OutageStep } {
  if (round.seq <= state.lastSeq) return { state, step: { kind: "none" } };
  if (round.answered) {
    const step: OutageStep = state.open
      ? { kind: "end", end: round.startedAt, roundsLost: state.lost, lastLostAt: state.lastLostAt! }
      : { kind: "none" };
    return { state: { ...INITIAL_OUTAGE_STATE, lastSeq: round.seq }, step };
  }
  const lost = state.lost + 1;
  const next: OutageState = {
    lastSeq: round.seq,
    lost,
    firstLostAt: state.firstLostAt ?? round.startedAt,
    lastLostAt: round.startedAt,
    open: state.open || lost >= threshold,
  };
  if (state.open) {
    return { state: next, step: { kind: "extend", roundsLost: lost, lastLostAt: round.startedAt } };
  }
  if (next.open) {
    const start = next.firstLostAt!;
    return {
      state: next,
      step: { kind: "start", start, roundsLost: lost, lastLostAt: round.startedAt },
    };
  }
  return { state: next, step: { kind: "none" } };
}
