// What the pattern of a trace graph suggests, in words the graph shows beside the hops. Pure
// functions of the hops the API computed (loss that does not carry is the API's own analysis).
import type { Hop } from "./types.ts";

/** The latency and loss thresholds the notes need (settings.ts's Thresholds fits). */
export interface NoteThresholds {
  warnMs: number;
  warnLossPct: number;
}

export interface HopNotes {
  /** Hops whose loss does not carry to later hops: a router limiting its own replies. */
  benignLoss: number[];
  /**
   * The final hop is slow while every hop before it is clean and fast: the reply probably comes
   * back another way (an asymmetric return path), so the forward hops cannot show where.
   */
  asymmetricReturn: { hop: number; finalMs: number; beforeMs: number } | null;
}

/** Intermediate hops at most this share of the final hop's average count as "fast". */
const FAST_SHARE = 0.5;
/** ...and the final hop must be this much slower than all of them: not a gentle rise. */
const MIN_RISE_MS = 30;

export function hopNotes(hops: Hop[], thresholds: NoteThresholds): HopNotes {
  const benignLoss = hops.filter((h) => h.lossNotCarried).map((h) => h.hop);
  return { benignLoss, asymmetricReturn: asymmetricReturn(hops, thresholds) };
}

function asymmetricReturn(hops: Hop[], t: NoteThresholds): HopNotes["asymmetricReturn"] {
  const final = hops.at(-1);
  if (!final || final.avgMs === null || final.avgMs < t.warnMs) return null;
  const before = hops.slice(0, -1).filter((h) => h.avgMs !== null);
  if (before.length < 2) return null;
  const clean = before.every((h) => (h.lossPct ?? 0) < t.warnLossPct || h.lossNotCarried);
  const slowest = Math.max(...before.map((h) => h.avgMs!));
  if (!clean || slowest > final.avgMs * FAST_SHARE || final.avgMs - slowest < MIN_RISE_MS) {
    return null;
  }
  return { hop: final.hop, finalMs: final.avgMs, beforeMs: slowest };
}
