import assert from "node:assert/strict";
import {
  createMinuteFinals,
  setMinuteFinal,
  SparklineArena,
  sparklineOf,
} from "../../store/sparkline.ts";

const MIN = 60_000;

/** A sparkline array as numbers and nulls (the store's NaN: no value). */
const values = (list: Float64Array) => Array.from(list, (v) => Number.isNaN(v) ? null : v);
const T0 = Date.UTC(2026, 0, 1, 12);

Deno.test("sparkline - a minute per value, routes of one minute added, a route's minute replaced", () => {
  const finals = createMinuteFinals();
  setMinuteFinal(finals, { bucket: T0, routeId: 1 }, { sent: 10, lost: 5, sumUs: 5000 });
  setMinuteFinal(finals, { bucket: T0, routeId: 1 }, { sent: 20, lost: 0, sumUs: 30_000 });
  setMinuteFinal(finals, { bucket: T0 + MIN, routeId: 1 }, { sent: 2, lost: 0, sumUs: 2000 });
  setMinuteFinal(finals, { bucket: T0 + MIN, routeId: 2 }, { sent: 1, lost: 1, sumUs: 0 });
  setMinuteFinal(finals, { bucket: T0 + 2 * MIN, routeId: 1 }, { sent: 3, lost: 3, sumUs: 0 });
  const line = sparklineOf(finals, { sparklineMinutes: 4, now: T0 + 3 * MIN + 5 });
  assert.deepEqual({ ...line, avgUs: values(line.avgUs), lossPct: values(line.lossPct) }, {
    start: T0,
    stepMs: MIN,
    avgUs: [1500, 1000, null, null],
    lossPct: [0, 33.33, 100, null],
  });
});

Deno.test("sparkline - keeps the newest hour: an older minute never overwrites a newer one", () => {
  const finals = createMinuteFinals();
  const minute = (i: number, sumUs: number) =>
    setMinuteFinal(finals, { bucket: T0 + i * MIN, routeId: 1 }, { sent: 1, lost: 0, sumUs });
  for (let i = 0; i < 120; i++) minute(i, 1000 + i);
  minute(30, 1); // an hour and a half old: outside every sparkline
  const line = sparklineOf(finals, { sparklineMinutes: 60, now: T0 + 119 * MIN });
  assert.equal(line.start, T0 + 60 * MIN);
  assert.deepEqual(values(line.avgUs), Array.from({ length: 60 }, (_, i) => 1060 + i));
  const later = sparklineOf(finals, { sparklineMinutes: 60, now: T0 + 150 * MIN });
  const laterUs = values(later.avgUs);
  assert.deepEqual(laterUs.slice(0, 29), Array.from({ length: 29 }, (_, i) => 1091 + i));
  assert.ok(laterUs.slice(29).every((v) => v === null), "minutes not measured yet");
});

Deno.test("sparkline - one summary's sparklines share one buffer; past its room, new arrays", () => {
  const finals = createMinuteFinals();
  setMinuteFinal(finals, { bucket: T0, routeId: 1 }, { sent: 2, lost: 1, sumUs: 700 });
  const arena = new SparklineArena(2, 3);
  const lines = [0, 1, 2].map(() => sparklineOf(finals, { sparklineMinutes: 3, now: T0, arena }));
  assert.equal(lines[0].avgUs.buffer, lines[1].lossPct.buffer);
  assert.notEqual(lines[2].avgUs.buffer, lines[0].avgUs.buffer);
  for (const line of lines) {
    assert.deepEqual(values(line.avgUs), [null, null, 700]);
    assert.deepEqual(values(line.lossPct), [null, null, 50]);
  }
});

Deno.test("sparkline - a second route's minute is replaced with it, and gone when its slot turns", () => {
  const finals = createMinuteFinals();
  const set = (bucket: number, routeId: number, sent: number, lost: number, sumUs: number) =>
    setMinuteFinal(finals, { bucket, routeId }, { sent, lost, sumUs });
  set(T0, 1, 4, 0, 4000);
  set(T0, 2, 2, 0, 8000);
  set(T0, 3, 2, 2, 0);
  set(T0, 2, 4, 0, 4000); // route 2's minute again, now complete: replaced, not added
  let line = sparklineOf(finals, { sparklineMinutes: 1, now: T0 });
  assert.deepEqual([values(line.avgUs), values(line.lossPct)], [[1000], [20]]);
  // 61 minutes later the same slot holds a new minute: the old minute's other routes are gone.
  set(T0 + 61 * MIN, 5, 1, 0, 3000);
  line = sparklineOf(finals, { sparklineMinutes: 1, now: T0 + 61 * MIN });
  assert.deepEqual([values(line.avgUs), values(line.lossPct)], [[3000], [0]]);
});
