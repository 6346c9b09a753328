// Round and target builders shared by the store tests (and the kill -9 child).
import { setLogSink } from "../../engine/log.ts";
import { DEFAULT_OPTIONS } from "../../engine/options.ts";
import type { HopSample, Round, TargetOptions } from "../../engine/types.ts";

export const T0 = Date.UTC(2026, 0, 1);

export const OPTIONS: TargetOptions = { ...DEFAULT_OPTIONS };

function answered(ttl: number, ip: string, rttUs: number, last = false): HopSample {
  return { ttl, kind: last ? "reply" : "ttlExceeded", ip, rttUs, approximate: false };
}

function timeout(ttl: number): HopSample {
  return { ttl, kind: "timeout", ip: null, rttUs: null, approximate: false };
}

/** A plain reached round: 10.0.<ttl>.1 answering, the last hop being the destination. */
export function plainRound(targetId: number, seq: number, options: { hops?: number } = {}): Round {
  const count = options.hops ?? 4;
  const hops = Array.from(
    { length: count },
    (_, i) => answered(i + 1, `10.0.${i + 1}.1`, 1000 * (i + 1) + seq % 7, i === count - 1),
  );
  const address = `10.0.${count}.1`;
  return { targetId, seq, startedAt: T0 + seq * 2500, address, hops, destinationReached: true };
}

/** Every shape a round can take: the exactness test stores these and expects them back. */
export function varietyRounds(targetId: number): Round[] {
  const round = (seq: number, hops: HopSample[], destinationReached: boolean): Round => ({
    targetId,
    seq,
    startedAt: T0 + seq * 2500,
    address: "10.0.4.1",
    hops,
    destinationReached,
  });
  const approximate = (hop: HopSample): HopSample => ({ ...hop, approximate: true });
  const path = (second: string) => [
    answered(1, "10.0.1.1", 1500),
    answered(2, second, 2100),
    answered(3, "10.0.3.1", 3300),
    answered(4, "10.0.4.1", 4100, true),
  ];
  return [
    round(0, path("10.0.2.1"), true),
    // The ping prober: intermediate RTTs are approximate, the destination's is not.
    round(1, [approximate(answered(1, "10.0.1.1", 1500)), timeout(2), ...path("x").slice(2)], true),
    round(2, [
      answered(1, "10.0.1.1", 900),
      { ttl: 2, kind: "error", ip: null, rttUs: null, approximate: false, code: "aborted" },
      { ttl: 3, kind: "error", ip: null, rttUs: null, approximate: false, code: "weird-ünï" },
      { ttl: 4, kind: "unreachable", ip: "10.0.3.1", rttUs: 3200, approximate: false, code: "x" },
    ], false),
    round(3, [
      { ttl: 1, kind: "unreachable", ip: null, rttUs: null, approximate: true, code: "no-route" },
    ], false),
    // ECMP: another router answers at TTL 2 than in round 0.
    round(4, path("10.0.2.2"), true),
    round(5, [answered(1, "10.0.1.1", 0), timeout(2), timeout(3)], false),
    round(6, [], false),
    // Final-hop-only targets probe one TTL, not starting at 1; a long RTT; a fractional one.
    round(7, [answered(30, "10.0.4.1", 123_456_789, true)], true),
    round(8, [answered(1, "10.0.1.1", 1.5), approximate(answered(2, "10.0.4.1", 7, true))], true),
  ];
}

/** Captures log lines for the duration of `work`, then sends them back to stderr. */
export async function captureLog(work: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  try {
    await work();
  } finally {
    setLogSink((line) => Deno.stderr.writeSync(new TextEncoder().encode(line + "\n")));
  }
  return lines;
}
