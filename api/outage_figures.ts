// Outages as the API shows them, and the uptime figures made from them: the share of a window
// (24 h, 7 d, 30 d, or any range) during which the target was not in an outage. The window starts
// no earlier than the target was created, so a target added an hour ago is not "up" for the 29
// days before. An open outage reaches to now.
import type { OutageRecord, OutageStore } from "../store/mod.ts";

const HOUR_MS = 3_600_000;
export const UPTIME_WINDOWS_MS = {
  day: 24 * HOUR_MS,
  week: 7 * 24 * HOUR_MS,
  month: 30 * 24 * HOUR_MS,
};

/** One outage: start/end epoch ms (end null while open), duration up to now when open. */
export interface OutageJson {
  id: number;
  targetId: number;
  /** The agent that saw it (null: from before agents were recorded). */
  agent: string | null;
  start: number;
  end: number | null;
  open: boolean;
  durationMs: number;
  roundsLost: number;
  lastLostAt: number;
}

/** Uptime percentages over the last 24 h, 7 d and 30 d (null: the target did not exist yet). */
export interface UptimeFigures {
  day: number | null;
  week: number | null;
  month: number | null;
}

export function outageJson(outage: OutageRecord, now: number): OutageJson {
  return {
    id: outage.id,
    targetId: outage.targetId,
    agent: outage.agent,
    start: outage.start,
    end: outage.end,
    open: outage.end === null,
    durationMs: Math.max(0, (outage.end ?? now) - outage.start),
    roundsLost: outage.roundsLost,
    lastLostAt: outage.lastLostAt,
  };
}

/** Time inside [start, end) covered by the outages (they never overlap for one target). */
export function downtimeMs(
  outages: readonly OutageRecord[],
  range: { start: number; end: number; now: number },
): number {
  let total = 0;
  for (const outage of outages) {
    const from = Math.max(outage.start, range.start);
    const to = Math.min(outage.end ?? range.now, range.end);
    if (to > from) total += to - from;
  }
  return total;
}

/** 100 × (1 − downtime / window), the window starting no earlier than `since`; 2 decimals. */
export function uptimePct(
  outages: readonly OutageRecord[],
  range: { start: number; end: number; now: number; since: number },
): number | null {
  const start = Math.max(range.start, range.since);
  const span = range.end - start;
  if (span <= 0) return null;
  const down = downtimeMs(outages, { start, end: range.end, now: range.now });
  return Math.round((1 - down / span) * 10_000) / 100;
}

/** The targets' outages of their last 30 days (every agent's), by target, for `uptimeFrom`. */
export function recentOutages(
  store: Pick<OutageStore, "outagesByTarget">,
  targetIds: readonly number[],
  now: number,
): Promise<Map<number, OutageRecord[]>> {
  return store.outagesByTarget({
    targetIds,
    start: now - UPTIME_WINDOWS_MS.month,
    end: now + 1,
    limitPerTarget: 1000,
  });
}

/**
 * The outages one agent saw, and those from before agents were recorded (they belong to the
 * measurements every agent's history starts from); null: every agent's.
 */
export function outagesOfAgent(
  outages: readonly OutageRecord[],
  agent: string | null,
): readonly OutageRecord[] {
  // No copy when nothing is left out (5,000 summary rows, nearly all without outages).
  if (agent === null || outages.length === 0) return outages;
  return outages.filter((o) => o.agent === agent || !o.agent);
}

/** Uptime over the three windows and the open outage, from a target's recent outages. */
export function uptimeFrom(
  outages: readonly OutageRecord[],
  target: { createdAt: number },
  now: number,
): { uptime: UptimeFigures; outage: OutageJson | null } {
  const over = (ms: number) =>
    uptimePct(outages, { start: now - ms, end: now, now, since: target.createdAt });
  const open = outages.find((o) => o.end === null);
  return {
    uptime: {
      day: over(UPTIME_WINDOWS_MS.day),
      week: over(UPTIME_WINDOWS_MS.week),
      month: over(UPTIME_WINDOWS_MS.month),
    },
    outage: open ? outageJson(open, now) : null,
  };
}
