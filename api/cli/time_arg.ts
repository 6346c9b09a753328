// Times on the command line: epoch milliseconds, an ISO 8601 date-time, or an age before now
// ("90s", "15m", "2h", "7d").
import { UsageError } from "./command.ts";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseTimeArg(flag: string, text: string, now: number): number {
  const age = /^(\d{1,9}(?:\.\d+)?)([smhd])$/.exec(text);
  if (age) return Math.round(now - Number(age[1]) * UNIT_MS[age[2]]);
  if (/^\d{10,16}$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw new UsageError(
    `${flag}: "${text}" is not a time (epoch ms, ISO 8601 like 2026-01-31T12:00:00Z, or an age ` +
      `like 15m, 2h, 7d)`,
  );
}

/** --since/--until as a range [start, end); refuses an empty one. */
export function timeRange(
  values: { since?: string; until?: string },
  now: number,
): { start?: number; end?: number } {
  const start = values.since === undefined ? undefined : parseTimeArg("--since", values.since, now);
  const end = values.until === undefined ? undefined : parseTimeArg("--until", values.until, now);
  if (start !== undefined && end !== undefined && start >= end) {
    throw new UsageError("--since must be before --until");
  }
  return { start, end };
}

export function isoTime(ms: number | null): string {
  return ms === null ? "-" : new Date(ms).toISOString().replace(".000Z", "Z");
}

/** A positive whole number flag (or its default). */
export function countArg(
  flag: string,
  text: string | undefined,
  limits: { max: number; fallback: number },
): number {
  if (text === undefined) return limits.fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > limits.max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${limits.max}`);
  }
  return n;
}

/** An id argument. */
export function idArg(what: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError(`${what} is missing`);
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${what} must be a positive whole number, not "${text}"`);
  }
  return Number(text);
}
