// What `check` concludes from a target's rounds: pure functions, so the verdict rules are tested
// without probing. The final hop is the destination; its loss is over the rounds run, and RTT
// figures are over the rounds in which it answered (the same samples `trace` shows for it).
import type { HopSample, ProbeKind, Round } from "../../engine/mod.ts";

export interface Thresholds {
  maxRttMs: number | null;
  maxLossPct: number;
}

/** ace-style figures over the --count rounds. */
export interface CheckFigures {
  rounds: number;
  answered: number;
  successRatePct: number | null;
  lossPct: number | null;
  minMs: number | null;
  avgMs: number | null;
  maxMs: number | null;
}

export interface CheckHop {
  hop: number;
  ip: string | null;
  rttMs: number | null;
  kind: ProbeKind;
}

export interface CheckResult {
  /** The database id, or null for a HOST named on the command line. */
  id: number | null;
  host: string;
  label: string | null;
  address: string | null;
  ok: boolean;
  /** Why the target is not ok; null when it is. */
  reason: string | null;
  finalHop: { ip: string | null; rttMs: number | null; answered: boolean };
  /** Hops of the newest round, TTL order. */
  hops: CheckHop[];
  checks: CheckFigures;
}

export interface TargetOutcome {
  id: number | null;
  host: string;
  label: string | null;
  address: string | null;
  rounds: Round[];
  /** Set when the target could not be probed at all (name not resolved, prober unable). */
  problem?: string;
}

/** Microsecond precision is all the probers measure. */
function ms(rttUs: number | null): number | null {
  return rttUs === null ? null : Math.round(rttUs) / 1000;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function destinationOf(round: Round): HopSample | null {
  const last = round.hops[round.hops.length - 1];
  return round.destinationReached && last && last.rttUs !== null ? last : null;
}

export function figures(rounds: Round[]): CheckFigures {
  const rtts = rounds.map(destinationOf).filter((h) => h !== null).map((h) => h.rttUs!);
  const answered = rtts.length;
  const n = rounds.length;
  return {
    rounds: n,
    answered,
    successRatePct: n ? round2((answered / n) * 100) : null,
    lossPct: n ? round2(((n - answered) / n) * 100) : null,
    minMs: answered ? ms(Math.min(...rtts)) : null,
    avgMs: answered ? ms(rtts.reduce((a, b) => a + b, 0) / answered) : null,
    maxMs: answered ? ms(Math.max(...rtts)) : null,
  };
}

/** Why the destination did not answer in the newest round, in words. */
function silence(round: Round): string {
  const last = round.hops[round.hops.length - 1];
  if (last?.kind === "unreachable") {
    return `unreachable (${last.code ?? "unknown"}) at hop ${last.ttl}` +
      (last.ip ? ` from ${last.ip}` : "");
  }
  if (last?.kind === "error") return `probe failed (${last.code ?? "error"})`;
  const answering = round.hops.filter((h) => h.ip !== null && h.kind !== "reply");
  const furthest = answering[answering.length - 1];
  return "no reply from the destination" +
    (furthest ? `; last answer from hop ${furthest.ttl} (${furthest.ip})` : "");
}

function reasonOf(outcome: TargetOutcome, f: CheckFigures, limits: Thresholds): string | null {
  if (outcome.problem) return outcome.problem;
  const newest = outcome.rounds[outcome.rounds.length - 1];
  if (!newest) return "interrupted before a round finished";
  if (f.answered === 0) return silence(newest);
  if (f.lossPct! > limits.maxLossPct) {
    return `loss ${f.lossPct}% above --max-loss ${limits.maxLossPct}%`;
  }
  if (limits.maxRttMs !== null && f.avgMs! > limits.maxRttMs) {
    return `RTT ${f.avgMs} ms above --max-rtt ${limits.maxRttMs} ms`;
  }
  return null;
}

export function verdict(outcome: TargetOutcome, limits: Thresholds): CheckResult {
  const f = figures(outcome.rounds);
  const reason = reasonOf(outcome, f, limits);
  const newest = outcome.rounds[outcome.rounds.length - 1];
  const destination = newest ? destinationOf(newest) : null;
  return {
    id: outcome.id,
    host: outcome.host,
    label: outcome.label,
    address: outcome.address,
    ok: reason === null,
    reason,
    finalHop: {
      ip: destination?.ip ?? null,
      rttMs: ms(destination?.rttUs ?? null),
      answered: destination !== null,
    },
    hops: (newest?.hops ?? []).map((h) => ({
      hop: h.ttl,
      ip: h.ip,
      rttMs: ms(h.rttUs),
      kind: h.kind,
    })),
    checks: f,
  };
}
