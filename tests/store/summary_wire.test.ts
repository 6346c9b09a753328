// The summary's rows cross the store's Worker as columns (store/worker/summary_wire.ts): what
// comes out is what went in, nulls, flags, strings and sparklines of any length included.
import assert from "node:assert/strict";
import { packSummaries, unpackSummaries } from "../../store/worker/summary_wire.ts";
import type { TargetSummary } from "../../store/mod.ts";

function row(id: number, overrides: Partial<TargetSummary> = {}): TargetSummary {
  return {
    targetId: id,
    agent: "local",
    host: `127.0.0.${id}`,
    label: `t${id}`,
    paused: false,
    lastAt: 1_700_000_000_000 + id,
    sent: 10,
    lost: 1,
    lossPct: 10,
    avgUs: 120.5,
    minUs: 100,
    curUs: 130,
    jitterUs: 3.25,
    sparkline: {
      start: 1_700_000_000_000,
      stepMs: 60_000,
      avgUs: Float64Array.from([1, NaN, 3]),
      lossPct: Float64Array.from([0, NaN, 50]),
    },
    ...overrides,
  };
}

/** Plain values: typed arrays as arrays (NaN kept), so deepEqual compares contents. */
const plain = (rows: TargetSummary[]) =>
  rows.map((r) => ({
    ...r,
    sparkline: { ...r.sparkline, avgUs: [...r.sparkline.avgUs], lossPct: [...r.sparkline.lossPct] },
  }));

Deno.test("summary wire - rows come back as they went, through a structured clone", () => {
  const rows = [
    row(1),
    row(2, {
      agent: null,
      label: null,
      paused: true,
      lastAt: null,
      sent: 0,
      lost: 0,
      lossPct: null,
      avgUs: null,
      minUs: null,
      curUs: null,
      jitterUs: null,
      sparkline: {
        start: 5,
        stepMs: 60_000,
        avgUs: new Float64Array(0),
        lossPct: new Float64Array(0),
      },
    }),
    row(3, {
      sparkline: {
        start: 7,
        stepMs: 60_000,
        avgUs: Float64Array.from({ length: 60 }, (_, i) => i),
        lossPct: Float64Array.from({ length: 60 }, (_, i) => i % 7 ? NaN : 100),
      },
    }),
  ];
  const expected = plain(rows);
  const { columns, transfer } = packSummaries(rows);
  const crossed = structuredClone(columns, { transfer });
  assert.equal(columns.numbers.length, 0, "the columns were transferred, not copied");
  assert.deepEqual(plain(unpackSummaries(crossed)), expected);
  assert.deepEqual(unpackSummaries(packSummaries([]).columns), []);
});
