// A target's final-hop figures over its last rounds (the summary's focus window), folded the same
// way for every backend from the final hop's RTTs, newest last (null = lost).
import { jitterUs } from "../engine/ground.ts";
import type { TargetSummary } from "./history_types.ts";

export type FocusFold = Omit<
  TargetSummary,
  "targetId" | "agent" | "host" | "label" | "paused" | "sparkline"
>;

export function foldFocus(
  finals: readonly { ts: number; rttUs: number | null }[],
  focusRounds: number,
): FocusFold {
  // Over the last `focusRounds` in place: no slice and no list of answers per target (5,000 of
  // them a summary); the answered RTTs go through one scratch list for jitterUs.
  const from = Math.max(0, finals.length - focusRounds);
  const sent = finals.length - from;
  let lost = 0, sum = 0, min = Infinity;
  answered.length = 0;
  for (let i = from; i < finals.length; i++) {
    const rttUs = finals[i].rttUs;
    if (rttUs === null) lost++;
    else {
      sum += rttUs;
      min = Math.min(min, rttUs);
      answered.push(rttUs);
    }
  }
  const last = sent ? finals[finals.length - 1] : null;
  const count = answered.length;
  return {
    lastAt: last?.ts ?? null,
    sent,
    lost,
    lossPct: sent ? (100 * lost) / sent : null,
    avgUs: count ? sum / count : null,
    minUs: count ? min : null,
    curUs: last?.rttUs ?? null,
    jitterUs: jitterUs(answered),
  };
}

/** foldFocus's list of answered RTTs, reused (it never keeps it). */
const answered: number[] = [];
