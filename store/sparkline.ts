// The summary's last-hour sparkline, built the same way for every backend from the final hop of
// each 1-minute bucket (per route: a minute whose route changed adds both routes' finals).
//
// Each target keeps its minutes in a ring of slots indexed by minute number, not in a map: the
// summary of 5,000 targets reads 300,000 minutes, and hash lookups were most of its time.
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

interface Slot extends MinuteFinal {
  bucket: number;
  /** Usually one: a minute has more than one route only when its route changed. */
  routes: (MinuteFinal & { routeId: number })[];
}

/** A target's final hop per minute and route over its newest hour. */
export interface MinuteFinals {
  slots: (Slot | undefined)[];
}

export function createMinuteFinals(): MinuteFinals {
  return { slots: new Array(RING_MINUTES) };
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
  const index = slotIndex(at.bucket);
  let slot = finals.slots[index];
  if (slot && slot.bucket > at.bucket) return;
  if (!slot || slot.bucket < at.bucket) {
    finals.slots[index] = slot = { bucket: at.bucket, sent: 0, lost: 0, sumUs: 0, routes: [] };
  }
  const figures = { routeId: at.routeId, sent: final.sent, lost: final.lost, sumUs: final.sumUs };
  const i = slot.routes.findIndex((r) => r.routeId === at.routeId);
  if (i >= 0) slot.routes[i] = figures;
  else slot.routes.push(figures);
  // The minute's totals, kept so that a sparkline reads each minute once.
  slot.sent = slot.lost = slot.sumUs = 0;
  for (const route of slot.routes) {
    slot.sent += route.sent;
    slot.lost += route.lost;
    slot.sumUs += route.sumUs;
  }
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
  for (let i = 0, index = slotIndex(start); i < count; i++, index = (index + 1) % RING_MINUTES) {
    const slot = finals.slots[index];
    if (slot === undefined || slot.bucket !== start + i * MINUTE_MS || slot.sent === 0) continue;
    const answered = slot.sent - slot.lost;
    if (answered > 0) avgUs[i] = Math.round(slot.sumUs / answered);
    lossPct[i] = Math.round((10_000 * slot.lost) / slot.sent) / 100;
  }
  return { start, stepMs: MINUTE_MS, avgUs, lossPct };
}
