// The summary's last-hour sparkline, built the same way for every backend from the final hop of
// each 1-minute bucket (per route: a minute whose route changed adds both routes' finals).
import type { Sparkline } from "./history_types.ts";
import { alignDown, TIER_MS } from "./rollup_math.ts";

const MINUTE_MS = TIER_MS["1m"];

/** A minute's final hop on one route. */
export interface MinuteFinal {
  sent: number;
  lost: number;
  sumUs: number;
}

/** minute start -> route id -> final hop of that minute's bucket. */
export type MinuteFinals = Map<number, Map<number, MinuteFinal>>;

/**
 * `minutes` minutes ending at the one holding `now`, oldest first. Averages are whole µs and loss
 * 2 decimals: finer than the measurements or any drawing, and a third of the bytes on the wire.
 */
export function sparklineOf(
  finals: MinuteFinals,
  options: { sparklineMinutes: number; now: number },
): Sparkline {
  const count = options.sparklineMinutes;
  const start = alignDown(options.now, MINUTE_MS) - (count - 1) * MINUTE_MS;
  const avgUs: (number | null)[] = new Array(count);
  const lossPct: (number | null)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let sent = 0, lost = 0, sumUs = 0;
    for (const m of finals.get(start + i * MINUTE_MS)?.values() ?? []) {
      sent += m.sent;
      lost += m.lost;
      sumUs += m.sumUs;
    }
    const answered = sent - lost;
    avgUs[i] = answered > 0 ? Math.round(sumUs / answered) : null;
    lossPct[i] = sent > 0 ? Math.round((10_000 * lost) / sent) / 100 : null;
  }
  return { start, stepMs: MINUTE_MS, avgUs, lossPct };
}
