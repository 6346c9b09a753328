// A target's final-hop figures over its last rounds (the summary's focus window), folded the same
// way for every backend from the final hop's RTTs, newest last (null = lost).
import { jitterUs } from "../engine/mod.ts";
import type { TargetSummary } from "./history_types.ts";

export type FocusFold = Omit<
  TargetSummary,
  "targetId" | "agent" | "host" | "label" | "paused" | "sparkline"
>;

export function foldFocus(
  finals: readonly { ts: number; rttUs: number | null }[],
  focusRounds: number,
): FocusFold {
  const focus = finals.slice(-focusRounds);
  let lost = 0, sum = 0, min = Infinity;
  const answeredUs: number[] = [];
  for (const { rttUs } of focus) {
    if (rttUs === null) lost++;
    else {
      sum += rttUs;
      min = Math.min(min, rttUs);
      answeredUs.push(rttUs);
    }
  }
  const answered = focus.length - lost;
  return {
    lastAt: finals.at(-1)?.ts ?? null,
    sent: focus.length,
    lost,
    lossPct: focus.length ? (100 * lost) / focus.length : null,
    avgUs: answered ? sum / answered : null,
    minUs: answered ? min : null,
    curUs: focus.at(-1)?.rttUs ?? null,
    jitterUs: jitterUs(answeredUs),
  };
}
