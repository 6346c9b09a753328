// Browser benchmarks of the web UI (Chromium via playwright-core, a real server on 127.0.0.1):
//  - timeline: a 7-day timeline of a seeded target (rollups) from the "7 d" click to the chart
//    drawn with the new data;
//  - summary: 200 live targets (FakeProber network, 2.5 s interval) on the summary page, frame
//    gaps measured with requestAnimationFrame inside the page.
// Run: deno run -A tests/bench/ui_browser.ts [timeline] [summary]. Prints figures, asserts none.
import { join } from "node:path";
import { systemClock } from "../../engine/clock.ts";
import type { FakeNetwork } from "../../engine/probers/fake.ts";
import { seed } from "../../api/cli/seed.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { launch, newPage, screenshot, skipReason, startServer } from "../ui/harness.ts";

// deno-lint-ignore no-explicit-any
declare const document: any;
// deno-lint-ignore no-explicit-any
declare const performance: any;
declare function requestAnimationFrame(cb: (t: number) => void): number;

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : 0;
}

export async function runUiTimelineBench(options: { days?: number; intervalS?: number } = {}) {
  const days = options.days ?? 7;
  const intervalS = options.intervalS ?? 10;
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-ui-bench-" });
  const store = openSqliteStore(join(dir, "ui.db"));
  const seeded = await seed(store, {
    targets: 1,
    days,
    intervalMs: intervalS * 1000,
    hops: 10,
    seed: 1,
  }, {
    clock: systemClock,
    writeError: () => {},
    isTty: false,
  });
  await store.close();
  const server = await startServer({ dir, alerts: true });
  const browser = await launch();
  const lines = [
    `seeded ${seeded.rounds} rounds (${days} d every ${intervalS} s, 10 hops) in ${
      seeded.seconds.toFixed(1)
    } s`,
  ];
  try {
    const { page, errors } = await newPage(browser);
    const id = seeded.targetIds[0];
    await page.goto(`${server.url}/#/trace/${id}`);
    await page.locator("[data-testid=timeline-last] .apexcharts-line-series").first().waitFor();
    const samples: number[] = [];
    for (const preset of ["7 d", "24 h", "7 d", "6 h", "7 d"]) {
      await page.waitForTimeout(300);
      const before = await page.evaluate(() =>
        performance.getEntriesByName("pingwatcher:chart-drawn").length
      );
      const t0 = await page.evaluate(() => performance.now());
      await page.click(`.timeline .chip:text-is('${preset}')`);
      await page.waitForFunction(
        (n: number) => performance.getEntriesByName("pingwatcher:chart-drawn").length > n,
        before,
        { timeout: 30_000 },
      );
      const drawn = await page.evaluate(() =>
        performance.getEntriesByName("pingwatcher:chart-drawn").at(-1).startTime
      );
      if (preset === "7 d") samples.push(drawn - t0);
      lines.push(`  ${preset}: click to chart drawn ${(drawn - t0).toFixed(0)} ms`);
    }
    await page.click(".timeline .chip:text-is('7 d')");
    await page.waitForTimeout(1500);
    await screenshot(page, "timeline_7d");
    const points = await page.locator("[data-testid=timeline-last] .apexcharts-series").count();
    lines.push(
      `7-day timeline (rollups, band + latency + loss, ${points} series): ` +
        `median ${percentile([...samples].sort((a, b) => a - b), 0.5).toFixed(0)} ms, ` +
        `max ${Math.max(...samples).toFixed(0)} ms from click to drawn (goal < 1000 ms)`,
    );
    if (errors.length) lines.push(`console errors: ${errors.join("; ")}`);
  } finally {
    await browser.close();
    await server.close();
  }
  return lines.join("\n");
}

export async function runUiSummaryBench(options: { targets?: number; seconds?: number } = {}) {
  const count = options.targets ?? 200;
  const seconds = options.seconds ?? 15;
  const network: FakeNetwork = {};
  const hosts: string[] = [];
  for (let i = 0; i < count; i++) {
    const host = `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    hosts.push(host);
    network[host] = [
      { ip: `10.${i % 250}.0.1`, rttMs: 1 },
      { ip: `10.${i % 250}.1.1`, rttMs: 5, lossPct: i % 10 === 0 ? 5 : 0 },
      { rttMs: (p) => 10 + (i % 40) + (p.index % 5) },
    ];
  }
  const server = await startServer({ network, alerts: true });
  const browser = await launch();
  const lines: string[] = [];
  try {
    for (const host of hosts) {
      const res = await fetch(`${server.url}/api/targets`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ host, interval: 2.5 }),
      });
      await res.body?.cancel();
    }
    const { page, errors } = await newPage(browser);
    await page.goto(`${server.url}/#/summary`);
    await page.waitForFunction(
      (n: number) => document.querySelectorAll("[data-testid=summary-row]").length >= n,
      count,
      { timeout: 30_000 },
    );
    await page.waitForTimeout(3000); // every target has finished a round
    const rowTexts = () =>
      page.evaluate(() =>
        [...document.querySelectorAll("[data-testid=summary-row]")].map((
          r: { innerText: string },
        ) => r.innerText)
      ) as Promise<string[]>;
    const before = await rowTexts();
    const gaps = await page.evaluate((ms: number) =>
      new Promise<number[]>((resolve) => {
        const out: number[] = [];
        let last = performance.now();
        const end = last + ms;
        const tick = (t: number) => {
          out.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(tick);
          else resolve(out);
        };
        requestAnimationFrame(tick);
      }), seconds * 1000);
    const after = await rowTexts();
    const changed = after.filter((text, i) => text !== before[i]).length;
    const sorted = [...gaps].sort((a, b) => a - b);
    const long = gaps.filter((g) => g > 50).length;
    const dropped = gaps.reduce((n, g) => n + Math.max(0, Math.round(g / (1000 / 60)) - 1), 0);
    lines.push(
      `summary with ${count} live targets (2.5 s interval, ${
        (count / 2.5).toFixed(0)
      } rounds/s pushed), ` +
        `${seconds} s of requestAnimationFrame in headless Chromium:`,
      `  frames ${gaps.length}, frame gap p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ` +
        `${percentile(sorted, 0.95).toFixed(1)} ms, p99 ${
          percentile(sorted, 0.99).toFixed(1)
        } ms, ` +
        `max ${sorted.at(-1)!.toFixed(1)} ms; gaps > 50 ms: ${long}; ` +
        `dropped frames (vs 60 Hz): ${dropped} of ${gaps.length + dropped}; ` +
        `rows whose figures changed meanwhile: ${changed} of ${after.length}`,
    );
    await screenshot(page, "summary_200");
    // Sorting by a live column reorders the table as values change: measure that too.
    await page.click("th button:has-text('Avg ms')");
    const sortedGaps = await page.evaluate((ms: number) =>
      new Promise<number[]>((resolve) => {
        const out: number[] = [];
        let last = performance.now();
        const end = last + ms;
        const tick = (t: number) => {
          out.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(tick);
          else resolve(out);
        };
        requestAnimationFrame(tick);
      }), 5000);
    const s2 = [...sortedGaps].sort((a, b) => a - b);
    lines.push(
      `  sorted by avg (live reorder), 5 s: p95 ${percentile(s2, 0.95).toFixed(1)} ms, max ` +
        `${s2.at(-1)!.toFixed(1)} ms, gaps > 50 ms: ${sortedGaps.filter((g) => g > 50).length}`,
    );
    if (errors.length) lines.push(`console errors: ${errors.slice(0, 5).join("; ")}`);
  } finally {
    await browser.close();
    await server.close();
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const reason = skipReason();
  if (reason) {
    console.log(`ui bench: ${reason}`);
    Deno.exit(0);
  }
  const which = Deno.args.length ? Deno.args : ["timeline", "summary"];
  if (which.includes("timeline")) console.log(await runUiTimelineBench());
  if (which.includes("summary")) console.log(await runUiSummaryBench());
}
