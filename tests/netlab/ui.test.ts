// The web UI on the real network lab: the server (main.ts) and Chromium both run inside the lab's
// agent namespace; the browser adds the lab's target and must show every router with its address,
// PTR name and injected delay, then log the route change made while it watches.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, screenshot, skipReason } from "../ui/harness.ts";
import { startLabServer } from "./cli.ts";
import { skipLabTests } from "./helpers.ts";
import { type Lab, withLab } from "./lab.ts";
import { agreement, startGroundTruth, truthLine } from "./truth.ts";

// Functions passed to the page run there; this file is type-checked without the DOM library.
// deno-lint-ignore no-explicit-any
declare const document: any;

const labSkip = await skipLabTests("ui.test.ts");
const browserSkip = skipReason();
if (!labSkip && browserSkip) console.log(`ui.test.ts: ${browserSkip}`);

const DELAY_US = { r1: 2000, r2: 3000, r2b: 1500, r3: 4000, target: 1000 };
/** The trace graph shows 2 decimals below 10 ms, 1 from 10 ms: up to 0.05 ms of rounding. */
const DISPLAY_ROUNDING_MS = 0.05;
const WAIT_MS = 60_000;

/** Chromium launched through `ip netns exec`, so it reaches the server on the agent's loopback. */
async function launchInLab(lab: Lab, dir: string) {
  const wrapper = join(dir, "chromium-in-lab");
  await Deno.writeTextFile(
    wrapper,
    `#!/bin/sh\nexec ip netns exec ${lab.ns.agent} ${CHROMIUM} "$@"\n`,
    { mode: 0o755 },
  );
  const { chromium } = await import("playwright-core");
  return await chromium.launch({ executablePath: wrapper, args: CHROMIUM_ARGS, headless: true });
}

/** Polls `check` (it runs in this process) until it holds or WAIT_MS passes. */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a full focus window");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function hopCells(page: Page, column: "ip" | "dns" | "avg"): Promise<string[]> {
  const nth = { ip: 3, dns: 4, avg: 5 }[column];
  return page.locator(`[data-testid=hop-row] td:nth-child(${nth})`).allInnerTexts();
}

Deno.test({
  name: "netlab ui - the browser shows the lab's routers, names, delays and a route change",
  ignore: labSkip !== null || browserSkip !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withLab({ delayUs: DELAY_US }, async (lab) => {
      const dir = await Deno.makeTempDir({ prefix: "pingwatcher-netlab-ui-" });
      const server = await startLabServer(lab, ["--port", "0", "--db", join(dir, "lab.db")]);
      const browser = await launchInLab(lab, dir);
      const errors: string[] = [];
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(`${server.url}/`);
        await page.waitForSelector("[data-testid=connection]:has-text('Live')");
        const expected = lab.expectedHops(4);
        // Ground truth over the same seconds as the focus window (tests/netlab/truth.ts).
        const truth = startGroundTruth(lab, expected.map((h) => h.ip));
        await page.fill("input[name=host]", lab.name("target"));
        await page.selectOption("select[name=interval]", "0.5");
        await page.click("form.add-target button[type=submit]");
        await page.waitForURL(/#\/trace\/\d+$/);

        // Names come from the lab's dnsmasq (PTR); they appear once looked up.
        await page.waitForFunction(
          (names: string[]) => {
            const cells = [...document.querySelectorAll("[data-testid=hop-row] td.dns")];
            return cells.map((c: { innerText: string }) => c.innerText).join() === names.join();
          },
          expected.map((h) => h.dns),
          { timeout: WAIT_MS },
        );
        // A full focus window (10 rounds) before reading averages; it also lets the engine learn
        // the route, so the switch below is a change rather than the first route.
        const targetId = Number(page.url().match(/(\d+)$/)![1]);
        type ApiHop = { sent: number; received: number; stdevMs: number | null };
        let apiHops: ApiHop[] = [];
        await waitUntil(async () => {
          const hops = await page.evaluate(
            (id: number) => fetch(`/api/targets/${id}/hops?focus=10`).then((r) => r.json()),
            targetId,
          );
          apiHops = hops.hops;
          return hops.hops.length > 0 && hops.hops.at(-1).sent >= 10;
        });
        assert.deepEqual(await hopCells(page, "ip"), expected.map((h) => h.ip));
        const avgs = (await hopCells(page, "avg")).map(Number);
        const truths = await truth.stop();
        for (const [i, hop] of expected.entries()) {
          const injectedMs = hop.delayUs / 1000;
          const stats = truths.get(hop.ip)!;
          const measured = {
            avgMs: avgs[i],
            stdevMs: apiHops[i].stdevMs,
            samples: apiHops[i].received,
          };
          const check = agreement(measured, stats, DISPLAY_ROUNDING_MS);
          console.log(truthLine(hop.hop, injectedMs, stats, check));
          assert.ok(check.ok, `hop ${hop.hop}: shows avg ${avgs[i]} ms, ping ${stats.meanMs} ms`);
        }
        await screenshot(page, "netlab_trace");

        await lab.useAlternateRoute(true);
        const r2b = lab.address("r2b", 4);
        await page.waitForFunction(
          (ip: string) =>
            [...document.querySelectorAll("[data-testid=hop-row] td.ip")]
              .some((c: { innerText: string }) => c.innerText.startsWith(ip)),
          r2b,
          { timeout: WAIT_MS },
        );
        await page.click("nav button:has-text('Route changes')");
        const change = page.locator("[data-testid=route-change]");
        await change.first().waitFor({ timeout: WAIT_MS });
        assert.equal(await change.count(), 1, "one route change logged");
        assert.match(await change.first().innerText(), new RegExp(r2b.replaceAll(".", "\\.")));
        await screenshot(page, "netlab_route_change");
        assert.deepEqual(errors, [], "no console errors");
      } finally {
        await browser.close();
        server.child.kill("SIGTERM");
        await server.child.status;
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    }),
});
