// The alert service end to end on a real Engine driven by the FakeProber on a manual clock:
// injected loss starts and stops, and exactly one alert and one recovery arrive; a restart in
// the middle neither fires again nor loses the recovery; slow actions do not hold anything up.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createRule, deleteRule } from "../../alerts/admin.ts";
import { type AlertService, startAlerts } from "../../alerts/service.ts";
import { ManualClock } from "../../engine/clock.ts";
import { Engine } from "../../engine/engine.ts";
import { resolveTargetOptions } from "../../engine/options.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import type { Store, TargetRecord } from "../../store/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { driveUntil } from "../engine/helpers.ts";
import { captureLog, DEST, HEALTHY, LOSSY, T0, tempDir } from "./helpers.ts";

interface Lab {
  clock: ManualClock;
  fake: FakeProber;
  engine: Engine;
  store: Store;
  target: TargetRecord;
  dataDir: string;
  dbPath: string;
}

async function lab(): Promise<Lab> {
  captureLog();
  const clock = new ManualClock(T0);
  const dataDir = tempDir();
  const dbPath = join(dataDir, "pingwatcher.db");
  const store = openSqliteStore(dbPath, { clock });
  const fake = new FakeProber({ clock, network: { [DEST]: HEALTHY } });
  const engine = new Engine({ prober: fake, clock, spreadStart: false, reverseDns: false });
  engine.subscribe((event) => event.type === "round" && store.appendRound(event.round));
  const options = resolveTargetOptions({ intervalMs: 1000, timeoutMs: 500 });
  const target = await store.addTarget({ host: DEST, label: "lab", options });
  return { clock, fake, engine, store, target, dataDir, dbPath };
}

const LOSS_RULE = {
  name: "destination loss",
  condition: { metric: "lossPct", op: ">=", threshold: 50, recoverThreshold: 10 },
  focusSamples: 4,
  trigger: { consecutive: 3 },
  recoverAfterSamples: 3,
  actions: [{ type: "logFile" }, { type: "comment", prefix: "alert:" }],
} as const;

/**
 * Moves the clock a second at a time and lets the service settle in between: actions doing real
 * I/O then finish in no simulated time, as they would against seconds-long timeouts.
 */
async function advance(t: Lab, service: AlertService, ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 1000) {
    await t.clock.advance(1000);
    await service.idle();
  }
}

async function finish(t: Lab, ...services: AlertService[]): Promise<void> {
  await driveUntil(t.clock, t.engine.stop());
  for (const service of services) {
    await service.idle();
    await service.stop();
  }
  await t.store.close();
}

Deno.test("alert service - injected loss starts and stops: exactly one alert and one recovery", async () => {
  const t = await lab();
  const service = await startAlerts({
    engine: t.engine,
    store: t.store,
    clock: t.clock,
    dataDir: t.dataDir,
  });
  await createRule(service, LOSS_RULE);
  t.engine.setTarget(t.target);
  await advance(t, service, 20_000);
  t.fake.setRoute(DEST, LOSSY);
  await advance(t, service, 30_000);
  assert.equal(service.active().length, 1, "firing while the loss lasts");
  t.fake.setRoute(DEST, HEALTHY);
  await advance(t, service, 30_000);
  await service.idle();
  assert.deepEqual(service.active(), []);

  const history = (await service.store.alertEvents({})).reverse();
  assert.deepEqual(history.map((e) => e.kind), ["firing", "recovered"]);
  const [fired, recovered] = history;
  assert.ok(fired.at > T0 + 20_000 && fired.at < T0 + 30_000, "fires within a few rounds");
  assert.ok(recovered.at > T0 + 50_000 && recovered.at < T0 + 60_000);
  assert.equal((recovered.detail as { firedAt: number }).firedAt, fired.at);
  assert.deepEqual(fired.actions.map((a) => [a.type, a.ok]), [["logFile", true], [
    "comment",
    true,
  ]]);

  const lines = Deno.readTextFileSync(join(t.dataDir, "alerts", "alerts.jsonl")).trim().split("\n");
  assert.deepEqual(lines.map((l) => JSON.parse(l).kind), ["firing", "recovered"]);
  const comments = await t.store.timelineComments(t.target.id, { start: T0, end: T0 + 120_000 });
  assert.deepEqual(comments.map((c) => c.at), [fired.at, recovered.at]);
  assert.match(comments[0].text, /^alert: lossPct 100\.0 % >= 50 at hop 3 \(10\.0\.0\.9\)$/);
  assert.equal(t.engine.counters().roundsLate, 0, "alerting never delayed a round");
  await finish(t, service);
});

Deno.test("alert service - a restart while firing neither fires again nor loses the recovery", async () => {
  const t = await lab();
  const deps = { engine: t.engine, store: t.store, clock: t.clock, dataDir: t.dataDir };
  const first = await startAlerts(deps);
  await createRule(first, { ...LOSS_RULE, actions: [] });
  t.engine.setTarget(t.target);
  await t.clock.advance(10_000);
  t.fake.setRoute(DEST, LOSSY);
  await t.clock.advance(20_000);
  await first.stop();
  assert.deepEqual((await t.store.alertEvents()).map((e) => e.kind), ["firing"]);

  const second = await startAlerts(deps);
  assert.equal(second.active().length, 1, "the firing state came back from the store");
  await t.clock.advance(20_000);
  assert.deepEqual((await t.store.alertEvents()).map((e) => e.kind), ["firing"], "no re-fire");
  t.fake.setRoute(DEST, HEALTHY);
  await t.clock.advance(20_000);
  await second.idle();
  assert.deepEqual((await t.store.alertEvents()).map((e) => e.kind), ["recovered", "firing"]);
  await finish(t, second);
});

Deno.test("alert service - a route change alert and an address-in-route alert", async () => {
  const t = await lab();
  const service = await startAlerts({
    engine: t.engine,
    store: t.store,
    clock: t.clock,
    dataDir: t.dataDir,
  });
  await createRule(service, {
    name: "route changed",
    condition: { metric: "routeChanged" },
    trigger: { consecutive: 1 },
    recoverAfterSamples: 5,
  });
  await createRule(service, {
    name: "via backup link",
    hop: "any",
    condition: { metric: "addressInRoute", address: "10.0.0.66" },
    trigger: { consecutive: 2 },
  });
  t.engine.setTarget(t.target);
  await t.clock.advance(20_000);
  t.fake.setRoute(DEST, straightRoute(["10.0.0.1", "10.0.0.66", DEST]));
  await t.clock.advance(20_000);
  await service.idle();
  const events = (await t.store.alertEvents()).reverse();
  // The route tracker confirms a change over a few rounds; the address rule needs two.
  assert.deepEqual(events.map((e) => [e.ruleId, e.kind]).sort(), [
    [1, "firing"],
    [1, "recovered"],
    [2, "firing"],
  ]);
  const via = events.find((e) => e.ruleId === 2)!;
  assert.deepEqual([(via.detail as { hop: number }).hop, via.at - T0], [2, 21_000]);
  await finish(t, service);
});

Deno.test("alert service - a slow action holds up neither evaluation nor other actions", async () => {
  const t = await lab();
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  let sawRecovery!: () => void;
  const recoveryHook = new Promise<void>((resolve) => sawRecovery = resolve);
  const hits: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.json();
    hits.push(body.event.kind);
    if (body.event.kind === "firing") await released;
    else sawRecovery();
    return new Response("ok");
  });
  const service = await startAlerts({
    engine: t.engine,
    store: t.store,
    clock: t.clock,
    dataDir: t.dataDir,
  });
  await createRule(service, {
    ...LOSS_RULE,
    actions: [
      { type: "webhook", url: `http://127.0.0.1:${server.addr.port}/hook`, timeoutMs: 600_000 },
      { type: "logFile", timeoutMs: 600_000 },
    ],
  });
  t.engine.setTarget(t.target);
  t.fake.setRoute(DEST, LOSSY);
  await t.clock.advance(10_000);
  t.fake.setRoute(DEST, HEALTHY);
  await t.clock.advance(10_000);
  await service.idleEvaluation();
  const kinds = (await t.store.alertEvents()).map((e) => e.kind);
  assert.deepEqual(kinds, ["recovered", "firing"], "recovery evaluated while the hook hangs");
  await recoveryHook; // the recovery's hook was called while the firing's hook still hangs
  assert.deepEqual(hits, ["firing", "recovered"]);
  release();
  await service.idle();
  const logged = Deno.readTextFileSync(join(t.dataDir, "alerts", "alerts.jsonl"));
  assert.equal(logged.trim().split("\n").length, 2);
  const runs = (await t.store.alertEvents()).map((e) => e.actions.map((a) => a.ok));
  assert.deepEqual(runs, [[true, true], [true, true]]);
  await server.shutdown();
  await finish(t, service);
});

Deno.test("alert service - the saved image shows the stored rounds of the window", async () => {
  const t = await lab();
  const service = await startAlerts({
    engine: t.engine,
    store: t.store,
    clock: t.clock,
    dataDir: t.dataDir,
  });
  await createRule(service, {
    ...LOSS_RULE,
    actions: [{ type: "saveImage", format: "svg", on: ["firing"] }],
  });
  t.engine.setTarget(t.target);
  await advance(t, service, 30_000);
  t.fake.setRoute(DEST, LOSSY);
  await advance(t, service, 10_000);
  const [fired] = await t.store.alertEvents();
  const path = fired.actions[0].output!.replace(/^saved /, "");
  const svg = Deno.readTextFileSync(path);
  const lost = svg.match(/<title>lost<\/title>/g)?.length ?? 0;
  assert.ok(lost >= 3 && lost <= 5, `the lost rounds before the event are marked (${lost})`);
  const table = svg.slice(svg.indexOf(">Hop<"));
  assert.match(table, /10\.0\.0\.2/, "the hop table lists the path");
  await finish(t, service);
});

Deno.test("alert service - a rule made through another process on the database applies here after one follow period", async () => {
  const t = await lab();
  // `other` stands for another agent's server on the same database (its API calls createRule);
  // `here` follows the rules every 10 s, as serve does.
  const here = await startAlerts({
    engine: t.engine,
    store: t.store,
    clock: t.clock,
    dataDir: t.dataDir,
    followRulesMs: 10_000,
  });
  const other = await startAlerts({
    engine: { subscribe: () => () => {} },
    store: t.store,
    clock: t.clock,
    dataDir: t.dataDir,
  });
  const made = await createRule(other, { ...LOSS_RULE, actions: [] });
  assert.deepEqual(here.evaluator.rules.map((r) => r.id), [], "not before the next re-read");
  await t.clock.advance(10_000);
  assert.deepEqual(here.evaluator.rules.map((r) => r.id), [made.id]);
  // And it fires here on this process's rounds.
  t.engine.setTarget(t.target);
  await advance(t, here, 10_000);
  t.fake.setRoute(DEST, LOSSY);
  await advance(t, here, 20_000);
  assert.deepEqual(here.active().map((a) => a.ruleId), [made.id]);
  // A rule deleted elsewhere stops here too, and its state goes.
  await deleteRule(other, made.id);
  await advance(t, here, 10_000);
  assert.deepEqual(here.evaluator.rules.map((r) => r.id), []);
  assert.deepEqual(here.active(), []);
  await other.stop();
  await finish(t, here);
});
