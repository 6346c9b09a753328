import assert from "node:assert/strict";
import { inMs } from "../../api/history.ts";

Deno.test("api history - µs fields become ms fields, recursively", () => {
  assert.deepEqual(inMs({ avgUs: 1500, minUs: null, series: [{ p95Us: 20 }], hop: 3 }), {
    avgMs: 1.5,
    minMs: null,
    series: [{ p95Ms: 0.02 }],
    hop: 3,
  });
});
