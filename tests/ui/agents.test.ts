// Vantage points in Chromium: a server probing as agent "east" (FakeProber) on a PostgreSQL
// database into which a second agent, "west", wrote its own rounds of the same target along
// another route. The summary shows a row per agent with an agent column; opening west's row shows
// west's route in the trace graph, the picker switches to east's; the target page overlays both
// agents' final hops.
import assert from "node:assert/strict";
import { startAlerts } from "../../alerts/mod.ts";
import { createApp } from "../../api/app.ts";
import { serve } from "../../api/server.ts";
import { systemClock } from "../../engine/clock.ts";
import { FakeProber } from "../../engine/probers/fake.ts";
import type { Round } from "../../engine/types.ts";
import { openStore } from "../../store/mod.ts";
import { serveUi } from "../../ui/serve.ts";
import { PG_SKIP_REASON, pgServer } from "../store/pg_server.ts";
import { launch, NETWORK, newPage, screenshot, skipReason } from "./harness.ts";

// deno-lint-ignore no-explicit-any
declare const document: any;

const reason = skipReason() ?? PG_SKIP_REASON;
if (reason) console.log(`ui agents: skipped: ${reason}`);

const HOST = "198.51.100.20";

/**
 * West's rounds `seqs`, 100 ms apart from `firstAt`, via 10.9.0.1 to the destination in `rttMs`.
 */
function westRounds(targetId: number, seqs: number[], firstAt: number, rttMs: number): Round[] {
  return seqs.map((seq, i) => ({
    targetId,
    seq,
    startedAt: firstAt + i * 100,
    address: HOST,
    destinationReached: true,
    hops: [
      { ttl: 1, kind: "ttlExceeded", ip: "10.9.0.1", rttUs: 3000, approximate: false },
      { ttl: 2, kind: "reply", ip: HOST, rttUs: rttMs * 1000, approximate: false },
    ],
  }));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A page predicate: the trace graph's hop addresses are `want` (a JSON array). */
function hopIpsAre(want: string): boolean {
  const cells = document.querySelectorAll("[data-testid=hop-row] td:nth-child(3)");
  const ips = [...cells].map((cell: { textContent: string }) => cell.textContent.trim());
  return JSON.stringify(ips) === want;
}

Deno.test({
  name: "ui agents - a row per agent in the summary, the trace graph per agent, both overlaid",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const url = pgServer()!.url(pgServer()!.createDatabase());
    const store = await openStore(url, { agent: "east" });
    const west = await openStore(url, { agent: "west" });
    const prober = new FakeProber({ clock: systemClock, network: NETWORK, seed: 7 });
    const app = createApp({
      store,
      prober,
      engine: { reverseDns: false },
      addressLookup: () => Promise.resolve([]),
      handler: { fallback: serveUi },
      auth: { allowedHosts: ["127.0.0.1"] },
    });
    await app.start();
    const dir = await Deno.makeTempDir({ prefix: "pingwatcher-ui-agents-" });
    const alerts = await startAlerts({ engine: app.service, store, dataDir: dir });
    app.useAlerts(alerts);
    let port = 0;
    const server = serve(app.handler, {
      hostname: "127.0.0.1",
      port: 0,
      onListen: (addr) => port = addr.port,
    });
    const base = `http://127.0.0.1:${port || server.addr.port}`;
    const browser = await launch();
    const w = await newPage(browser);
    const { page } = w;
    try {
      await page.goto(`${base}/`);
      const added = await page.request.post(`${base}/api/targets`, {
        data: { host: HOST, interval: 0.5 },
      });
      assert.equal(added.status(), 201, await added.text());
      const id = (await added.json()).target.id as number;
      const firstAt = Date.now() - 5000;
      for (const round of westRounds(id, range(0, 20), firstAt, 7)) west.appendRound(round);
      await west.flush();
      // East has written a few rounds of its own once it is an agent with a full logs page.
      await page.waitForFunction(
        async (a: { u: string; id: number }) =>
          (await (await fetch(`${a.u}/api/agents`)).json()).agents.length === 2 &&
          (await (await fetch(`${a.u}/api/targets/${a.id}/logs?limit=3`)).json()).rounds
              .length >= 3,
        { u: base, id },
        { timeout: 20_000, polling: 250 },
      );

      await page.goto(`${base}/#/summary`);
      await page.waitForSelector("[data-testid=summary-agent-head]");
      await page.waitForFunction(() =>
        document.querySelectorAll("[data-testid=summary-row]").length === 2
      );
      const agents = await page.locator("[data-testid=summary-agent]").allInnerTexts();
      assert.deepEqual(agents, ["east", "west"]);
      // West's rows are not pushed to this server's page: the summary reads them again.
      const westAvg = (want: string) =>
        page.waitForFunction(
          (want: string) =>
            [...document.querySelectorAll("[data-testid=summary-row]")]
              .find((row: { querySelector(s: string): { textContent: string } | null }) =>
                row.querySelector("[data-testid=summary-agent]")?.textContent === "west"
              )?.querySelector("td.num")?.textContent === want,
          want,
          { timeout: 30_000 },
        );
      await westAvg("7.00");
      // Ten newer rounds at 17 ms: the focus window (10 rounds) holds only them.
      for (const round of westRounds(id, range(20, 30), firstAt + 2000, 17)) {
        west.appendRound(round);
      }
      await west.flush();
      await westAvg("17.0");

      // West's row opens the target as west measured it: its own route.
      await page.click(
        "[data-testid=summary-row]:has([data-testid=summary-agent]:text-is('west'))",
      );
      await page.waitForURL(new RegExp(`#/trace/${id}$`));
      await page.waitForFunction(() =>
        document.querySelector("[data-testid=agent-select]")?.value === "west"
      );
      await page.waitForFunction(hopIpsAre, JSON.stringify(["10.9.0.1", HOST]), {
        timeout: 10_000,
      });
      // The picker switches to east's measurements: the FakeProber's route.
      await page.selectOption("[data-testid=agent-select]", "east");
      await page.waitForFunction(hopIpsAre, JSON.stringify(["10.2.0.1", "10.2.1.1", HOST]), {
        timeout: 10_000,
      });
      // Both agents' final hops on one chart, one line each.
      const overlay = "[data-testid=agents-overlay]";
      await page.waitForSelector(`${overlay} [data-testid=compare-target]`);
      const legend = await page.locator(`${overlay} [data-testid=compare-target]`).allInnerTexts();
      assert.deepEqual(legend, ["east", "west"]);
      await page.waitForFunction(
        (sel: string) =>
          document.querySelectorAll(`${sel} .apexcharts-line-series path`).length >= 2,
        overlay,
        { timeout: 15_000 },
      );
      await screenshot(page, "agents_trace");
      assert.deepEqual(w.errors, []);
    } finally {
      await browser.close();
      app.hub.close();
      await server.shutdown().catch(() => {});
      await alerts.stop();
      await app.stop();
      await prober.close();
      await west.close();
      await store.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
