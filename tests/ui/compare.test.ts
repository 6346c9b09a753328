// Several targets on one timeline in Chromium: tick three in the summary, open them overlaid,
// one line per target with a legend, and the range presets and zoom shared with the timeline.
import assert from "node:assert/strict";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";
import { addByApi, LAB } from "./lab.ts";

// deno-lint-ignore no-explicit-any
declare const document: any;

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

const HOSTS = ["198.51.100.30", "198.51.100.40", "198.51.100.50"];

Deno.test({
  name: "ui compare - three targets' final hops overlaid with a legend, same zoom and pan",
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
      const ids = [];
      for (const host of HOSTS) ids.push(await addByApi(page, server.url, host));
      // A round with a lost probe ends at its 3 s timeout: wait until each target has a few.
      for (const id of ids) {
        await page.waitForFunction(
          async (url: string) => (await (await fetch(url)).json()).rounds.length >= 3,
          `${server.url}/api/targets/${id}/logs?limit=3`,
          { timeout: 20_000, polling: 250 },
        );
      }
      await page.goto(`${server.url}/#/summary`);
      await page.waitForFunction(() =>
        document.querySelectorAll("[data-testid=summary-row]").length === 3
      );
      // Ticking does not open the target; the button appears with the count.
      for (const host of HOSTS) {
        await page.check(`input.compare-tick[aria-label='Compare ${host}']`);
      }
      assert.match(page.url(), /#\/summary$/);
      await page.click("[data-testid=compare-open]:has-text('Compare selected (3)')");
      await page.waitForURL(/#\/compare$/);
      // Every ticked target is in the legend at once, even one the target list has not reloaded.
      await page.waitForSelector("[data-testid=compare-target]");
      const legend = await page.locator("[data-testid=compare-target]").allInnerTexts();
      assert.deepEqual(legend.map((l) => l.replace(/\s*remove$/, "")), HOSTS);
      // One line per target, each with points.
      await page.waitForFunction(
        () =>
          document.querySelectorAll("[data-testid=compare-chart] .apexcharts-line-series path")
            .length >= 3,
        undefined,
        { timeout: 15_000 },
      );
      const names = await page.locator("[data-testid=compare-chart] .apexcharts-legend-text")
        .allInnerTexts();
      assert.deepEqual(names, HOSTS);
      await screenshot(page, "compare_three");
      // The same range controls as the timeline: 1 h, then zoom in halves it.
      await page.click(".compare .chip:text-is('1 h')");
      await page.waitForSelector(".compare .chip.active:text-is('1 h')");
      await page.click(".compare [aria-label='Zoom in']");
      await page.waitForFunction(() =>
        !document.querySelector(".compare .chip.active") &&
        /–\s*\d/.test(document.querySelector("[data-testid=compare-range]").textContent)
      );
      // The single-target timeline shows the same range.
      const range = await page.locator("[data-testid=compare-range]").innerText();
      await page.click("nav button:has-text('Trace graph')");
      await page.waitForSelector("[data-testid=timeline-range]");
      assert.equal(await page.locator("[data-testid=timeline-range]").innerText(), range);
      // Removing one leaves two lines.
      await page.click("nav button:has-text('Compare')");
      await page.click("[data-testid=compare-target]:has-text('198.51.100.40') button");
      await page.waitForFunction(() =>
        document.querySelectorAll("[data-testid=compare-target]").length === 2
      );
      assert.deepEqual(w.errors, []);
    } catch (error) {
      await screenshot(page, "fail_compare");
      throw error;
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
