// The summary's rows cross the store's Worker as columns (store/worker/summary_wire.ts): what
// comes out is what went in, nulls, flags, strings and sparklines of any length included.
import assert from "node:assert/strict";
import { packSummaries, unpackSummaries } from "../../store/worker/summary_wire.ts";
import type { TargetSummary } from "../../store/mod.ts";
import { SparklineArena } from "../../store/sparkline.ts";

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

Deno.test("summary wire - sparklines laid out in one arena cross as that buffer, not a copy", () => {
  const arena = new SparklineArena(3, 4);
  const rows = [1, 2, 3].map((id) => {
    const avgUs = arena.take(4), lossPct = arena.take(4);
    avgUs.set([id, NaN, id * 10, 4]);
    lossPct.set([0, NaN, 1.5, 100]);
    return row(id, { sparkline: { start: 60_000 * id, stepMs: 60_000, avgUs, lossPct } });
  });
  const buffer = rows[0].sparkline.avgUs.buffer;
  const expected = plain(rows);
  // Views out of order (or not from one buffer) are copied.
  const swapped = [rows[1], rows[0]].map((r) => ({
    ...r,
    sparkline: { ...r.sparkline, avgUs: r.sparkline.avgUs.slice(), lossPct: r.sparkline.lossPct },
  }));
  const copied = packSummaries(swapped);
  assert.notEqual(copied.columns.values.buffer, buffer);
  assert.deepEqual(plain(unpackSummaries(copied.columns)), plain(swapped));
  const { columns, transfer } = packSummaries(rows);
  assert.equal(columns.values.buffer, buffer, "the arena's own buffer");
  assert.deepEqual(plain(unpackSummaries(structuredClone(columns, { transfer }))), expected);
});
