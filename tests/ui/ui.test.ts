// The web UI in a real browser (Chromium via playwright-core) against a real server whose engine
// probes a simulated network (FakeProber: nothing leaves the machine). One browser and one server
// are shared by the steps to keep the suite short; screenshots go to tests/ui/screenshots/.
import assert from "node:assert/strict";
import type { Browser, Locator, Page } from "playwright-core";
import {
  launch,
  newPage,
  screenshot,
  skipReason,
  startServer,
  type TestServer,
  type Watched,
} from "./harness.ts";

// Functions passed to the page run there; this file is type-checked without the DOM library.
// deno-lint-ignore no-explicit-any
declare const document: any;

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

const HOST = "198.51.100.10";
const HOST_2 = "198.51.100.20";

async function addTarget(page: Page, host: string): Promise<void> {
  await page.fill("input[name=host]", host);
  await page.selectOption("select[name=interval]", "0.5");
  await page.click("form.add-target button[type=submit]");
}

function text(page: Page, selector: string): Promise<string> {
  return page.locator(selector).first().innerText();
}

/** The plot area of a chart, once ApexCharts has drawn it (it redraws on every range change). */
async function plotBox(
  chart: Locator,
): Promise<{ x: number; y: number; width: number; height: number }> {
  await chart.scrollIntoViewIfNeeded();
  for (let i = 0; i < 50; i++) {
    const box = await chart.locator(".apexcharts-grid").first().boundingBox().catch(() => null);
    if (box && box.width > 0) return box;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the chart has no plot area");
}

function noErrors(w: Watched, step: string): void {
  const seen = w.errors.splice(0);
  assert.deepEqual(seen, [], `console errors during "${step}"`);
}

Deno.test({
  name: "ui - trace graph, timeline, routes, sessions, summary, theme and reconnect in Chromium",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    let server: TestServer = await startServer({ alerts: true });
    const browser: Browser = await launch();
    const w = await newPage(browser);
    const { page } = w;
    // A failed step has already reported its errors: the next one starts clean.
    const step = (name: string, fn: () => Promise<void>) =>
      t.step(name, async () => {
        w.errors.splice(0);
        try {
          await fn();
        } catch (error) {
          await screenshot(page, `fail_${name.split(" ").slice(0, 3).join("_")}`);
          throw error;
        }
      });
    try {
      await step("add a target and see its hops appear live", async () => {
        await page.goto(`${server.url}/`);
        await page.waitForSelector("[data-testid=connection]:has-text('Live')");
        await addTarget(page, HOST);
        await page.waitForURL(/#\/trace\/\d+$/);
        await page.waitForFunction(() =>
          document.querySelectorAll("[data-testid=hop-row]").length === 5
        );
        const last = page.locator("[data-testid=hop-row]").last();
        assert.match(await last.innerText(), new RegExp(HOST.replaceAll(".", "\\.")));
        // No PTR names in the simulated network: the DNS column shows dashes.
        assert.match(await last.locator("td.dns").innerText(), /^-{10}$/);
        // Hop 4 never answers: its current value is ERR, in red.
        const silent = page.locator("[data-testid=hop-row]").nth(3);
        assert.equal(await silent.locator("td.err").innerText(), "ERR");
        // ECMP at hop 3: both addresses are shown.
        await page.waitForSelector("[data-testid=hop-row]:nth-child(3) .ecmp");
        // Live: the newest sample of the destination changes round by round.
        const cur = () => last.locator("td").nth(6).innerText();
        const first = await cur();
        await page.waitForFunction(
          (before: string) =>
            [...document.querySelectorAll("[data-testid=hop-row]")].at(-1)
              ?.querySelectorAll("td")[6]?.textContent !== before,
          first,
          { timeout: 10_000 },
        );
        // Hop 2 drops 40 % of its own replies only: the note says the loss does not carry.
        await page.waitForSelector(".note:has-text('does not carry')", { timeout: 15_000 });
        await screenshot(page, "trace_1280");
        noErrors(w, "add a target");
      });

      await step("switch focus between 10/25/50/100/ALL", async () => {
        await page.click(".trace-graph .chip:text-is('25')");
        await page.waitForSelector("[data-testid=focus-label]:has-text('last 25 samples')");
        assert.equal(
          await page.locator(".trace-graph .chip:text-is('25')").getAttribute("aria-pressed"),
          "true",
        );
        await page.click(".trace-graph .chip:text-is('ALL')");
        await page.waitForSelector("[data-testid=focus-label]:has-text('all samples')");
        await page.waitForSelector("[data-testid=hop-row]");
        await page.click(".trace-graph .chip:text-is('10')");
        noErrors(w, "focus");
      });

      await step(
        "open the timeline, pick presets, zoom, and focus the graph on a moment",
        async () => {
          const chart = page.locator("[data-testid=timeline-last]");
          await chart.locator(".apexcharts-line-series path").first().waitFor();
          assert.match(await text(page, "[data-testid=timeline-range]"), /now$/);
          // Drag across the last part of the plot: ApexCharts zooms, the range stops following now.
          // A live update that redraws the chart in the middle of a drag cancels the selection (as
          // it would for a user, who drags again), so a drag that has not changed the range after
          // a generous wait (a loaded machine can take seconds to redraw) is made once more; never
          // sooner, or a slow first zoom and a second one would narrow the range twice.
          const zoomed = () =>
            page.waitForFunction(
              () =>
                !document.querySelector("[data-testid=timeline-range]")?.textContent?.endsWith(
                  "now",
                ),
              { timeout: 30_000 },
            ).then(() => true, () => false);
          let attempts = 0;
          do {
            assert.ok(++attempts <= 3, "a drag across the timeline never zoomed it");
            const box = await plotBox(chart);
            await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
            await page.mouse.down();
            await page.mouse.move(box.x + box.width * 0.99, box.y + box.height / 2, { steps: 5 });
            await page.mouse.up();
          } while (!(await zoomed()));
          await page.click(".timeline button[aria-label='Zoom out']");
          await chart.locator(".apexcharts-line-series path").first().waitFor();
          // Double-click a moment: the trace graph focuses on the time around it.
          const inner = await plotBox(chart);
          await page.mouse.dblclick(inner.x + inner.width * 0.7, inner.y + inner.height / 2);
          await page.waitForSelector("[data-testid=focus-label]:has-text('–')");
          await page.waitForSelector("button:has-text('back to live')");
          // The focused range is shaded on the timeline.
          await page.waitForSelector(
            "[data-testid=timeline-last] .apexcharts-xaxis-annotations :text('focus')",
          );
          // Add hop 2's chart beside the final hop's.
          await page.selectOption(".timeline select", "2");
          await page.locator("[data-testid=timeline-2] .apexcharts-line-series").first().waitFor()
            .catch(async (e) => {
              await screenshot(page, "fail_timeline");
              throw e;
            });
          await screenshot(page, "timeline_zoomed");
          await page.click("button:has-text('back to live')");
          await page.click(".timeline .chip:text-is('1 h')");
          await page.waitForSelector(".timeline .chip.active:text-is('1 h')");
          await page.click(".timeline .chip:text-is('10 min')");
          await page.waitForSelector("[data-testid=timeline-range]:has-text('now')");
          noErrors(w, "timeline");
        },
      );

      await step("a route change is annotated on the timeline and logged", async () => {
        server.prober.setRoute(HOST, [
          { ip: "10.1.0.1", rttMs: 1 },
          { ip: "10.9.9.9", rttMs: 6 },
          { rttMs: 12 },
        ]);
        await page.waitForSelector(
          "[data-testid=timeline-last] .apexcharts-xaxis-annotations :text('route change')",
          { timeout: 20_000 },
        );
        await page.click("nav button:has-text('Route changes')");
        const entry = page.locator("[data-testid=route-change]").first();
        await entry.waitFor();
        assert.match(await entry.innerText(), /10\.9\.9\.9/);
        assert.match(await entry.innerText(), /10\.1\.1\.1/);
        await screenshot(page, "route_changes");
        noErrors(w, "route change");
      });

      await step(
        "a timeline comment is kept on the server, across a reload, until deleted",
        async () => {
          await page.click("nav button:has-text('Trace graph')");
          await page.fill(".comment-form input", "ISP maintenance");
          await page.click(".comment-form button:has-text('Add comment')");
          const annotation =
            "[data-testid=timeline-last] .apexcharts-xaxis-annotations :text('ISP maintenance')";
          await page.waitForSelector(annotation);
          await page.waitForSelector("[data-testid=comment]:has-text('ISP maintenance')");
          // Nothing of it is kept in the browser: the reload reads it back from the server.
          assert.equal(
            await page.evaluate(() =>
              document.defaultView.localStorage.getItem("pingwatcher.comments")
            ),
            null,
          );
          await page.reload();
          await page.waitForSelector("[data-testid=connection]:has-text('Live')");
          await page.waitForSelector(annotation, { timeout: 10_000 });
          const targetId = Number(page.url().match(/#\/trace\/(\d+)$/)![1]);
          const listed = await page.evaluate(
            async (id: number) =>
              (await (await fetch(`/api/targets/${id}/comments`)).json()).comments as {
                text: string;
                source: string;
              }[],
            targetId,
          );
          assert.deepEqual(listed.map((c) => [c.text, c.source]), [["ISP maintenance", "user"]]);
          await page.click("[data-testid=comment] button:has-text('delete')");
          await page.waitForSelector("[data-testid=comment]", { state: "detached" });
          await page.waitForSelector(annotation, { state: "detached" });
          noErrors(w, "comment");
        },
      );

      await step("create, rename and export a session, then import it as a replay", async () => {
        await page.click("nav button:has-text('Sessions')");
        await page.fill("input[name=session-name]", "evening slowdown");
        await page.click("button:has-text('Create session')");
        const row = page.locator("[data-testid=session-row]").first();
        await row.waitFor();
        assert.match(await row.innerText(), /evening slowdown/);
        await row.locator("button:has-text('Rename')").click();
        await row.locator("input").fill("evening slowdown (ISP)");
        await row.locator("button:has-text('Save')").click();
        await page.waitForSelector("[data-testid=session-row]:has-text('(ISP)')");
        const [csv] = await Promise.all([
          page.waitForEvent("download"),
          row.locator("a:text-is('CSV')").click(),
        ]);
        const csvText = await Deno.readTextFile((await csv.path())!);
        assert.match(csvText.split("\n")[0], /ttl/);
        assert.ok(csvText.split("\n").length > 10, "the CSV export holds rows");
        const [json] = await Promise.all([
          page.waitForEvent("download"),
          row.locator("a:text-is('JSON')").click(),
        ]);
        const jsonPath = (await json.path())!;
        await screenshot(page, "sessions");
        await page.setInputFiles("input[type=file]", jsonPath);
        await page.waitForSelector(".badge:text-is('replay'), .sessions .error", {
          timeout: 10_000,
        });
        const failure = await page.locator(".sessions .error").count();
        assert.equal(
          failure,
          0,
          `import failed: ${failure && await text(page, ".sessions .error")}`,
        );
        await page.waitForSelector("[data-testid=hop-row]");
        noErrors(w, "sessions");
      });

      await step("summary lists every target, sorts, and opens a trace graph", async () => {
        await addTarget(page, HOST_2);
        await page.waitForURL(/#\/trace\/\d+$/);
        await page.click("nav button:has-text('Summary')");
        await page.waitForFunction(() =>
          document.querySelectorAll("[data-testid=summary-row]").length >= 2
        );
        await page.click("th button:has-text('Loss %')");
        await page.waitForSelector("th[aria-sort=descending] >> text=Loss %");
        await page.waitForSelector(".spark-line", { state: "attached" });
        await screenshot(page, "summary");
        // Keyboard: a row takes focus and Enter opens its trace graph.
        await page.locator("[data-testid=summary-row]", { hasText: HOST_2 }).focus();
        await page.keyboard.press("Enter");
        await page.waitForSelector(`h2:has-text('Trace to ${HOST_2}')`);
        noErrors(w, "summary");
      });

      await step("pause and resume the selected target", async () => {
        await page.click(".target-controls button:text-is('Pause')");
        await page.waitForSelector(".target-controls button:text-is('Resume')");
        assert.match(await text(page, "select[name=target] option:checked"), /paused/);
        await page.click(".target-controls button:text-is('Resume')");
        await page.waitForSelector(".target-controls button:text-is('Pause')");
        noErrors(w, "pause");
      });

      await step("the host field refuses bad input before any request", async () => {
        await page.fill("input[name=host]", "-rf /");
        await page.click("form.add-target button[type=submit]");
        await page.waitForSelector("#target-message.error:has-text('space')");
        await page.fill("input[name=host]", "a;b");
        await page.click("form.add-target button[type=submit]");
        await page.waitForSelector("#target-message.error:has-text('host name')");
        noErrors(w, "validation");
      });

      await step("settings: thresholds and a named configuration", async () => {
        await page.click("nav button:has-text('Settings')");
        await page.fill("input[name=config-name]", "slow lane");
        await page.fill("input[name=config-interval]", "5");
        await page.click("button:has-text('Save configuration')");
        await page.waitForSelector(".settings li:has-text('slow lane')");
        await page.waitForSelector("select[name=configuration] option:text-is('slow lane')", {
          state: "attached",
        });
        await page.click(`.settings button:has-text('apply to ${HOST_2}')`);
        await page.waitForSelector(`.settings .badge:has-text('${HOST_2} follows it')`);
        await page.fill("input[name=warnMs]", "5");
        await page.click("button:has-text('Save thresholds')");
        await screenshot(page, "settings");
        noErrors(w, "settings");
      });

      await step("toggle the theme and keep it across a reload", async () => {
        const before = await page.evaluate(() => document.documentElement.dataset.theme as string);
        await page.click("[data-testid=theme-toggle]");
        const after = await page.evaluate(() => document.documentElement.dataset.theme as string);
        assert.notEqual(after, before);
        await page.reload();
        await page.waitForSelector("[data-testid=connection]:has-text('Live')");
        assert.equal(
          await page.evaluate(() => document.documentElement.dataset.theme as string),
          after,
        );
        await page.click("nav button:has-text('Trace graph')");
        await page.waitForSelector("[data-testid=hop-row]");
        await page.locator("[data-testid=timeline-last] .apexcharts-line-series path").first()
          .waitFor();
        await screenshot(page, `trace_${after}_1280`);
        noErrors(w, "theme");
      });

      await step("phone width: readable without sideways scrolling of the page", async () => {
        const phone = await newPage(browser, { width: 390, height: 844 });
        await phone.page.goto(page.url());
        await phone.page.waitForSelector("[data-testid=hop-row]");
        await phone.page.locator(".apexcharts-line-series path").first().waitFor();
        const overflow = await phone.page.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth as number
        );
        assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
        await screenshot(phone.page, "trace_phone");
        await phone.page.click("nav button:has-text('Summary')");
        await phone.page.waitForSelector("[data-testid=summary-row]");
        await screenshot(phone.page, "summary_phone");
        noErrors(phone, "phone");
        await phone.context.close();
      });

      await step("shows the connection state and reconnects after a server restart", async () => {
        const port = Number(new URL(server.url).port);
        const dir = server.dir;
        await server.stop();
        await page.waitForSelector("[data-testid=connection]:has-text('Offline')");
        server = await startServer({ port, dir, alerts: true });
        await page.waitForSelector("[data-testid=connection]:has-text('Live')", {
          timeout: 15_000,
        });
        // Browsers log the failed WebSocket attempts while the server was down: expected here.
        w.errors.splice(
          0,
          w.errors.length,
          ...w.errors.filter((e) => !/WebSocket|ERR_CONNECTION/.test(e)),
        );
        noErrors(w, "reconnect");
      });
    } finally {
      await browser.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "ui - login page when the server has a password",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startServer({ password: "correct horse battery", alerts: true });
    const browser = await launch();
    try {
      const w = await newPage(browser);
      await w.page.goto(`${server.url}/`);
      await w.page.waitForSelector("form[aria-label='Log in']");
      await screenshot(w.page, "login");
      await w.page.fill("input[name=password]", "wrong");
      await w.page.click("button:has-text('Log in')");
      await w.page.waitForSelector(".login .error");
      await w.page.fill("input[name=password]", "correct horse battery");
      await w.page.click("button:has-text('Log in')");
      await w.page.waitForSelector("[data-testid=connection]:has-text('Live')");
      await addTarget(w.page, HOST);
      await w.page.waitForSelector("[data-testid=hop-row]");
      await w.page.click("header button:text-is('Log out')");
      await w.page.waitForSelector("form[aria-label='Log in']");
      // The failed login and the first unauthenticated reads answer 401: the browser logs those.
      const unexpected = w.errors.filter((e) => !/401/.test(e));
      assert.deepEqual(unexpected, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
