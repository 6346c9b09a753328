// The UI's pure parts: formatting, normalising server JSON, host checks, and the summary's
// per-row signals (a live update touches only the rows that changed).
import assert from "node:assert/strict";
import { effect } from "@preact/signals";
import {
  dayRange,
  formatCurrent,
  formatMs,
  formatName,
  formatPct,
  formatRange,
  niceCeil,
} from "../../ui/model/format.ts";
import { hopNotes } from "../../ui/model/hop_notes.ts";
import type { Hop } from "../../ui/model/types.ts";
import {
  agentColumn,
  anyRowOf,
  applySummary,
  rowIds,
  rowSignals,
  sortedIds,
} from "../../ui/model/summary.ts";
import { toHop, toSummaryRow, toTimelinePoint } from "../../ui/model/types.ts";
import { hostProblem } from "../../ui/model/host.ts";
import { MIN_ZOOM_MS, zoomWindow } from "../../ui/model/zoom.ts";

Deno.test("ui format - lost samples are ERR, missing names are dashes, precision fits", () => {
  assert.equal(formatCurrent(null, 10), "ERR");
  assert.equal(formatCurrent(12.345, 10), "12.3");
  assert.equal(formatCurrent(null, 0), "-");
  assert.equal(formatName(null), "----------");
  assert.equal(formatMs(0.1234), "0.123");
  assert.equal(formatMs(4.5), "4.50");
  assert.equal(formatMs(250.4), "250");
  assert.equal(formatPct(0), "0");
  assert.equal(formatPct(33.333), "33.3");
  assert.deepEqual([niceCeil(0), niceCeil(7), niceCeil(23), niceCeil(101)], [1, 10, 50, 200]);
});

Deno.test("ui types - hops, timeline points and summary rows from the API's JSON", () => {
  const hop = toHop({
    hop: 3,
    ip: "10.0.0.2",
    ips: ["10.0.0.1", "10.0.0.2"],
    dns: null,
    mos: null,
    sent: 10,
    received: 9,
    errors: 0,
    lossPct: 10,
    avgMs: 5,
    minMs: 4,
    maxMs: 7,
    curMs: null,
    stdevMs: 1,
    jitterMs: 0.5,
    p50Ms: 5,
    p95Ms: 7,
    p99Ms: 7,
    approximate: false,
    lossNotCarried: true,
  });
  assert.equal(hop.curMs, null);
  assert.deepEqual(hop.ips, ["10.0.0.1", "10.0.0.2"]);
  assert.equal(hop.lossNotCarried, true);
  const point = { t: 1, routeId: 0, sent: 0, lost: 0, minMs: 4, maxMs: 6 };
  const raw = toTimelinePoint({ ...point, avgMs: 5, lossPct: null });
  assert.deepEqual([raw.lowMs, raw.highMs, raw.lossPct], [null, null, 0]);
  const rolled = toTimelinePoint({ ...point, avgMs: 5, p5Ms: 3, p95Ms: 9, lossPct: 2 });
  assert.deepEqual([rolled.lowMs, rolled.highMs, rolled.lossPct], [3, 9, 2]);
  const wire = {
    id: 4,
    agent: null,
    host: "h",
    label: null,
    paused: false,
    replay: false,
    address: null,
    lastAt: null,
    avgMs: 5,
    curMs: null,
    sent: 10,
    sparkline: { start: 0, stepMs: 60_000, avgMs: [4, null, 6], lossPct: [0, null, 20] },
  };
  const row = toSummaryRow(wire);
  assert.deepEqual(row.spark, [4, null, 6]);
  assert.deepEqual(row.sparkLoss, [false, false, true]);
  const { sparkline: _sparkline, ...withoutFigures } = wire;
  const fresh = toSummaryRow(withoutFigures);
  assert.deepEqual([fresh.spark, fresh.sparkLoss], [[], []], "no rounds yet: no sparkline");
});

Deno.test("ui target bar - hosts are IP literals or RFC 1123 names", () => {
  for (const ok of ["192.0.2.1", "2001:db8::1", "example.net", "a-b.example"]) {
    assert.equal(hostProblem(ok), null, ok);
  }
  for (const bad of ["", "-f", "a b", "a;b", "$(id)", "300.1.1.1", "exa_mple.net"]) {
    assert.notEqual(hostProblem(bad), null, bad);
  }
});

Deno.test("ui summary - a live update re-renders only the rows that changed", () => {
  const row = (id: number, avgMs: number) =>
    toSummaryRow({
      id,
      agent: null,
      host: `h${id}`,
      label: null,
      paused: false,
      replay: false,
      address: null,
      lastAt: null,
      avgMs,
      sent: 1,
    });
  applySummary([row(1, 5), row(2, 6), row(3, 7)]);
  assert.deepEqual(rowIds.value, ["1", "2", "3"]);
  const renders = new Map<number, number>();
  const stops = [1, 2, 3].map((id) =>
    effect(() => {
      rowSignals.get(String(id))!.value;
      renders.set(id, (renders.get(id) ?? 0) + 1);
    })
  );
  applySummary([row(2, 9)], false); // a pushed partial update
  applySummary([row(1, 5), row(2, 9), row(3, 7)]); // a full refetch, nothing new
  assert.deepEqual([renders.get(1), renders.get(2), renders.get(3)], [1, 2, 1]);
  applySummary([row(1, 5), row(3, 7)]); // target 2 was deleted
  assert.deepEqual(rowIds.value, ["1", "3"]);
  for (const stop of stops) stop();
});

Deno.test("ui summary - a row per target and agent; an agent's first rounds replace the empty row", () => {
  const row = (id: number, agent: string | null) =>
    toSummaryRow({
      id,
      agent,
      host: `h${id}`,
      label: null,
      paused: false,
      replay: false,
      address: null,
      lastAt: null,
      sent: agent ? 1 : 0,
    });
  applySummary([row(1, "east"), row(2, null)]);
  assert.equal(agentColumn.value, false, "one agent: no agent column");
  applySummary([row(2, "east"), row(2, "west")], false); // target 2's first rounds, pushed
  assert.deepEqual(sortedIds.value, ["1@east", "2@east", "2@west"]);
  assert.equal(agentColumn.value, true);
  assert.equal(anyRowOf(2)?.agent, "east");
  applySummary([row(1, "east")]);
  assert.deepEqual(rowIds.value, ["1@east"]);
  assert.equal(agentColumn.value, false);
});

Deno.test("ui format - a range that spans days names the end's date too", () => {
  const start = new Date(2026, 10, 21, 22, 2, 0).getTime();
  const end = new Date(2026, 10, 28, 22, 2, 0).getTime();
  // "Now" on the end's day: the end still carries its date.
  assert.equal(
    formatRange(start, end, end + 60_000),
    "2026-11-21 22:02:00 – 2026-11-28 22:02:00",
  );
  const sameDay = new Date(2026, 10, 21, 23, 0, 0).getTime();
  assert.equal(formatRange(start, sameDay, end), "2026-11-21 22:02:00 – 23:00:00");
  assert.deepEqual(dayRange("2026-11-21"), {
    start: new Date(2026, 10, 21).getTime(),
    end: new Date(2026, 10, 22).getTime(),
  });
  assert.equal(dayRange("21.11.2026"), null);
});

// The defaults of ui/model/settings.ts (which needs a DOM to import).
const DEFAULT_THRESHOLDS = { warnMs: 100, badMs: 200, warnLossPct: 1, badLossPct: 10 };

function hopOf(hop: number, avgMs: number | null, lossPct = 0, lossNotCarried = false): Hop {
  return toHop({
    hop,
    ip: `10.0.0.${hop}`,
    ips: [],
    dns: null,
    mos: null,
    sent: 10,
    received: 10,
    errors: 0,
    lossPct,
    avgMs,
    minMs: avgMs,
    maxMs: avgMs,
    curMs: avgMs,
    stdevMs: 0,
    jitterMs: 0,
    p50Ms: avgMs,
    p95Ms: avgMs,
    p99Ms: avgMs,
    approximate: false,
    lossNotCarried,
  });
}

Deno.test("ui hop notes - asymmetric return path and benign intermediate loss", () => {
  const clean = [hopOf(1, 1), hopOf(2, 3), hopOf(3, 4, 30, true), hopOf(4, 180)];
  const notes = hopNotes(clean, DEFAULT_THRESHOLDS);
  assert.deepEqual(notes.benignLoss, [3]);
  assert.deepEqual(notes.asymmetricReturn, { hop: 4, finalMs: 180, beforeMs: 4 });
  // Latency that builds up along the path, real loss before the end, or a fast end: no note.
  const rising = [hopOf(1, 1), hopOf(2, 90), hopOf(3, 120), hopOf(4, 130)];
  assert.equal(hopNotes(rising, DEFAULT_THRESHOLDS).asymmetricReturn, null);
  const lossy = [hopOf(1, 1), hopOf(2, 3, 20), hopOf(3, 4), hopOf(4, 180)];
  assert.equal(hopNotes(lossy, DEFAULT_THRESHOLDS).asymmetricReturn, null);
  const fast = [hopOf(1, 1), hopOf(2, 3), hopOf(3, 4), hopOf(4, 20)];
  assert.equal(hopNotes(fast, DEFAULT_THRESHOLDS).asymmetricReturn, null);
  // With a low warn threshold, a gentle rise (6 ms to 12 ms) is still not the pattern.
  const gentle = [hopOf(1, 1), hopOf(2, 6), hopOf(3, 12)];
  assert.equal(hopNotes(gentle, { warnMs: 5, warnLossPct: 1 }).asymmetricReturn, null);
});

Deno.test("ui timeline - a drag narrower than a minute opens a minute around its middle", () => {
  const mid = Date.UTC(2026, 10, 29, 3, 0);
  // A 1 s sliver, as a drag cut short by a redraw reports it.
  assert.deepEqual(zoomWindow(mid - 500, mid + 500), {
    start: mid - MIN_ZOOM_MS / 2,
    end: mid + MIN_ZOOM_MS / 2,
  });
  // Wide enough: taken as dragged.
  assert.deepEqual(zoomWindow(mid - 120_000, mid), { start: mid - 120_000, end: mid });
});
