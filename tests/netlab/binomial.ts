// Binomial confidence intervals for checking measured loss against the injected rate.

/** z for a two-sided interval: 1.96 for 95 %, 3.29 for 99.9 %. */
export const Z95 = 1.959964;
export const Z999 = 3.290527;
/** z for a check of the lab itself that must not fail by chance: 5 σ, once in ~1.7 million. */
export const Z5 = 5;

/** Wilson score interval for `successes` out of `n` trials, as fractions [low, high]. */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function formatInterval([low, high]: [number, number]): string {
  return `[${(low * 100).toFixed(1)} %, ${(high * 100).toFixed(1)} %]`;
}
