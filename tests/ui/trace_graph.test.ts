// The wide trace graph in Chromium: a 4-hop lab-like path with real loss at one router, threshold
// bands, the final hop emphasised, scale auto/fixed, resizing, the asymmetric-return note, and a
// phone-width page without sideways scrolling. Screenshots go to tests/ui/screenshots/.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";
import { addByApi, LAB } from "./lab.ts";

// deno-lint-ignore no-explicit-any
declare const document: any;

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

async function rowsReady(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (count: number) => {
      const rows = document.querySelectorAll("[data-testid=hop-row]");
      return rows.length === count && [...rows].at(-1).querySelector(".avg-mark");
    },
    n,
    { timeout: 15_000 },
  );
}

Deno.test({
  name: "ui trace graph - wide graph with bands, loss bar, final hop, scale and phone width",
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
      const lab = await addByApi(page, server.url, "198.51.100.30");
      await page.goto(`${server.url}/#/trace/${lab}`);
      await rowsReady(page, 4);
      // Enough rounds for loss to show at hop 2 and carry on.
      await page.click(".trace-graph .chip:text-is('25')");
      // Early rounds may not have found the destination yet: wait for the settled 4-hop path.
      await page.waitForFunction(
        () => {
          const rows = [...document.querySelectorAll("[data-testid=hop-row]")];
          return rows.length === 4 && rows[3].classList.contains("final") &&
            !rows[0].querySelector("[data-testid=loss-bar]") &&
            rows.slice(1).every((r) => r.querySelector("[data-testid=loss-bar]"));
        },
        undefined,
        { timeout: 30_000 },
      );
      const rows = page.locator("[data-testid=hop-row]");
      // The final hop is emphasised, the others are not.
      assert.match((await rows.nth(3).getAttribute("class")) ?? "", /\bfinal\b/);
      assert.doesNotMatch((await rows.nth(0).getAttribute("class")) ?? "", /\bfinal\b/);
      // Hop 1 loses nothing: no loss bar; hop 2 does.
      assert.equal(await rows.nth(0).locator("[data-testid=loss-bar]").count(), 0);
      assert.equal(await rows.nth(1).locator("[data-testid=loss-bar]").count(), 1);
      // Bands: the destination (~150 ms) sits in the warn band on an automatic 200 ms scale.
      const axis = (await page.locator(".scale-axis").textContent()) ?? "";
      assert.match(axis, /200 ms/);
      assert.equal(await rows.nth(3).locator(".band-warn").count(), 1);
      // The graph is the main visual: at 1280 px it is far wider than a fifth of the table.
      const table = await page.locator("table.hops").boundingBox();
      const graph = await page.locator("th.graph-col").boundingBox();
      assert.ok(graph!.width > table!.width * 0.4, `graph ${graph!.width} of ${table!.width}`);
      // Jitter and MOS columns are filled for answering hops.
      const cells = await rows.nth(3).locator("td").allInnerTexts();
      assert.match(cells[7], /^\d/);
      assert.match(cells[8], /^[1-4]\.\d\d$/);
      await screenshot(page, "trace_wide_1280");

      // Fixed scale: 500 ms for every row.
      await page.fill("input[name=scaleMs]", "500");
      await page.click(".scale-control button[type=submit]");
      await page.waitForSelector(".scale-axis:has-text('500 ms')");
      // A fixed scale that is not a number of ms is refused with the reason.
      await page.fill("input[name=scaleMs]", "0");
      await page.click(".scale-control button[type=submit]");
      await page.waitForSelector(".scale-control .error:has-text('positive number')");
      await page.waitForSelector(".scale-axis:has-text('500 ms')");
      await page.click(".scale-control .chip:text-is('auto')");
      await page.waitForSelector(".scale-axis:has-text('200 ms')");

      // Resizing: drag the graph's edge to the left and it widens; the width is kept on reload.
      const handle = await page.locator(".col-resize").boundingBox();
      await page.mouse.move(handle!.x + 3, handle!.y + 5);
      await page.mouse.down();
      await page.mouse.move(handle!.x - 150, handle!.y + 5, { steps: 5 });
      await page.mouse.up();
      const wider = await page.locator("th.graph-col").boundingBox();
      assert.ok(wider!.width > graph!.width + 100, `${wider!.width} vs ${graph!.width}`);
      await page.reload();
      await rowsReady(page, 4);
      const kept = await page.locator("th.graph-col").boundingBox();
      assert.ok(Math.abs(kept!.width - wider!.width) < 20);
      await page.dblclick(".col-resize");

      // The asymmetric-return pattern is named in the graph.
      const asym = await addByApi(page, server.url, "198.51.100.40");
      await page.goto(`${server.url}/#/trace/${asym}`);
      await rowsReady(page, 4);
      await page.waitForSelector("[data-testid=note-asymmetric]");
      assert.match(
        await page.locator("[data-testid=note-asymmetric]").innerText(),
        /Hop 4 averages 18\d ms/,
      );
      await screenshot(page, "trace_asymmetric");
      assert.deepEqual(w.errors, []);

      // Phone width: nothing scrolls sideways, the graph still shows every hop.
      const phone = await newPage(browser, { width: 390, height: 844 });
      await phone.page.goto(`${server.url}/#/trace/${lab}`);
      await rowsReady(phone.page, 4);
      const overflow = await phone.page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
      assert.equal(overflow, 0, "the page scrolls sideways at 390 px");
      const phoneGraph = await phone.page.locator("td.graph-col").first().boundingBox();
      assert.ok(phoneGraph!.width > 300, `graph ${phoneGraph!.width} px wide on a phone`);
      await screenshot(phone.page, "trace_phone");
      assert.deepEqual(phone.errors, []);
    } catch (error) {
      await screenshot(page, "fail_trace_graph");
      throw error;
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
