// The Interfaces view and the timeline's throughput overlay in Chromium, against a real server
// whose interface monitor reads a scripted "lab0" moving a steady 1,000,000 bytes/s in and
// 250,000 out (nothing is measured on this machine). Screenshots: tests/ui/screenshots/iface-*.png.
import assert from "node:assert/strict";
import { InterfaceMonitor } from "../../api/interfaces.ts";
import { type InterfaceReading, type InterfaceSource, systemClock } from "../../engine/mod.ts";
import { reading } from "../engine/netif/helpers.ts";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";

// Code inside page.waitForFunction runs in the page, where document exists.
// deno-lint-ignore no-explicit-any
declare const document: any;

const reason = skipReason();
if (reason) console.log(`ui interfaces: ${reason}`);

/** Counters that grow at fixed rates with real time, like a link under steady load. */
function steadySource(): InterfaceSource {
  const t0 = performance.now();
  return {
    platform: "test",
    read(): Promise<InterfaceReading[]> {
      const s = (performance.now() - t0) / 1000;
      return Promise.resolve([
        reading("lab0", {
          rxBytes: Math.round(s * 1_000_000),
          txBytes: Math.round(s * 250_000),
          rxPackets: Math.round(s * 1000),
          txPackets: Math.round(s * 400),
        }, { speedMbps: 100 }),
        reading("lo", {}, { kind: "loopback", speedMbps: null }),
      ]);
    },
    defaultRouteInterface: () => Promise.resolve("lab0"),
  };
}

Deno.test({
  name: "ui interfaces - the view shows the lab interface's rate; the overlay toggles",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const server = await startServer({ alerts: true });
    const monitor = await InterfaceMonitor.create({
      store: server.store,
      clock: systemClock,
      source: { ok: true, source: steadySource() },
      flags: { intervalMs: 1000 },
    });
    server.app.useInterfaces(monitor);
    monitor.start();
    const browser = await launch();
    const w = await newPage(browser);
    const { page } = w;
    try {
      await page.goto(`${server.url}/#/interfaces`);
      const rx = page.locator("[data-testid=rx-rate-lab0]");
      await page.waitForFunction(
        () =>
          /Mbit\/s/.test(
            document.querySelector("[data-testid=rx-rate-lab0]")?.textContent ?? "",
          ),
        undefined,
        { timeout: 20_000 },
      );
      const rate = Number((await rx.innerText()).replace(/ Mbit\/s$/, ""));
      assert.ok(Math.abs(rate - 8) < 0.4, `lab0 receives about 8 Mbit/s, shown ${rate}`);
      assert.match(
        await page.locator("[data-testid=tx-rate-lab0]").innerText(),
        /^2\.\d\d Mbit\/s$/,
      );
      await page.waitForSelector("[data-testid=iface-lab0] [data-testid=primary-badge]");
      assert.match(
        await page.locator("[data-testid=iface-lab0]").innerText(),
        /utilisation\s+rx 8\.\d %/,
      );
      assert.match(
        await page.locator("[aria-label='Skipped interfaces']").innerText(),
        /lo\s+unknown\s+loopback|lo\s+up\s+loopback/,
      );
      await page.waitForSelector("[data-testid=iface-chart-lab0] .apexcharts-series path");
      await screenshot(page, "iface-view");

      const target = await server.app.service.create({ host: "198.51.100.20", interval: 0.5 });
      await page.goto(`${server.url}/#/trace/${target.id}`);
      const toggle = page.locator("[data-testid=overlay-toggle]");
      await toggle.waitFor();
      assert.equal(await page.locator("[data-testid=overlay-chart]").count(), 0);
      await toggle.check();
      await page.waitForSelector("[data-testid=overlay-chart] .apexcharts-series path", {
        timeout: 15_000,
      });
      assert.match(await page.locator("[data-testid=throughput-overlay]").innerText(), /lab0/);
      await screenshot(page, "iface-overlay");
      await toggle.uncheck();
      await page.waitForSelector("[data-testid=overlay-chart]", { state: "detached" });
      assert.deepEqual(w.errors, []);
    } finally {
      await browser.close();
      await monitor.stop();
      await server.close();
    }
  },
});
