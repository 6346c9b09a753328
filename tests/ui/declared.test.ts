// A target declared in the config file, in Chromium: the target bar marks it "config file" and
// offers no Stop (the API would refuse to delete it); a runtime target beside it keeps Stop.
import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

Deno.test({
  name: "ui declared - a config-file target is marked and cannot be stopped from the UI",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startServer({ clock: new ManualClock(), alerts: true });
    const declared = await server.app.service.create({ host: "198.51.100.30" }, {
      fromConfig: { declared: true, groups: ["lab"] },
    });
    const runtime = await server.app.service.create({ host: "198.51.100.31" });
    const browser = await launch();
    const w = await newPage(browser);
    const { page } = w;
    try {
      await page.goto(`${server.url}/#/trace/${declared.id}`);
      await page.waitForSelector("[data-testid=declared-badge]");
      assert.equal(await page.locator(".target-bar button:has-text('Stop')").count(), 0);
      assert.match(
        (await page.getAttribute("[data-testid=declared-badge]", "title")) ?? "",
        /config file/,
      );
      await screenshot(page, "declared_target");
      await page.selectOption("select[name=target]", String(runtime.id));
      await page.waitForSelector(".target-bar button:has-text('Stop')");
      assert.equal(await page.locator("[data-testid=declared-badge]").count(), 0);
      assert.deepEqual(w.errors, []);
    } catch (error) {
      await screenshot(page, "fail_declared");
      throw error;
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
