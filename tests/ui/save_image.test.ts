// "Save image" in Chromium: the current trace graph and the timeline below it come down as one
// PNG of the expected width, taller than the graph alone (the timeline is in it).
import assert from "node:assert/strict";
import { join } from "node:path";
import { pngSize } from "../../alerts/png/render.ts";
import { launch, newPage, screenshot, SCREENSHOT_DIR, skipReason, startServer } from "./harness.ts";
import { addByApi, LAB } from "./lab.ts";

// deno-lint-ignore no-explicit-any
declare const document: any;

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

Deno.test({
  name: "ui save image - the trace graph and timeline as one PNG",
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
      await page.goto(`${server.url}/#/trace/${id}`);
      await page.waitForFunction(() =>
        document.querySelectorAll("[data-testid=hop-row]").length === 4
      );
      await page.waitForSelector("[data-testid=timeline-last] .apexcharts-line-series path");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("[data-testid=save-image]"),
      ]);
      assert.match(download.suggestedFilename(), /^pingwatcher-198\.51\.100\.30-[\d-]+\.png$/);
      await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, "saved_image.png");
      await download.saveAs(path);
      const size = pngSize(await Deno.readFile(path));
      assert.ok(size, "the download is a PNG");
      assert.equal(size.width, 1200);
      // The graph alone is 64 + 24 * 5 + 16 = 200 px: the timeline chart adds its own height.
      assert.ok(size.height > 200 + 150, `height ${size.height}`);
      await screenshot(page, "save_image_page");
      assert.deepEqual(w.errors, []);
    } catch (error) {
      await screenshot(page, "fail_save_image");
      throw error;
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
