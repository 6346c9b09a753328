// History suite, part three: the all-targets summary and streaming export.
import assert from "node:assert/strict";
import type { Round } from "../../engine/types.ts";
import { CSV_HEADER } from "../../store/sqlite/mod.ts";
import { T0 } from "./builders.ts";
import { syntheticRounds } from "./history_builders.ts";
import { type HistoryTest, MINUTE, newTarget, storeRounds } from "./history_suite.ts";

/** A sparkline array as numbers and nulls (the store's NaN: no value). */
const values = (list: Float64Array) => Array.from(list, (v) => Number.isNaN(v) ? null : v);

export function registerSummaryTests(test: HistoryTest): void {
  const now = T0 + 90 * MINUTE;
  test("summary: every target's final hop, focus window and last-hour sparkline", async (store) => {
    const a = await newTarget(store);
    const b = await newTarget(store);
    const silent = await newTarget(store);
    // a: 90 minutes of rounds; b: only the last 10 minutes, its destination never answering.
    const rounds = syntheticRounds(a, { start: T0, count: 2160, lossRate: 0.1 });
    const dark = syntheticRounds(b, { start: now - 10 * MINUTE, count: 240, hops: 2 }).map((r) => ({
      ...r,
      destinationReached: false,
      hops: [r.hops[0], { ...r.hops[1], kind: "timeout" as const, ip: null, rttUs: null }],
    }));
    await storeRounds(store, [...rounds, ...dark]);
    const summary = await store.summary({ focusRounds: 10 });
    assert.deepEqual(summary.map((s) => s.targetId), [a, b, silent]);
    const [sa, sb, ss] = summary;
    const focus = rounds.slice(-10).map((r) => r.destinationReached ? r.hops[3].rttUs : null);
    const answered = focus.filter((v): v is number => v !== null);
    assert.equal(sa.sent, 10);
    assert.equal(sa.lost, 10 - answered.length);
    assert.equal(sa.avgUs, answered.reduce((x, y) => x + y, 0) / answered.length);
    assert.equal(sa.minUs, Math.min(...answered));
    assert.equal(sa.curUs, focus[9]);
    // Jitter as engine/stats.ts defines it: mean |difference| of consecutive answered RTTs.
    const diffs = answered.slice(1).map((v, i) => Math.abs(v - answered[i]));
    assert.ok(diffs.length > 1);
    assert.equal(sa.jitterUs, diffs.reduce((x, y) => x + y, 0) / diffs.length);
    assert.ok(sa.jitterUs! > 0);
    assert.equal(sa.lastAt, rounds.at(-1)!.startedAt);
    // A value per minute of the last hour; it ends at the current minute (nothing measured yet),
    // each earlier minute has data.
    assert.deepEqual([sa.sparkline.start, sa.sparkline.stepMs], [now - 59 * MINUTE, MINUTE]);
    assert.deepEqual([sa.sparkline.avgUs.length, sa.sparkline.lossPct.length], [60, 60]);
    const [aUs, aLoss] = [values(sa.sparkline.avgUs), values(sa.sparkline.lossPct)];
    assert.equal(aUs.at(-1), null);
    assert.ok(aUs.slice(0, -1).every((v) => v !== null));
    assert.ok(aLoss.slice(0, -1).every((v) => v !== null));
    // A minute's figures are its rounds' final hop: mean RTT in whole µs, loss to 2 decimals.
    const minute = now - 30 * MINUTE;
    const inMinute = rounds.filter((r) => r.startedAt >= minute && r.startedAt < minute + MINUTE);
    const rtts = inMinute.filter((r) => r.destinationReached).map((r) => r.hops[3].rttUs!);
    assert.equal(aUs[29], Math.round(rtts.reduce((x, y) => x + y) / rtts.length));
    const lossPct = 100 * (inMinute.length - rtts.length) / inMinute.length;
    assert.equal(aLoss[29], Math.round(lossPct * 100) / 100);
    assert.deepEqual([sb.sent, sb.lost, sb.lossPct, sb.avgUs, sb.curUs], [10, 10, 100, null, null]);
    assert.equal(sb.jitterUs, null, "nothing answered: no jitter");
    assert.deepEqual(values(sb.sparkline.lossPct).slice(-11, -1), Array(10).fill(100));
    const nothing = Array(10).fill(null);
    assert.deepEqual(values(sb.sparkline.avgUs).slice(-11, -1), nothing, "nothing answered");
    assert.equal(values(sb.sparkline.lossPct)[0], null);
    const never = values(ss.sparkline.lossPct);
    assert.ok(never.every((v) => v === null), "never measured: every minute null");
    const some = await store.summary({ focusRounds: 10, targetIds: [silent, b, 999_999] });
    assert.deepEqual(some.map((s) => s.targetId), [b, silent], "only those asked, unknown ignored");
    assert.deepEqual(some[0], sb, "the same row as in the whole summary");
    assert.deepEqual(await store.summary({ targetIds: [] }), []);
    assert.deepEqual([ss.sent, ss.lossPct, ss.lastAt, ss.curUs, ss.jitterUs], [
      0,
      null,
      null,
      null,
      null,
    ]);
  }, { now: now + 1 });

  test("summary: a flush updates it without reading back", async (store) => {
    const id = await newTarget(store);
    await storeRounds(store, syntheticRounds(id, { start: T0, count: 5 }));
    assert.equal((await store.summary())[0].sent, 5);
    const more = syntheticRounds(id, { start: T0 + 5 * 2500, count: 20, firstSeq: 5, seed: 3 });
    await storeRounds(store, more);
    const [after] = await store.summary({ focusRounds: 3, sparklineMinutes: 2 });
    assert.equal(after.sent, 3);
    assert.equal(after.curUs, more.at(-1)!.hops[3].rttUs);
    assert.equal(after.sparkline.avgUs.length, 2);
    assert.equal(after.sparkline.start + after.sparkline.stepMs, T0 + MINUTE);
    await assert.rejects(store.summary({ focusRounds: 0 }), RangeError);
  }, { now: T0 + MINUTE + 5 });
}

async function readChunks(
  stream: ReadableStream<Uint8Array>,
  after?: (n: number) => Promise<void>,
) {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    chunks.push(decoder.decode(chunk));
    await after?.(chunks.length);
  }
  return chunks;
}

export function registerExportTests(test: HistoryTest): void {
  test("export: a range streams page by page, read as it is consumed", async (store) => {
    const id = await newTarget(store);
    const first = syntheticRounds(id, { start: T0, count: 1000, lossRate: 0.1, errorRate: 0.02 });
    await storeRounds(store, first);
    const later = syntheticRounds(id, { start: T0 + 1000 * 2500, count: 50, firstSeq: 1000 });
    const range = { start: T0, end: T0 + 2000 * 2500 };
    const stream = store.exportRounds(id, { ...range, format: "jsonl", pageRounds: 100 });
    // Rounds stored after the first page was read still come out: pages are read one by one,
    // never loaded at once.
    const chunks = await readChunks(stream, async (n) => {
      if (n === 1) await storeRounds(store, later);
    });
    assert.equal(chunks.length, 11);
    const lines = chunks.join("").trimEnd().split("\n");
    const parsed = lines.map((line) => JSON.parse(line) as Round);
    assert.deepEqual(parsed, await store.rounds(id, range));
    assert.equal(parsed.length, 1050);
  });

  test("export: CSV has one line per hop with the documented columns", async (store) => {
    const id = await newTarget(store);
    const rounds = syntheticRounds(id, { start: T0, count: 30, lossRate: 0.2, errorRate: 0.1 });
    rounds[0].hops[0] = {
      ...rounds[0].hops[0],
      kind: "error",
      rttUs: null,
      ip: null,
      code: 'a,"b"',
    };
    await storeRounds(store, rounds);
    const stream = store.exportRounds(id, {
      start: T0 + 2500,
      end: T0 + 30 * 2500,
      format: "csv",
      pageRounds: 7,
    });
    const chunks = await readChunks(stream);
    assert.equal(chunks[0], CSV_HEADER);
    assert.equal(chunks.length, 1 + 5); // header, then ceil(29 / 7) pages
    const lines = chunks.slice(1).join("").trimEnd().split("\n");
    assert.equal(lines.length, 29 * 4);
    const [target, ts, time, seq, ttl, kind, ip, rtt, approximate, , reached] = lines[0].split(",");
    const hop = rounds[1].hops[0];
    assert.deepEqual(
      [target, ts, time, seq, ttl, kind, ip, rtt, approximate, reached],
      [
        String(id),
        String(T0 + 2500),
        new Date(T0 + 2500).toISOString(),
        "1",
        "1",
        hop.kind,
        hop.ip ?? "",
        String(hop.rttUs ?? ""),
        "0",
        "1",
      ].slice(0, 9).concat(rounds[1].destinationReached ? "1" : "0"),
    );
    const all = await readChunks(store.exportRounds(id, { start: T0, end: T0 + 1, format: "csv" }));
    assert.ok(all[1].includes('"a,""b"""'), all[1]);
    assert.throws(
      () => store.exportRounds(id, { start: T0, end: T0, format: "xml" as "csv" }),
      RangeError,
    );
  });
}
