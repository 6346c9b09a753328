// Retention policy shared by every backend: how many days each tier is kept and the cutoff that
// follows. A raw row is kept while ts >= cutoff; a bucket while any part of it is
// (bucket + size > cutoff). Backends delete in bounded steps with these cutoffs.
import type { RetentionOptions } from "./history_types.ts";
import type { Tier } from "./rollup_math.ts";

export const DEFAULT_RETENTION_DAYS = { rawDays: 3, minuteDays: 30, hourDays: 5 * 365 };
const DAY_MS = 86_400_000;

export interface ResolvedRetention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

export type RetentionTier = "raw" | Tier;

export function resolveRetention(options: RetentionOptions = {}): ResolvedRetention {
  const days = { ...DEFAULT_RETENTION_DAYS };
  for (const key of Object.keys(days) as (keyof typeof days)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`retention ${key} must be a positive number of days, got ${value}`);
    }
    days[key] = value;
  }
  return {
    rawMs: days.rawDays * DAY_MS,
    minuteMs: days.minuteDays * DAY_MS,
    hourMs: days.hourDays * DAY_MS,
  };
}

/** Oldest time a tier still answers for: data at or after it is kept. */
export function cutoffOf(tier: RetentionTier, retention: ResolvedRetention, now: number): number {
  return now -
    (tier === "raw" ? retention.rawMs : tier === "1m" ? retention.minuteMs : retention.hourMs);
}
