// Sessions in Chromium: the list filtered by date, and replaying a 7-day session shows both ends
// of its range (the end used to be dropped: "22:02:00 – 22:02:00").
import assert from "node:assert/strict";
import { launch, newPage, screenshot, skipReason, startServer } from "./harness.ts";
import { addByApi, LAB } from "./lab.ts";

const reason = skipReason();
if (reason) console.log(`ui: ${reason}`);

const DAY = 86_400_000;

function localDay(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

Deno.test({
  name: "ui sessions - date filter, and a 7-day replay shows its end time",
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
      const now = Math.floor(Date.now() / 60_000) * 60_000;
      const week = { name: "last week", start: now - 7 * DAY, end: now };
      const old = { name: "old outage", start: now - 20 * DAY, end: now - 20 * DAY + 3_600_000 };
      for (const s of [week, old]) {
        const res = await page.request.post(`${server.url}/api/targets/${id}/sessions`, {
          data: s,
        });
        assert.equal(res.status(), 201, await res.text());
      }
      await page.goto(`${server.url}/#/sessions/${id}`);
      await page.waitForSelector("[data-testid=session-row]:has-text('old outage')");
      assert.equal(await page.locator("[data-testid=session-row]").count(), 2);
      // From two days ago: only the week overlaps.
      await page.fill("input[name=sessions-from]", localDay(now - 2 * DAY));
      await page.waitForFunction(() =>
        (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } })
          .document.querySelectorAll("[data-testid=session-row]").length === 1
      );
      assert.match(await page.locator("[data-testid=session-row]").innerText(), /last week/);
      // Up to 15 days ago: only the old one.
      await page.fill("input[name=sessions-from]", "");
      await page.fill("input[name=sessions-to]", localDay(now - 15 * DAY));
      await page.waitForSelector("[data-testid=session-row]:has-text('old outage')");
      assert.equal(await page.locator("[data-testid=session-row]").count(), 1);
      await page.fill("input[name=sessions-to]", localDay(now - 25 * DAY));
      await page.waitForSelector("td.empty:has-text('No sessions on these dates')");
      await screenshot(page, "sessions_filtered");
      await page.click("button:has-text('all dates')");
      await page.waitForSelector("[data-testid=session-row]:has-text('last week')");

      // Replay the week: both ends with their dates.
      await page.click("[data-testid=session-row]:has-text('last week') button:text-is('Replay')");
      await page.waitForURL(/#\/trace\/\d+$/);
      const startDay = localDay(week.start), endDay = localDay(week.end);
      const range = await page.locator("[data-testid=timeline-range]").innerText();
      assert.match(range, new RegExp(`^${startDay} \\d\\d:\\d\\d:\\d\\d – ${endDay} \\d\\d:`));
      const focus = await page.locator("[data-testid=focus-label]").innerText();
      assert.match(focus, new RegExp(`^${startDay} .* – ${endDay} `));
      await screenshot(page, "replay_7d");
      assert.deepEqual(w.errors, []);
    } catch (error) {
      await screenshot(page, "fail_sessions_audit");
      throw error;
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
