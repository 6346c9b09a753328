// A fixed latency histogram for rollups: 64 buckets, log-spaced between 50 µs and 10 s (each
// bucket ~22% wider than the one before), plus one bucket below and one above. Fixed bounds make
// histograms of any two buckets mergeable by adding counts, which is what rollups need; a
// percentile read from one is exact to within its bucket, and clamped to the known min/max.

export const HISTOGRAM_BUCKETS = 64;
const LOW_US = 50;
const HIGH_US = 10_000_000;
/** Log-spaced buckets 1..62 cover [LOW_US, HIGH_US); 0 is below, 63 at or above. */
const SPACED = HISTOGRAM_BUCKETS - 2;
const LOG_LOW = Math.log(LOW_US);
const LOG_STEP = (Math.log(HIGH_US) - LOG_LOW) / SPACED;

/** Lower bounds of each bucket, in µs (bucket i holds [BOUNDS[i], BOUNDS[i + 1])). */
export const BUCKET_LOWER_US: readonly number[] = Array.from(
  { length: HISTOGRAM_BUCKETS + 1 },
  (_, i) => {
    if (i === 0) return 0;
    if (i === HISTOGRAM_BUCKETS) return Infinity;
    // The ends exactly, not as exp(log(...)) rounded.
    if (i === 1) return LOW_US;
    if (i === HISTOGRAM_BUCKETS - 1) return HIGH_US;
    return Math.exp(LOG_LOW + (i - 1) * LOG_STEP);
  },
);

export function bucketOf(rttUs: number): number {
  if (rttUs < LOW_US) return 0;
  if (rttUs >= HIGH_US) return HISTOGRAM_BUCKETS - 1;
  let index = 1 + Math.floor((Math.log(rttUs) - LOG_LOW) / LOG_STEP);
  // Floating point can put a value sitting on a bound one bucket off: settle it on the bounds.
  if (rttUs < BUCKET_LOWER_US[index]) index--;
  else if (rttUs >= BUCKET_LOWER_US[index + 1]) index++;
  return Math.min(HISTOGRAM_BUCKETS - 2, Math.max(1, index));
}

/**
 * The p-th percentile (0..100) of the counts, by rank within the bucket that holds it
 * (linear between the bucket's bounds), clamped to [minUs, maxUs]. null for an empty histogram.
 * `total` (the sum of the counts) saves a pass when the caller knows it.
 */
export function percentileUs(
  counts: ArrayLike<number>,
  p: number,
  bounds: { minUs: number; maxUs: number; total?: number },
): number | null {
  let total = bounds.total ?? 0;
  if (bounds.total === undefined) { for (let i = 0; i < counts.length; i++) total += counts[i]; }
  if (total === 0) return null;
  // Nearest rank (1-based), as the raw percentiles are computed.
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (count === 0 || seen + count < rank) {
      seen += count;
      continue;
    }
    const lower = Math.max(BUCKET_LOWER_US[i], bounds.minUs);
    const upper = Math.min(BUCKET_LOWER_US[i + 1], bounds.maxUs);
    const within = count === 1 ? 0.5 : (rank - seen - 1) / (count - 1);
    return clamp(lower + (upper - lower) * within, bounds.minUs, bounds.maxUs);
  }
  return bounds.maxUs;
}

/** Exact nearest-rank percentile of sorted values (for raw rounds). */
export function exactPercentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
