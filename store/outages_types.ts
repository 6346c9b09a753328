// The outage port: spans during which a target's destination stopped answering (api/core decides
// when one starts and ends; the store only keeps them), and each target's threshold, the number
// of unanswered rounds in a row that make an outage. Kept beside the target: removing the target
// removes its outages and its threshold.

/** Rounds in a row without an answer from the destination before an outage starts. */
export const DEFAULT_OUTAGE_ROUNDS = 3;
export const MAX_OUTAGE_ROUNDS = 1000;

export interface NewOutage {
  targetId: number;
  /**
   * The agent (vantage point) that saw it (AgentStore); null: recorded before agents were.
   * Absent on write = null.
   */
  agent?: string | null;
  /** Epoch ms: startedAt of the first unanswered round. */
  start: number;
  /** Unanswered rounds so far (at least the threshold when the outage is recorded). */
  roundsLost: number;
  /** Epoch ms: startedAt of the newest unanswered round. */
  lastLostAt: number;
}

export interface OutageRecord extends NewOutage {
  id: number;
  agent: string | null;
  /** Epoch ms: startedAt of the first answered round after it; null while it is open. */
  end: number | null;
}

/** Filters, newest first (by start, then id). */
export interface OutageQuery {
  targetId?: number;
  /** Outages overlapping [start, end) in epoch ms (an open one reaches to now). */
  start?: number;
  end?: number;
  /** Only open (true) or only closed (false) outages. */
  open?: boolean;
  /** Keyset paging: outages strictly older than this (start, id). */
  before?: { start: number; id: number };
  /** At most this many (default 100, at most 1000). */
  limit?: number;
}

/** Outages of many targets in one read (the summary's uptime figures of every target). */
export interface OutagesByTargetQuery {
  /** Outages overlapping [start, end) in epoch ms (an open one reaches to now). */
  start: number;
  end: number;
  /** Only these targets (default: every target). */
  targetIds?: readonly number[];
  /** At most this many per target, its newest (default 100, at most 1000). */
  limitPerTarget?: number;
}

/** Outages (ordered as wanted within each target) grouped by target, for outagesByTarget. */
export function groupByTarget(outages: Iterable<OutageRecord>): Map<number, OutageRecord[]> {
  const byTarget = new Map<number, OutageRecord[]>();
  for (const outage of outages) {
    const list = byTarget.get(outage.targetId);
    if (list) list.push(outage);
    else byTarget.set(outage.targetId, [outage]);
  }
  return byTarget;
}

/** The per-target cap of OutageQuery.limit and OutagesByTargetQuery.limitPerTarget. */
export function outageLimit(limit: number | undefined): number {
  return Math.min(Math.max(1, Math.floor(limit ?? 100)), 1000);
}

export interface OutageStore {
  addOutage(outage: NewOutage): Promise<OutageRecord>;
  /** Updates an outage's count and, when `end` is given, closes it. False: no such outage. */
  updateOutage(
    id: number,
    patch: { roundsLost: number; lastLostAt: number; end?: number | null },
  ): Promise<boolean>;
  outages(query?: OutageQuery): Promise<OutageRecord[]>;
  /**
   * Each target's outages overlapping the range, newest first (by start, then id), as `outages`
   * would give them target by target; targets without one are absent.
   */
  outagesByTarget(query: OutagesByTargetQuery): Promise<Map<number, OutageRecord[]>>;
  /** The per-target threshold, or null when the target uses the default. */
  outageRounds(targetId: number): Promise<number | null>;
  /** Every target's own threshold (targets without one are absent). */
  allOutageRounds(): Promise<Map<number, number>>;
  /** Sets (or with null clears) a target's threshold. False: no such target. */
  setOutageRounds(targetId: number, rounds: number | null): Promise<boolean>;
}
