// Alerts per agent on PostgreSQL: two agents (two engines, each writing its own rounds into one
// database) evaluate the same rule on the same target, each on its own rounds. Each keeps its
// own state: one firing does not make the other fire, a restart resumes the agent's own state,
// never the other's, and every event names the agent whose rounds raised it (its message too,
// as several agents write here).
import assert from "node:assert/strict";
import { createRule } from "../../alerts/admin.ts";
import { type AlertService, startAlerts } from "../../alerts/service.ts";
import { ManualClock } from "../../engine/clock.ts";
import { Engine } from "../../engine/engine.ts";
import { resolveTargetOptions } from "../../engine/options.ts";
import { FakeProber } from "../../engine/probers/fake.ts";
import { openStore, type Store } from "../../store/mod.ts";
import { driveUntil } from "../engine/helpers.ts";
import { PG_SKIP_REASON, pgServer } from "../store/pg_server.ts";
import { captureLog, DEST, HEALTHY, LOSSY, T0, tempDir } from "./helpers.ts";

const LOSS_RULE = {
  name: "destination loss",
  condition: { metric: "lossPct", op: ">=", threshold: 50, recoverThreshold: 10 },
  focusSamples: 4,
  trigger: { consecutive: 3 },
  recoverAfterSamples: 3,
  actions: [],
} as const;

interface Agent {
  name: string;
  fake: FakeProber;
  engine: Engine;
  store: Store;
}

async function agent(name: string, url: string, clock: ManualClock): Promise<Agent> {
  const store = await openStore(url, { agent: name, clock });
  const fake = new FakeProber({ clock, network: { [DEST]: HEALTHY } });
  const engine = new Engine({ prober: fake, clock, spreadStart: false, reverseDns: false });
  engine.subscribe((event) => event.type === "round" && store.appendRound(event.round));
  return { name, fake, engine, store };
}

Deno.test({
  name: "alerts per agent - two agents' states of one rule and target stay apart",
  ignore: PG_SKIP_REASON !== null,
  async fn() {
    captureLog();
    const url = pgServer()!.url(pgServer()!.createDatabase());
    const clock = new ManualClock(T0);
    const dataDir = tempDir();
    const east = await agent("east", url, clock);
    const west = await agent("west", url, clock);
    const start = (a: Agent) => startAlerts({ engine: a.engine, store: a.store, clock, dataDir });
    const services: AlertService[] = [];
    const advance = async (ms: number) => {
      for (let done = 0; done < ms; done += 1000) {
        await clock.advance(1000);
        for (const service of services) await service.idle();
      }
    };
    try {
      const options = resolveTargetOptions({ intervalMs: 1000, timeoutMs: 500 });
      const target = await east.store.addTarget({ host: DEST, label: "lab", options });
      services.push(await start(east));
      const rule = await createRule(services[0], LOSS_RULE);
      services.push(await start(west));
      const [eastAlerts, westAlerts] = services;
      assert.equal(westAlerts.agent, "west");
      east.engine.setTarget(target);
      west.engine.setTarget(target);
      await advance(10_000);
      // An agent shows in the database once its first rounds are written; the stores flush on
      // their own timer, so write both now: from here on each knows the other writes here too.
      await Promise.all([east.store.flush(), west.store.flush()]);
      assert.deepEqual((await east.store.listAgents()).map((a) => a.name).sort(), ["east", "west"]);
      east.fake.setRoute(DEST, LOSSY);
      await advance(20_000);

      assert.deepEqual(eastAlerts.active().map((a) => a.ruleId), [rule.id], "east sees the loss");
      assert.deepEqual(westAlerts.active(), [], "west does not");
      const status = async (a: Agent) =>
        (await a.store.alertStates(a.name)).map((s) => (s.state as { status: string }).status);
      assert.deepEqual(await status(east), ["firing"]);
      assert.ok(!(await status(west)).includes("firing"), "west's state is its own");
      const events = await west.store.alertEvents();
      assert.deepEqual(events.map((e) => [e.kind, e.agent]), [["firing", "east"]]);
      const detail = events[0].detail as { agent: string; message: string };
      assert.equal(detail.agent, "east", "the event JSON too");
      assert.match(
        detail.message,
        /^lossPct 100\.0 % >= 50 at hop 3 \(10\.0\.0\.9\), from agent east$/,
      );

      // Restarts resume each agent's own state: west does not pick up east's firing alert.
      for (const service of services.splice(0)) await service.stop();
      services.push(await start(east), await start(west));
      const [eastAgain, westAgain] = services;
      assert.equal(eastAgain.active().length, 1, "east's firing state came back");
      assert.deepEqual(westAgain.active(), [], "west's did not become east's");

      east.fake.setRoute(DEST, HEALTHY);
      west.fake.setRoute(DEST, LOSSY);
      await advance(20_000);
      assert.deepEqual(eastAgain.active(), []);
      assert.equal(westAgain.active().length, 1);
      // The two agents' events of this stretch come in either order: compare them sorted.
      assert.deepEqual(
        (await east.store.alertEvents()).map((e) => `${e.agent} ${e.kind}`).sort(),
        ["east firing", "east recovered", "west firing"],
      );
      assert.deepEqual(
        (await east.store.alertEvents({ agent: "west" })).map((e) => e.kind),
        ["firing"],
      );
    } finally {
      await driveUntil(clock, Promise.all([east.engine.stop(), west.engine.stop()]));
      for (const service of services) {
        await service.idle();
        await service.stop();
      }
      await east.store.close();
      await west.store.close();
    }
  },
});
