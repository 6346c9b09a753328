// The audit's items in Chromium: an on-demand traceroute from the trace view (of the target and
// of another host), and dynamic-DNS address changes on the timeline and in the route-changes view.
import assert from "node:assert/strict";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";
import { addByApi, LAB } from "./lab.ts";

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

Deno.test({
  name: "ui audit - traceroute now, and address changes on the timeline and route changes",
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
      const id = await addByApi(page, server.url, "198.51.100.40");
      const at = Date.now() - 60_000;
      await server.store.recordAddressChange({
        targetId: id,
        at,
        host: "vpn.example.net",
        before: "192.0.2.7",
        after: "198.51.100.40",
      });
      const api = await (await page.request.get(
        `${server.url}/api/targets/${id}/address_changes`,
      )).json();
      assert.deepEqual(api.addressChanges, [{
        at,
        host: "vpn.example.net",
        before: "192.0.2.7",
        after: "198.51.100.40",
      }]);
      await page.goto(`${server.url}/#/trace/${id}`);
      // The timeline marks it.
      await page.waitForSelector(
        "[data-testid=timeline-last] .apexcharts-xaxis-annotations :text('address → 198.51.100.40')",
      );

      // Traceroute now: this target (4 hops), then another host (2 hops).
      await page.click("[data-testid=traceroute] summary");
      await page.click("[data-testid=traceroute] button[type=submit]");
      await page.waitForSelector("[data-testid=traceroute-head]:has-text('198.51.100.40')");
      assert.equal(await page.locator("[data-testid=traceroute-hop]").count(), 4);
      assert.match(
        await page.locator("[data-testid=traceroute-hop]").last().innerText(),
        /198\.51\.100\.40\s+0\s+18\d/,
      );
      await page.fill("input[name=trace-host]", "198.51.100.50");
      await page.selectOption("select[name=trace-rounds]", "1");
      await page.click("[data-testid=traceroute] button[type=submit]");
      await page.waitForSelector("[data-testid=traceroute-head]:has-text('198.51.100.50')");
      assert.equal(await page.locator("[data-testid=traceroute-hop]").count(), 2);
      // A host the API refuses is said so.
      await page.fill("input[name=trace-host]", "-rf");
      await page.click("[data-testid=traceroute] button[type=submit]");
      await page.waitForSelector("[data-testid=traceroute] .error");
      await page.locator("[data-testid=traceroute]").scrollIntoViewIfNeeded();
      await screenshot(page, "traceroute_now");
      w.errors.splice(0).forEach((e) =>
        assert.match(e, /http 400 .*\/api\/traceroute|status of 400/)
      );

      // The route-changes view lists the address change.
      await page.click("nav button:has-text('Route changes')");
      await page.waitForSelector("[data-testid=address-change]");
      assert.match(
        await page.locator("[data-testid=address-change]").innerText(),
        /vpn\.example\.net: 192\.0\.2\.7 → 198\.51\.100\.40/,
      );
      await screenshot(page, "address_changes");
      assert.deepEqual(w.errors, []);
    } catch (error) {
      await screenshot(page, "fail_audit");
      throw error;
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
