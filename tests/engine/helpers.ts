// Builders for rounds in tests: a compact notation, one string per round.
import type { HopSample, Round } from "../../engine/types.ts";
import { flushMicrotasks, type ManualClock } from "../../engine/clock.ts";

/**
 * "10.0.0.1:1.5 * 10.0.0.3:7" => hop 1 answered in 1.5 ms, hop 2 timed out, hop 3 is the
 * destination (last hop, reached) at 7 ms. "E" marks a prober error. A trailing "?" on the whole
 * string means the destination was not reached.
 */
export function round(
  text: string,
  options: { seq?: number; at?: number; targetId?: number } = {},
): Round {
  const reached = !text.trimEnd().endsWith("?");
  const tokens = text.replace(/\?\s*$/, "").trim().split(/\s+/);
  const hops: HopSample[] = tokens.map((token, i) => {
    const ttl = i + 1;
    if (token === "*") return { ttl, kind: "timeout", ip: null, rttUs: null, approximate: false };
    if (token === "E") {
      return { ttl, kind: "error", ip: null, rttUs: null, approximate: false, code: "x" };
    }
    const [ip, ms] = token.split(":");
    const last = i === tokens.length - 1 && reached;
    return {
      ttl,
      kind: last ? "reply" : "ttlExceeded",
      ip,
      rttUs: ms === undefined ? null : Math.round(Number(ms) * 1000),
      approximate: false,
    };
  });
  return {
    targetId: options.targetId ?? 1,
    seq: options.seq ?? 0,
    startedAt: options.at ?? 0,
    address: hops[hops.length - 1]?.ip ?? "10.0.0.9",
    hops,
    destinationReached: reached,
  };
}

export function rounds(lines: string[], intervalMs = 1000): Round[] {
  return lines.map((line, seq) => round(line, { seq, at: seq * intervalMs }));
}

/**
 * Advances a ManualClock in steps until `promise` settles, then returns its value (without moving
 * the clock at all if it settles on its own). Fails after
 * `maxMs` of simulated time, so a hang shows up as a test failure, not a stuck run.
 */
export async function driveUntil<T>(
  clock: ManualClock,
  promise: Promise<T>,
  options: { stepMs?: number; maxMs?: number } = {},
): Promise<T> {
  const stepMs = options.stepMs ?? 100;
  const maxMs = options.maxMs ?? 600_000;
  let settled = false;
  const watched = promise.finally(() => settled = true);
  // Handled here too: a promise that rejects at once must not count as unhandled while the
  // first turn passes (it is awaited below).
  watched.catch(() => {});
  await flushMicrotasks();
  for (let elapsed = 0; !settled; elapsed += stepMs) {
    if (elapsed > maxMs) throw new Error(`still pending after ${maxMs} ms of simulated time`);
    await clock.advance(stepMs);
  }
  return await watched;
}
