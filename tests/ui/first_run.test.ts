// First run and empty states in Chromium: an empty database shows the welcome page and probes
// nothing; a target without answers says so instead of blank charts (its clock never moves, so
// no round ever completes), at 1280 px and on a phone without sideways scrolling.
import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";

// deno-lint-ignore no-explicit-any
declare const document: any;

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

Deno.test({
  name: "ui first run - welcome page on an empty database, then 'no answers yet'",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startServer({ clock: new ManualClock(), alerts: true });
    const browser = await launch();
    const w = await newPage(browser);
    const { page } = w;
    try {
      await page.goto(`${server.url}/`);
      await page.waitForSelector("[data-testid=connection]:has-text('Live')");
      await page.waitForSelector("[data-testid=welcome]");
      const text = await page.locator("[data-testid=welcome]").innerText();
      assert.match(text, /Nothing is probed yet/);
      assert.match(text, /Host or IP/);
      assert.match(text, /Loss %/);
      assert.match(text, /MOS/);
      // The trace view shows the same page while there is no target.
      await page.goto(`${server.url}/#/trace`);
      await page.waitForSelector("[data-testid=welcome]");
      // Nothing was probed: no target, no probe.
      assert.equal(server.prober.sends.length, 0);
      await screenshot(page, "first_run_1280");

      const phone = await newPage(browser, { width: 390, height: 844 });
      await phone.page.goto(`${server.url}/`);
      await phone.page.waitForSelector("[data-testid=welcome]");
      const overflow = await phone.page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
      assert.equal(overflow, 0, "the welcome page scrolls sideways at 390 px");
      await screenshot(phone.page, "first_run_phone");

      // The link in the steps puts the cursor in the host field.
      await page.click("[data-testid=welcome] button:has-text('Host or IP')");
      assert.equal(await page.evaluate(() => document.activeElement?.name), "host");
      await page.fill("input[name=host]", "198.51.100.20");
      await page.click("form.add-target button[type=submit]");
      await page.waitForURL(/#\/trace\/\d+$/);
      await page.waitForSelector("[data-testid=trace-empty]:has-text('No answers yet from')");
      assert.equal(await page.locator("[data-testid=welcome]").count(), 0);
      // The dashboard says so too rather than drawing empty charts.
      await page.waitForSelector("[data-testid=histogram-empty]");
      await page.waitForSelector("[data-testid=success-empty]");
      await screenshot(page, "no_answers_yet");
      assert.deepEqual(w.errors, []);
      assert.deepEqual(phone.errors, []);
    } catch (error) {
      await screenshot(page, "fail_first_run");
      throw error;
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
