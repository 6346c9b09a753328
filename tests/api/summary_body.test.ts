import assert from "node:assert/strict";
import { ByteWriter, writeRow } from "../../api/routes/summary_body.ts";

const decode = (writer: ByteWriter) => new TextDecoder().decode(writer.take());

/** What JSON.stringify makes of the same row with its sparkline as arrays in ms. */
function expected(head: object, avgUs: number[], lossPct: number[]): string {
  const orNull = (values: number[], divisor: number) =>
    values.map((v) => Number.isNaN(v) ? null : v / divisor);
  return JSON.stringify({
    ...head,
    sparkline: {
      start: 1_700_000_040_000,
      stepMs: 60_000,
      avgMs: orNull(avgUs, 1000),
      lossPct: orNull(lossPct, 1),
    },
  });
}

function written(head: object, avgUs: number[], lossPct: number[]): string {
  const writer = new ByteWriter();
  writeRow(writer, {
    head,
    sparkline: {
      start: 1_700_000_040_000,
      stepMs: 60_000,
      avgUs: Float64Array.from(avgUs),
      lossPct: Float64Array.from(lossPct),
    },
  });
  return decode(writer);
}

Deno.test("summary body - a row's sparkline written digit by digit is what JSON.stringify writes", () => {
  const head = { id: 7, host: "ünïcode.example", label: 'a "quoted" ☃', avgMs: 0.055 };
  // Whole µs from 0 up (the quick way), then what the store never keeps (the slow way).
  const avgUs = [NaN, 0, 1, 9, 10, 999, 1000, 1001, 4120, 55_555, 123_456_789, 1.5, 2e15, NaN];
  const lossPct = [NaN, 0, 0.01, 0.1, 1.67, 33.33, 99.99, 100, 12.345, NaN, 0, 0, 0, 0];
  assert.equal(written(head, avgUs, lossPct), expected(head, avgUs, lossPct));
  assert.deepEqual(JSON.parse(written(head, avgUs, lossPct)).sparkline.avgMs.slice(0, 4), [
    null,
    0,
    0.001,
    0.009,
  ]);
});

Deno.test("summary body - every whole µs up to 100 s and every 2-decimal loss match JSON", () => {
  const avgUs = Array.from({ length: 100_000 }, (_, i) => i * 1000 + (i % 1000));
  const lossPct = Array.from({ length: 100_000 }, (_, i) => (i % 10_001) / 100);
  assert.equal(written({ id: 1 }, avgUs, lossPct), expected({ id: 1 }, avgUs, lossPct));
});

Deno.test("summary body - a row without figures is its head alone; the buffer grows", () => {
  const writer = new ByteWriter();
  writeRow(writer, { head: { id: 1, lastAt: null }, sparkline: null });
  assert.equal(decode(writer), `{"id":1,"lastAt":null}`);
  const big = "x".repeat(200_000);
  writeRow(writer, { head: { label: big }, sparkline: null });
  assert.equal(decode(writer), JSON.stringify({ label: big }));
});
