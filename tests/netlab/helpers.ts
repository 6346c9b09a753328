// Small helpers shared by the network-lab tests.
import { labSkipReason } from "./lab.ts";

/** The reason the lab tests are skipped here, printed once per test file (null: they run). */
export async function skipLabTests(file: string): Promise<string | null> {
  const reason = await labSkipReason();
  if (reason) console.log(`${file}: network-lab tests skipped: ${reason}`);
  return reason;
}

export interface PingSummary {
  transmitted: number;
  received: number;
  minMs: number | null;
  avgMs: number | null;
  maxMs: number | null;
  /** Addresses of "From X ..." lines (ICMP errors such as time exceeded). */
  errorsFrom: string[];
}

/** Reads iputils ping's output (run with -n). */
export function parsePing(stdout: string): PingSummary {
  const counts = stdout.match(/(\d+) packets transmitted, (\d+) received/);
  const rtt = stdout.match(/= ([\d.]+)\/([\d.]+)\/([\d.]+)\/[\d.]+ ms/);
  const errorsFrom = [...stdout.matchAll(/^From ([0-9a-f.:]+)[: ]/gm)].map((m) => m[1]);
  return {
    transmitted: counts ? Number(counts[1]) : 0,
    received: counts ? Number(counts[2]) : 0,
    minMs: rtt ? Number(rtt[1]) : null,
    avgMs: rtt ? Number(rtt[2]) : null,
    maxMs: rtt ? Number(rtt[3]) : null,
    errorsFrom,
  };
}
