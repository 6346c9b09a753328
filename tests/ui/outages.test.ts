// Outages in the browser: a target whose destination stops answering shows an outage badge and
// its uptime in the summary, and a shaded outage span on its timeline.
import assert from "node:assert/strict";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";

const reason = skipReason();
const DOWN = "198.51.100.30";

Deno.test({
  name: "ui - an outage is a badge in the summary and a shaded span on the timeline",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startServer({
      network: { [DOWN]: [{ ip: "10.3.0.1", rttMs: 1 }, { rttMs: 5, lossPct: 100 }] },
      alerts: true,
    });
    const browser = await launch();
    try {
      const target = await server.app.service.create({ host: DOWN, interval: 0.2, timeout: 0.3 });
      for (let i = 0; i < 200 && !server.app.service.outages.isOpen(target.id); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(server.app.service.outages.isOpen(target.id), "the outage started");
      const w = await newPage(browser);
      await w.page.goto(`${server.url}/#/summary`);
      const cell = w.page.locator("[data-testid=summary-uptime]").first();
      await cell.locator(".outage-badge").waitFor();
      assert.match(await cell.innerText(), /outage/);
      await screenshot(w.page, "summary-outage");
      await w.page.goto(`${server.url}/#/trace/${target.id}`);
      await w.page.waitForSelector(".apexcharts-xaxis-annotations text:has-text('outage')", {
        timeout: 20_000,
      });
      await screenshot(w.page, "timeline-outage");
      assert.deepEqual(w.errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
