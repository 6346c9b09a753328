// The alerts page in a real browser (Chromium via playwright-core) against a real server with the
// alert service running, its engine probing a FakeProber network (nothing leaves the machine):
// create a loss rule through the form, inject loss, see the alert marked in the summary and the
// trace graph and kept in the history, remove the loss and see the recovery; test-fire, edit,
// disable and delete the rule. Screenshots go to tests/ui/screenshots/alerts-*.png.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type FakeHop, straightRoute } from "../../engine/probers/fake.ts";
import { ruleSpecSchema } from "../../alerts/rule.ts";
import { actionForms } from "../../alerts/mod.ts";
import {
  draftOf,
  errorAt,
  fieldErrorsOf,
  formFor,
  newActionDraft,
  newRuleDraft,
  specOf,
} from "../../ui/model/alerts_draft.ts";
import { type AlertRule, fieldLabel } from "../../ui/model/alerts_types.ts";
import { api } from "./alerts_helpers.ts";
import {
  launch,
  newPage,
  screenshot,
  skipReason,
  startServer,
  type TestServer,
  type Watched,
} from "./harness.ts";

Deno.test("ui alerts draft - every field survives rule → form → rule, as the API reads it", () => {
  const input = {
    name: "everything",
    enabled: false,
    scope: { targetIds: [2, 5] },
    hop: { hop: 4 },
    condition: { metric: "jitterMs", op: ">", threshold: 12.5, recoverThreshold: 8 },
    focusSamples: 20,
    trigger: { xOf: 3, last: 7 },
    recoverAfterSamples: 4,
    repeatIntervalMs: 900_000,
    evidenceWindowMs: 300_000,
    actions: [
      { type: "email", to: ["a@example.org", "b@example.org"], cc: ["c@example.org"] },
      {
        type: "webhook",
        url: "http://127.0.0.1:9/hook",
        method: "PUT",
        headers: { "X-Token": "abc" },
        on: ["firing", "recovered"],
        timeoutMs: 2500,
        retries: 4,
        retryBackoffMs: 500,
      },
      { type: "logFile", file: "x.jsonl" },
      { type: "command", argv: ["/usr/bin/logger", "-t", "pingwatcher"] },
      { type: "comment", prefix: "NOC" },
      { type: "saveImage" },
    ],
  };
  const rule = { ...ruleSpecSchema.parse(input), id: 9, createdAt: 1, updatedAt: 2 };
  const forms = actionForms();
  const { spec, errors } = specOf(draftOf(rule as unknown as AlertRule, forms));
  assert.deepEqual(errors, {});
  const { id: _id, createdAt: _c, updatedAt: _u, ...expected } = rule;
  assert.deepEqual(ruleSpecSchema.parse(spec), expected);
  for (const hop of ["final", "any", { address: "10.0.0.1" }] as const) {
    const again = specOf(draftOf({ ...rule, hop } as unknown as AlertRule, forms)).spec;
    assert.deepEqual(again?.hop, hop);
  }
});

Deno.test("ui alerts draft - blank or bad fields are named before any request", () => {
  const webhook = newActionDraft(formFor(actionForms(), "webhook"));
  const draft = {
    ...newRuleDraft(),
    name: " ",
    scopeAll: false,
    threshold: "",
    triggerKind: "forMs" as const,
    forS: "1.0005",
    actions: [{ ...webhook, values: { ...webhook.values, headers: "no colon here" }, on: [] }],
  };
  const { spec, errors } = specOf(draft);
  assert.equal(spec, null);
  assert.deepEqual(Object.keys(errors).sort(), [
    "actions.0.headers",
    "actions.0.on",
    "condition.threshold",
    "name",
    "scope.targetIds",
    "trigger.forMs",
  ]);
  const server = fieldErrorsOf([{ field: "actions.1.to.0", message: "not an address" }], "bad");
  assert.equal(errorAt(server, "actions.1.to"), "not an address");
  assert.equal(fieldLabel("actions.1.to.0"), "Action 2 to");
  assert.deepEqual(fieldErrorsOf(undefined, "HTTP 400"), { "": "HTTP 400" });
});

const reason = skipReason();
if (reason) console.log(`ui alerts: ${reason}`);

const DEST = "198.51.100.30";
const HEALTHY: FakeHop[] = straightRoute(["10.3.0.1", "10.3.0.2", DEST], { stepMs: 3 });
const LOSSY: FakeHop[] = [{ ip: "10.3.0.1" }, { ip: "10.3.0.2" }, { ip: DEST, lossPct: 100 }];
const WAIT = { timeout: 15_000 };

function noErrors(w: Watched, step: string, expected: RegExp[] = []): void {
  const seen = w.errors.splice(0).filter((e) => !expected.some((re) => re.test(e)));
  assert.deepEqual(seen, [], `console errors during "${step}"`);
}

async function fillRule(page: Page): Promise<void> {
  const form = page.locator("form.alert-form");
  await form.locator("input[name=name]").fill("loss to the lab");
  await form.locator("select[name=metric]").selectOption("lossPct");
  await form.locator("select[name=op]").selectOption(">=");
  await form.locator("input[name=threshold]").fill("50");
  await form.locator("input[name=focusSamples]").fill("2");
  await form.locator("select[name=triggerKind]").selectOption("consecutive");
  await form.locator("input[name=consecutive]").fill("2");
  await form.locator("input[name=recoverAfterSamples]").fill("2");
  await form.locator("select[name=newAction]").selectOption("logFile");
  await form.getByRole("button", { name: "Add action" }).click();
  await form.locator("input[name=file]").fill("lab.jsonl");
  await form.locator("select[name=newAction]").selectOption("comment");
  await form.getByRole("button", { name: "Add action" }).click();
  await form.locator("input[name=prefix]").fill("ALERT");
}

Deno.test({
  name: "ui alerts - create a rule, fire on loss, recover, test-fire, edit, disable, delete",
  ignore: reason !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const server: TestServer = await startServer({ network: { [DEST]: HEALTHY }, alerts: true });
    const browser = await launch();
    const w = await newPage(browser);
    const { page } = w;
    try {
      const { target } = await api<{ target: { id: number } }>(server, "POST", "/api/targets", {
        host: DEST,
        interval: 0.5,
        timeout: 0.3,
      });
      await page.goto(`${server.url}/#/alerts`);

      await t.step("the form names what is wrong, from itself and from the API", async () => {
        await page.getByRole("button", { name: "New rule" }).click();
        const form = page.locator("form.alert-form");
        // The keyboard lands in the form's first field.
        assert.equal(
          await form.locator("input[name=name]").evaluate((el) =>
            el === el.ownerDocument.activeElement
          ),
          true,
        );
        await form.getByRole("button", { name: "Create rule" }).click();
        await form.getByText("give the rule a name").first().waitFor(WAIT);
        await fillRule(page);
        // On the wrong side of the threshold: only the server knows that rule.
        await form.locator("input[name=recoverThreshold]").fill("80");
        await form.getByRole("button", { name: "Create rule" }).click();
        await form.locator(".field-error", { hasText: "clear side of threshold" }).waitFor(WAIT);
        assert.equal(
          await form.locator("input[name=recoverThreshold]").getAttribute("aria-invalid"),
          "true",
        );
        await screenshot(page, "alerts-form-errors");
        noErrors(w, "validation", [/400/, /api\/alerts\/rules/]);
      });

      await t.step("create the loss rule and test-fire its actions", async () => {
        const form = page.locator("form.alert-form");
        await form.locator("input[name=recoverThreshold]").fill("10");
        // An action can be tried before the rule is saved.
        await form.locator("[data-testid=alert-action]").first()
          .getByRole("button", { name: "Test this action" }).click();
        await page.locator("[data-testid=test-outcome]", { hasText: "Test of action 1 (logFile)" })
          .getByText(/✓ logFile: appended/).waitFor(WAIT);
        await form.getByRole("button", { name: "Create rule" }).click();
        const row = page.locator("[data-testid=alert-rule]");
        await row.waitFor(WAIT);
        assert.match(await row.innerText(), /loss % >= 50 \(clear past 10\) at the final hop/);
        await row.getByRole("button", { name: /Test-fire/ }).click();
        await page.getByRole("button", { name: "Fire test" }).click();
        const outcome = page.locator("[data-testid=test-outcome]");
        await outcome.getByText(/✓ logFile/).waitFor(WAIT);
        assert.match(await outcome.innerText(), /✓ comment/);
        const log = await Deno.readTextFile(join(server.dir, "alerts", "lab.jsonl"));
        assert.deepEqual(log.trim().split("\n").map((l) => JSON.parse(l).kind), ["test", "test"]);
        await page.locator("[data-testid=alert-event]", { hasText: "test" }).first().waitFor(WAIT);
        noErrors(w, "create");
      });

      await t.step(
        "loss fires the alert: marked in summary and trace graph, kept in history",
        async () => {
          server.prober.setRoute(DEST, LOSSY);
          await page.locator("[data-testid=active-alert]").waitFor(WAIT);
          await page.locator("[data-testid=alert-event]", { hasText: "firing" }).first().waitFor(
            WAIT,
          );
          await screenshot(page, "alerts-page-firing");
          await page.locator("nav").getByRole("button", { name: "Summary" }).click();
          const row = page.locator("[data-testid=summary-row]").first();
          await row.locator("[data-testid=alert-badge]").waitFor(WAIT);
          assert.match(await row.getAttribute("class") ?? "", /alerting/);
          await screenshot(page, "alerts-summary-firing");
          await row.click();
          const hop = page.locator("[data-testid=hop-row].alerting");
          await hop.locator("[data-testid=alert-badge]").waitFor(WAIT);
          assert.match(await hop.innerText(), new RegExp(DEST.replaceAll(".", "\\.")));
          assert.equal(await page.locator("[data-testid=hop-row].alerting").count(), 1);
          assert.match(
            await page.locator("[data-testid=alert-banner]").innerText(),
            /loss to the lab at hop 3/,
          );
          await screenshot(page, "alerts-trace-firing");
          noErrors(w, "firing");
        },
      );

      await t.step("removing the loss recovers: markers go, history says recovered", async () => {
        server.prober.setRoute(DEST, HEALTHY);
        await page.locator("[data-testid=hop-row] [data-testid=alert-badge]").waitFor({
          state: "detached",
          ...WAIT,
        });
        await page.locator("nav").getByRole("button", { name: "Alerts" }).click();
        await page.locator("[data-testid=no-active-alerts]").waitFor(WAIT);
        await page.locator("[data-testid=alert-event]", { hasText: "recovered" }).first()
          .waitFor(WAIT);
        const kinds = (await api<{ events: { kind: string }[] }>(
          server,
          "GET",
          `/api/alerts/events?targetId=${target.id}&kind=firing,recovered`,
        )).events.map((e) => e.kind);
        assert.deepEqual(kinds, ["recovered", "firing"], "exactly one alert and one recovery");
        const { comments } = await api<{ comments: { text: string }[] }>(
          server,
          "GET",
          `/api/targets/${target.id}/comments`,
        );
        assert.ok(comments.some((c) => c.text.startsWith("ALERT")), "the comment action ran");
        // The history filter: only recoveries.
        await page.locator("input[name=historyKind][value=recovered]").check();
        await page.getByRole("button", { name: "Apply filter" }).click();
        await page.waitForFunction(
          () => {
            // deno-lint-ignore no-explicit-any
            const rows = (globalThis as any).document.querySelectorAll(
              "[data-testid=alert-event]",
            );
            return rows.length === 1 && rows[0].className.includes("recovered");
          },
          undefined,
          WAIT,
        );
        await screenshot(page, "alerts-page-recovered");
        noErrors(w, "recovery");
      });

      await t.step("events of several agents: the history names each one's agent", async () => {
        const table = page.locator("table.alert-history");
        assert.equal(await table.locator("th", { hasText: "Agent" }).count(), 0, "one agent");
        // Another agent on the same database recorded a recovery of the same rule and target.
        const [own] = await server.store.alertEvents({ kinds: ["recovered"], limit: 1 });
        await server.store.addAlertEvent({
          ruleId: own.ruleId,
          targetId: target.id,
          agent: "ams-1",
          kind: "recovered",
          at: own.at + 1,
          detail: { ...(own.detail as object), agent: "ams-1", message: "seen from ams-1" },
        });
        await page.getByRole("button", { name: "Refresh" }).click();
        await table.locator("th", { hasText: "Agent" }).waitFor(WAIT);
        const agents = await page.locator("[data-testid=alert-event-agent]").allInnerTexts();
        assert.deepEqual(agents, ["ams-1", "local"], "newest first, each with its agent");
        noErrors(w, "agents");
      });

      await t.step("edit, disable and delete the rule", async () => {
        const row = page.locator("[data-testid=alert-rule]");
        await row.getByRole("button", { name: /^Edit rule/ }).click();
        const form = page.locator("form.alert-form");
        assert.equal(await form.locator("input[name=threshold]").inputValue(), "50");
        assert.equal(await form.locator("[data-testid=alert-action]").count(), 2);
        await form.locator("input[name=threshold]").fill("30");
        await form.getByRole("button", { name: "Save rule" }).click();
        await row.getByText(/loss % >= 30/).waitFor(WAIT);
        await row.getByRole("checkbox", { name: /Enable rule/ }).uncheck();
        await page.locator("[data-testid=alert-rule].alert-rule-off").waitFor(WAIT);
        const { rules } = await api<{ rules: { enabled: boolean; condition: unknown }[] }>(
          server,
          "GET",
          "/api/alerts/rules",
        );
        assert.deepEqual(
          [rules[0].enabled, rules[0].condition],
          [false, { metric: "lossPct", op: ">=", threshold: 30, recoverThreshold: 10 }],
        );
        await row.getByRole("button", { name: /^Delete rule/ }).click();
        await screenshot(page, "alerts-delete-confirm");
        await row.getByRole("button", { name: "Confirm delete" }).click();
        await page.getByText("No rules yet").waitFor(WAIT);
        const after = await api<{ rules: unknown[] }>(server, "GET", "/api/alerts/rules");
        assert.equal(after.rules.length, 0);
        noErrors(w, "edit");
      });

      await t.step("phone width: the rule form fits without sideways scrolling", async () => {
        await page.setViewportSize({ width: 390, height: 800 });
        await page.getByRole("button", { name: "New rule" }).click();
        await page.locator("select[name=newAction]").selectOption("webhook");
        await page.getByRole("button", { name: "Add action" }).click();
        await screenshot(page, "alerts-form-phone");
        const overflow = await page.evaluate(() => {
          // deno-lint-ignore no-explicit-any
          const doc = (globalThis as any).document.documentElement;
          return doc.scrollWidth - doc.clientWidth;
        });
        assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
        await page.keyboard.press("Escape");
        noErrors(w, "phone");
      });
    } finally {
      await w.context.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.close();
    }
  },
});
