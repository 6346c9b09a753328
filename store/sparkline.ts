// The summary's last-hour sparkline, built the same way for every backend from the final hop of
// each 1-minute bucket (per route: a minute whose route changed adds both routes' finals).
//
// Each target keeps its minutes in a ring of slots indexed by minute number, not in a map: the
// summary of 5,000 targets reads 300,000 minutes, and hash lookups were most of its time. The
// ring is one typed array (a minute's start, its first route and that route's figures), so it is
// 2.4 kB a target that the collector never walks, and a round allocates nothing: as objects (a
// slot, its routes' list and each route's figures) it was some 11 kB a target of live objects,
// replaced minute by minute. The rare minute that has a second route keeps the others aside.
import type { Sparkline } from "./history_types.ts";
import { alignDown, TIER_MS } from "./rollup_math.ts";

const MINUTE_MS = TIER_MS["1m"];
/** Minutes a ring holds: the newest written one and the hour before it. */
export const RING_MINUTES = 61;

/** A minute's final hop on one route. */
export interface MinuteFinal {
  sent: number;
  lost: number;
  sumUs: number;
}

const NO_ROUTES: readonly MinuteFinal[] = [];

/** A slot's fields in the ring: the minute's start (NaN: empty), its first route, its figures. */
const BUCKET = 0, ROUTE = 1, SENT = 2, LOST = 3, SUM_US = 4, FIELDS = 5;

/** A target's final hop per minute and route over its newest hour. */
export interface MinuteFinals {
  ring: Float64Array;
  /** By slot: the routes after the first of a minute whose route changed (absent: none). */
  more: Map<number, RouteFinal[]> | null;
}

interface RouteFinal extends MinuteFinal {
  routeId: number;
}

export function createMinuteFinals(): MinuteFinals {
  return { ring: new Float64Array(RING_MINUTES * FIELDS).fill(NaN), more: null };
}

function slotIndex(bucket: number): number {
  const minute = Math.floor(bucket / MINUTE_MS) % RING_MINUTES;
  return minute < 0 ? minute + RING_MINUTES : minute;
}

/**
 * Sets (replaces) a route's final hop of the minute starting at `bucket`. A minute more than an
 * hour older than one already kept is outside every sparkline and is dropped.
 */
export function setMinuteFinal(
  finals: MinuteFinals,
  at: { bucket: number; routeId: number },
  final: MinuteFinal | null,
): void {
  if (!final) return;
  const index = slotIndex(at.bucket), ring = finals.ring, o = index * FIELDS;
  const held = ring[o + BUCKET];
  if (held > at.bucket) return;
  if (held !== at.bucket) { // empty (NaN), or an hour older: the minute starts afresh
    ring[o + BUCKET] = at.bucket;
    ring[o + ROUTE] = at.routeId;
    finals.more?.delete(index);
  } else if (ring[o + ROUTE] !== at.routeId) {
    const more = finals.more ??= new Map<number, RouteFinal[]>();
    const routes = more.get(index) ?? [];
    more.set(index, routes);
    const figures = { routeId: at.routeId, sent: final.sent, lost: final.lost, sumUs: final.sumUs };
    const i = routes.findIndex((r) => r.routeId === at.routeId);
    if (i >= 0) routes[i] = figures;
    else routes.push(figures);
    return;
  }
  ring[o + SENT] = final.sent;
  ring[o + LOST] = final.lost;
  ring[o + SUM_US] = final.sumUs;
}

/**
 * Room for the sparklines of one summary: every row's arrays are views into one buffer, so the
 * summary crosses to another thread (store/worker/) as one copy.
 */
export class SparklineArena {
  #values: Float64Array;
  #at = 0;

  constructor(rows: number, minutes: number) {
    this.#values = new Float64Array(rows * minutes * 2).fill(NaN);
  }

  /** The next `count` values (NaN), or a new array once the arena is used up. */
  take(count: number): Float64Array {
    if (this.#at + count > this.#values.length) return new Float64Array(count).fill(NaN);
    const view = this.#values.subarray(this.#at, this.#at + count);
    this.#at += count;
    return view;
  }
}

/**
 * `minutes` minutes ending at the one holding `now`, oldest first. Averages are whole µs and loss
 * 2 decimals: finer than the measurements or any drawing, and a third of the bytes on the wire.
 */
export function sparklineOf(
  finals: MinuteFinals,
  options: { sparklineMinutes: number; now: number; arena?: SparklineArena },
): Sparkline {
  const count = options.sparklineMinutes;
  const start = alignDown(options.now, MINUTE_MS) - (count - 1) * MINUTE_MS;
  const arena = options.arena ?? new SparklineArena(1, count);
  const avgUs = arena.take(count);
  const lossPct = arena.take(count);
  const ring = finals.ring;
  for (let i = 0, index = slotIndex(start); i < count; i++, index = (index + 1) % RING_MINUTES) {
    const o = index * FIELDS;
    if (ring[o + BUCKET] !== start + i * MINUTE_MS) continue;
    let sent = ring[o + SENT], lost = ring[o + LOST], sumUs = ring[o + SUM_US];
    for (const route of finals.more?.get(index) ?? NO_ROUTES) {
      sent += route.sent;
      lost += route.lost;
      sumUs += route.sumUs;
    }
    if (sent === 0) continue;
    const answered = sent - lost;
    if (answered > 0) avgUs[i] = Math.round(sumUs / answered);
    lossPct[i] = Math.round((10_000 * lost) / sent) / 100;
  }
  return { start, stepMs: MINUTE_MS, avgUs, lossPct };
}
