// The target page's dashboard (after ace-connection-logger): success rate over time from the
// final hop's timeline points (rollups beyond the raw window), and the recent raw results, paged
// newest first. Both follow the timeline's range; the RTT histogram comes with the insights.
import { effect, signal } from "@preact/signals";
import type { InsightsReply, LogsReply, TimelineReply } from "../../api/wire.ts";
import { agentParam } from "./agent_choice.ts";
import { describeError, get, query } from "./api.ts";
import { onLive, onReconnect } from "./live.ts";
import { selectedId } from "./targets.ts";
import { throttle } from "./throttle.ts";
import { range, series as timelineSeries } from "./timeline.ts";
import type { TimelinePoint } from "./types.ts";

export interface SuccessPoint {
  t: number;
  /** Share of probes to the final hop that were answered (null: nothing sent). */
  pct: number | null;
  sent: number;
}

/** One hop sample of a raw round: what the recent-results table shows. */
export interface ResultRow {
  at: number;
  seq: number;
  hop: number;
  ip: string | null;
  rttMs: number | null;
  /** "reply", "ttlExceeded", "timeout", "unreachable" (with code) or "error" (with code). */
  kind: string;
  code: string | null;
}

export const RESULT_PAGE_ROUNDS = 10;
/** How long a range change's dashboard requests wait for the timeline's. */
export const YIELD_MS = 400;
const SUCCESS_POINTS = 240;

/**
 * Success rate over time: from the timeline's own final-hop points when it shows them (no second
 * request for the same range), else from a request of its own. Either way it is set a moment
 * after the timeline has its data, so the timeline's chart is drawn first.
 */
export const success = signal<SuccessPoint[]>([]);
/** The range `success` covers: the chart's axis moves with its data, not before it. */
export const successRange = signal<{ start: number; end: number }>({ start: 0, end: 1 });

function successOf(points: TimelinePoint[]): SuccessPoint[] {
  return points.map((p) => ({ t: p.t, sent: p.sent, pct: p.sent ? 100 - p.lossPct : null }));
}
export const successError = signal<string | null>(null);
export const results = signal<ResultRow[]>([]);
export const resultsError = signal<string | null>(null);
/** Page cursors: the `before` of each page shown so far (page 1 has none). */
export const resultPages = signal<(number | undefined)[]>([undefined]);
/** A further (older) page exists. */
export const resultsHasOlder = signal(false);
/** Final hop only, or every hop of each round. */
export const resultsAllHops = signal(false);

export async function refreshSuccess(): Promise<void> {
  const id = selectedId.value;
  if (id === null || timelineSeries.peek()["last"]) return;
  const r = range.value;
  try {
    const q = query({
      hop: "last",
      start: Math.floor(r.start),
      end: Math.ceil(r.end),
      maxPoints: SUCCESS_POINTS,
      agent: agentParam(),
    });
    const body = await get<TimelineReply>(`/api/targets/${id}/timeline${q}`);
    if (selectedId.value !== id) return;
    successRange.value = { start: r.start, end: r.end };
    success.value = (body.series[0]?.points ?? []).map((p) => ({
      t: p.t,
      sent: p.sent,
      pct: p.sent ? (100 * (p.sent - p.lost)) / p.sent : null,
    }));
    successError.value = null;
  } catch (error) {
    successError.value = describeError(error);
  }
}

function rowsOf(body: LogsReply, allHops: boolean): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const round of [...body.rounds].reverse()) {
    const hops = allHops ? [...round.hops].reverse() : round.hops.slice(-1);
    for (const h of hops) {
      rows.push({
        at: round.startedAt,
        seq: round.seq,
        hop: h.ttl,
        ip: h.ip,
        rttMs: h.rttMs,
        kind: h.kind,
        code: h.code ?? null,
      });
    }
  }
  return rows;
}

export async function refreshResults(): Promise<void> {
  const id = selectedId.value;
  if (id === null) return;
  const r = range.value;
  const before = resultPages.value.at(-1);
  try {
    const q = query({
      start: Math.floor(r.start),
      end: Math.ceil(r.end),
      before,
      // One more than a page tells whether an older page exists.
      limit: RESULT_PAGE_ROUNDS + 1,
      agent: agentParam(),
    });
    const body = await get<LogsReply>(`/api/targets/${id}/logs${q}`);
    if (selectedId.value !== id) return;
    resultsHasOlder.value = body.rounds.length > RESULT_PAGE_ROUNDS;
    const page = { ...body, rounds: body.rounds.slice(-RESULT_PAGE_ROUNDS) };
    results.value = rowsOf(page, resultsAllHops.value);
    resultsError.value = null;
  } catch (error) {
    resultsError.value = describeError(error);
  }
}

export function olderResults(): void {
  const oldest = results.value.at(-1)?.at;
  if (oldest === undefined || !resultsHasOlder.value) return;
  resultPages.value = [...resultPages.value, oldest];
  refreshResults();
}

export function newerResults(): void {
  if (resultPages.value.length <= 1) return;
  resultPages.value = resultPages.value.slice(0, -1);
  refreshResults();
}

export function setResultsAllHops(all: boolean): void {
  resultsAllHops.value = all;
  refreshResults();
}

export function initDashboard(): void {
  let pending: ReturnType<typeof setTimeout> | 0 = 0;
  effect(() => {
    const shown = timelineSeries.value["last"];
    if (!shown) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = 0;
      const r = range.peek();
      successRange.value = { start: r.start, end: r.end };
      success.value = successOf(shown);
    }, YIELD_MS);
  });
  const successSoon = throttle(refreshSuccess, 2000);
  const resultsSoon = throttle(refreshResults, 1000);
  let shown = "";
  effect(() => {
    const r = range.value;
    // A new target or range starts again at the newest page; a live preset that only slides
    // forward keeps the page the user is reading.
    const key = `${selectedId.value}/${r.preset ?? `${r.start}-${r.end}`}`;
    if (key !== shown) {
      shown = key;
      resultPages.value = [undefined];
    }
    // The timeline's own request goes first: the dashboard below it follows a moment later, so
    // a range change draws the chart the user is looking at as fast as before.
    setTimeout(() => {
      successSoon();
      resultsSoon();
    }, YIELD_MS);
  });
  onLive((event) => {
    if (event.kind !== "round" || event.targetId !== selectedId.value || !range.value.preset) {
      return;
    }
    successSoon();
    // Only the newest page moves with live rounds; an older page stays where the user put it.
    if (resultPages.value.length === 1) resultsSoon();
  });
  onReconnect(() => {
    successSoon();
    resultsSoon();
  });
}

/** A bucket of the insights' RTT histogram (ms). */
export type HistogramBucketMs = InsightsReply["histogram"][number];
