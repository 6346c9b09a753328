// The target dashboard in Chromium: success rate and RTT histogram agree with the API for the
// range the page asked for, and the recent raw results page back in time. The target is paused
// first so the numbers hold still while both sides are read.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { InsightsReply, LogsReply } from "../../api/wire.ts";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";
import { addByApi, LAB } from "./lab.ts";

// deno-lint-ignore no-explicit-any
declare const document: any;

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

async function apiGet<T>(page: Page, url: string): Promise<T> {
  const res = await page.request.get(url);
  assert.equal(res.status(), 200, url);
  return await res.json() as T;
}

/** The sequence numbers of the rounds the recent-results table shows, top to bottom. */
function seqsShown(page: Page): Promise<number[]> {
  return page.locator("[data-testid=result-row]").evaluateAll((rows) =>
    // deno-lint-ignore no-explicit-any
    rows.map((row: any) => Number(row.dataset.seq))
  );
}

Deno.test({
  name: "ui dashboard - success rate, RTT histogram and paged recent results follow the range",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startServer({ network: LAB, alerts: true });
    const browser = await launch();
    const w = await newPage(browser);
    const { page } = w;
    try {
      await page.goto(`${server.url}/`);
      const id = await addByApi(page, server.url, "198.51.100.30");
      // 25 rounds or more, then hold still.
      for (let i = 0; i < 100; i++) {
        const logs = await apiGet<LogsReply>(page, `${server.url}/api/targets/${id}/logs?limit=30`);
        if (logs.rounds.length >= 25) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const paused = await page.request.post(`${server.url}/api/targets/${id}/pause`);
      assert.equal(paused.status(), 200);
      // Probes sent before the pause still finish (up to their 3 s timeout): wait for none in
      // flight, so the stored rounds hold still while the page and the API are both read.
      for (let i = 0; i < 200 && server.prober.inFlight() > 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(server.prober.inFlight(), 0);
      // And written: the last rounds are recorded just after their probes end and reach the
      // database at the next flush (every second); until then a page could see one appear between
      // two reads. Wait until two reads a flush interval apart hold the same newest round.
      let newestSeq = -1;
      for (let i = 0; i < 20; i++) {
        await server.store.flush();
        const last = await apiGet<LogsReply>(page, `${server.url}/api/targets/${id}/logs?limit=1`);
        const seq = last.rounds.at(-1)?.seq ?? -1;
        if (seq === newestSeq) break;
        newestSeq = seq;
        await new Promise((r) => setTimeout(r, 1_500));
      }
      // The 1 h preset: the page asks for insights of that range; read the same range from the API.
      const asked = page.waitForResponse((r) => r.url().includes(`/api/targets/${id}/insights`));
      await page.goto(`${server.url}/#/trace/${id}`);
      await page.click(".timeline .chip:text-is('1 h')");
      let insightsUrl = (await asked).url();
      // The 1 h preset's request may come after the page's first (10 min) one.
      for (let i = 0; i < 20 && !/start=/.test(insightsUrl); i++) {
        insightsUrl = (await page.waitForResponse((r) => r.url().includes("/insights"))).url();
      }
      await page.waitForSelector("[data-testid=histogram-chart] .apexcharts-bar-area");
      const api = await apiGet<InsightsReply>(page, insightsUrl);
      assert.ok(api.received > 10, `only ${api.received} replies`);
      const apiTotal = api.histogram.reduce((n, b) => n + b.count, 0);
      assert.equal(apiTotal, api.received, "the histogram counts every reply");
      await page.waitForSelector(`[data-testid=histogram-total]:has-text('${apiTotal} replies')`);
      // One bar per non-empty bucket, and the destination's RTTs (120–170 ms) are where they are.
      const bars = await page.locator("[data-testid=histogram-chart] .apexcharts-bar-area").count();
      assert.equal(bars, api.histogram.length);
      for (const b of api.histogram) assert.ok(b.lowerMs >= 100 && (b.upperMs ?? 0) <= 200);
      // Success rate: the share of answered probes to the final hop, as the API counts it.
      // The page sets it a moment after the timeline's data (the dashboard's requests wait for
      // the timeline's), so wait for the figure rather than read it once.
      const success = 100 - api.lossPct!;
      const want = `${success.toFixed(1)} % of ${api.sent} probes`;
      const overall = page.locator("[data-testid=success-overall]");
      await overall.filter({ hasText: want }).waitFor({ timeout: 15_000 }).catch(() => {});
      assert.equal(await overall.innerText(), want);
      await page.waitForSelector("[data-testid=success-chart] path.success-fill");

      // Recent results: 10 rounds a page, newest first, final hop by default.
      const rows = page.locator("[data-testid=result-row]");
      await page.waitForFunction(() =>
        document.querySelectorAll("[data-testid=result-row]").length === 10
      );
      const firstPage = await rows.allInnerTexts();
      const firstSeqs = await seqsShown(page);
      const newest = await apiGet<LogsReply>(page, `${server.url}/api/targets/${id}/logs?limit=1`);
      const newestHop = newest.rounds[0].hops.at(-1)!;
      assert.match(firstPage[0], new RegExp(`\\b${newestHop.ttl}\\b`));
      assert.match(
        firstPage[0],
        newestHop.rttMs === null ? /ERR\s+lost \(timeout\)/ : /reply/,
      );
      await page.click("button:has-text('older ▶')");
      await page.waitForSelector("[data-testid=results-page]:has-text('page 2')");
      await page.waitForFunction(
        (before: number) =>
          Number(document.querySelector("[data-testid=result-row]")?.dataset.seq) !== before,
        firstSeqs[0],
      );
      // The two pages are the 20 newest rounds, newest first, none on both (two lost rounds in one
      // second read alike, so rounds are told apart by their sequence number, not their text).
      const secondSeqs = await seqsShown(page);
      const newest20 = await apiGet<LogsReply>(
        page,
        `${server.url}/api/targets/${id}/logs?limit=20`,
      );
      const expected = newest20.rounds.map((r) => r.seq).reverse();
      assert.deepEqual([...firstSeqs, ...secondSeqs], expected);
      await page.click("button:has-text('◀ newer')");
      await page.waitForSelector("[data-testid=results-page]:has-text('page 1')");
      await page.waitForFunction(
        (first: number) =>
          Number(document.querySelector("[data-testid=result-row]")?.dataset.seq) === first,
        firstSeqs[0],
      );
      // Every hop: each of the page's 10 rounds with all its samples, as the API has them.
      const newest10 = await apiGet<LogsReply>(
        page,
        `${server.url}/api/targets/${id}/logs?limit=10`,
      );
      const samples = newest10.rounds.reduce((n, r) => n + r.hops.length, 0);
      await page.check(".dash-card input[type=checkbox]");
      await page.waitForFunction(
        (n: number) => document.querySelectorAll("[data-testid=result-row]").length === n,
        samples,
      );
      await page.locator(".dashboard").scrollIntoViewIfNeeded();
      await screenshot(page, "dashboard_1280");
      assert.deepEqual(w.errors, []);
    } catch (error) {
      await screenshot(page, "fail_dashboard");
      throw error;
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
