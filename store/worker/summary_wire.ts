// The summary's rows across the Worker's boundary as columns: a row's numbers in one Float64Array,
// every sparkline value in another (both transferred, not copied) and the strings in arrays.
// Structured cloning 5,000 row objects with 10,000 typed-array views took the Worker 13-20 ms a
// summary, on the thread that also writes the rounds; with the columns its cloning of a heavy
// reply went from 10.9 to 4.9 ms (medians, 5,000 seeded targets).
import type { TargetSummary } from "../history_types.ts";

export interface SummaryColumns {
  /** STRIDE numbers per row (see pack); NaN stands for null. */
  numbers: Float64Array;
  /** Each row's sparkline averages, then its losses, row after row. */
  values: Float64Array;
  hosts: string[];
  labels: (string | null)[];
  agents: (string | null)[];
}

const STRIDE = 14;
const orNaN = (value: number | null) => value ?? NaN;
const orNull = (value: number) => value !== value ? null : value; // NaN is unequal to itself

export function packSummaries(
  rows: readonly TargetSummary[],
): { columns: SummaryColumns; transfer: ArrayBuffer[] } {
  const numbers = new Float64Array(rows.length * STRIDE);
  const shared = sharedValues(rows);
  const values: Float64Array<ArrayBuffer> = shared ?? new Float64Array(valueCount(rows));
  let at = 0;
  for (const [i, row] of rows.entries()) {
    const { sparkline } = row;
    // Slot by slot: an array of the 14 per row, made only to be copied, was most of the packing.
    const o = i * STRIDE;
    numbers[o] = row.targetId;
    numbers[o + 1] = row.paused ? 1 : 0;
    numbers[o + 2] = orNaN(row.lastAt);
    numbers[o + 3] = row.sent;
    numbers[o + 4] = row.lost;
    numbers[o + 5] = orNaN(row.lossPct);
    numbers[o + 6] = orNaN(row.avgUs);
    numbers[o + 7] = orNaN(row.minUs);
    numbers[o + 8] = orNaN(row.curUs);
    numbers[o + 9] = orNaN(row.jitterUs);
    numbers[o + 10] = sparkline.start;
    numbers[o + 11] = sparkline.stepMs;
    numbers[o + 12] = sparkline.avgUs.length;
    numbers[o + 13] = sparkline.lossPct.length;
    if (shared) continue;
    values.set(sparkline.avgUs, at);
    at += sparkline.avgUs.length;
    values.set(sparkline.lossPct, at);
    at += sparkline.lossPct.length;
  }
  return {
    columns: {
      numbers,
      values,
      hosts: rows.map((row) => row.host),
      labels: rows.map((row) => row.label),
      agents: rows.map((row) => row.agent),
    },
    transfer: [numbers.buffer, values.buffer],
  };
}

function valueCount(rows: readonly TargetSummary[]): number {
  let total = 0;
  for (const row of rows) total += row.sparkline.avgUs.length + row.sparkline.lossPct.length;
  return total;
}

/**
 * The rows' sparkline values as they already lie, when every row's two arrays are views into one
 * buffer, in row order from its start (a SparklineArena's): that buffer crosses as it is. A copy
 * of 5,000 rows' values touched 4.8 MB of new pages a summary (2-14 ms of page faults).
 */
function sharedValues(rows: readonly TargetSummary[]): Float64Array<ArrayBuffer> | null {
  const buffer = rows[0]?.sparkline.avgUs.buffer;
  if (!(buffer instanceof ArrayBuffer)) return null;
  let at = 0;
  for (const { sparkline } of rows) {
    for (const view of [sparkline.avgUs, sparkline.lossPct]) {
      if (view.buffer !== buffer || view.byteOffset !== at * 8) return null;
      at += view.length;
    }
  }
  return new Float64Array(buffer, 0, at);
}

export function unpackSummaries(columns: SummaryColumns): TargetSummary[] {
  const { numbers: n, values, hosts, labels, agents } = columns;
  const rows: TargetSummary[] = new Array(hosts.length);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const o = i * STRIDE;
    const avgAt = at, lossAt = at + n[o + 12];
    at = lossAt + n[o + 13];
    rows[i] = {
      targetId: n[o],
      agent: agents[i],
      host: hosts[i],
      label: labels[i],
      paused: n[o + 1] === 1,
      lastAt: orNull(n[o + 2]),
      sent: n[o + 3],
      lost: n[o + 4],
      lossPct: orNull(n[o + 5]),
      avgUs: orNull(n[o + 6]),
      minUs: orNull(n[o + 7]),
      curUs: orNull(n[o + 8]),
      jitterUs: orNull(n[o + 9]),
      sparkline: {
        start: n[o + 10],
        stepMs: n[o + 11],
        avgUs: values.subarray(avgAt, lossAt),
        lossPct: values.subarray(lossAt, at),
      },
    };
  }
  return rows;
}
