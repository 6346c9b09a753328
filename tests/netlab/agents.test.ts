// Several vantage points into one PostgreSQL on the real network lab: three headless servers
// (main.ts serve --agent pwa-aN) in the lab's agent namespace probe 500 lab targets each (final
// hop only, 5 s interval) for about 30 s, writing into one database through its Unix socket (the
// namespace has its own loopback). 450 targets are there at start, 50 are added through the
// first agent's API while they run (the other agents' target sync must pick them up), and 6 more
// are assigned to one agent only. Checked in the database afterwards: every agent's rounds of every target it
// probes, no sequence gaps (a skipped round takes a sequence number), the engines' skipped-round
// counters at 0, the assignment kept, and one retention sweep for the three agents.
import assert from "node:assert/strict";
import type { EngineCounters } from "../../engine/engine.ts";
import { DEFAULT_OPTIONS } from "../../engine/options.ts";
import { openPostgresStore } from "../../store/postgres/mod.ts";
import { openPool } from "../../store/postgres/connect.ts";
import { PG_PASSWORD, PG_SKIP_REASON, PG_USER, pgServer } from "../store/pg_server.ts";
import { type LabServer, startLabServer } from "./cli.ts";
import { skipLabTests } from "./helpers.ts";
import { createLab, type Lab } from "./lab.ts";
import { addManyTargets } from "./lab_many.ts";

const labSkip = await skipLabTests("agents.test.ts");
if (!labSkip && PG_SKIP_REASON) console.log(`agents.test.ts: skipped: ${PG_SKIP_REASON}`);

const AGENTS = ["pwa-a1", "pwa-a2", "pwa-a3"];
const AT_START = 450;
const LATER = 50;
const ASSIGNED = 6;
const INTERVAL_MS = 5000;
const RUN_MS = 30_000;
const WAIT_MS = 90_000;
const OPTIONS = { ...DEFAULT_OPTIONS, intervalMs: INTERVAL_MS, finalHopOnly: true };

interface Agent extends LabServer {
  name: string;
}

/** Starts `main.ts serve --headless --agent NAME` in the agent namespace; resolves listening. */
async function startAgent(lab: Lab, name: string, db: string, dataDir: string): Promise<Agent> {
  const args = ["serve", "--headless", "--port", "0", "--db", db, "--agent", name];
  const server = await startLabServer(
    lab,
    args.concat(["--interfaces-off", "--data-dir", dataDir]),
    name,
  );
  return { name, ...server };
}

/** GET url inside the agent namespace (the servers listen on its loopback). */
async function getJson(lab: Lab, url: string): Promise<Record<string, unknown>> {
  const out = await lab.run(["curl", "-sS", "--max-time", "10", url]);
  if (!out.success) throw new Error(`curl ${url}: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** Polls `check` until it holds or WAIT_MS passes. */
async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

Deno.test({
  name: "netlab agents - 3 agents x 500 lab targets into one PostgreSQL: all rounds, one sweep",
  ignore: labSkip !== null || PG_SKIP_REASON !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = pgServer()!;
    const database = server.createDatabase();
    const tcpUrl = server.url(database);
    const socketUrl = `postgres://${PG_USER}:${encodeURIComponent(PG_PASSWORD)}@localhost:` +
      `${server.port}/${database}?host=${encodeURIComponent(server.dir)}&sslmode=disable`;
    const lab = await createLab({ prefix: "pwa", lowLatency: false });
    const dirs: string[] = [];
    const agents: Agent[] = [];
    // Seeds the database; its writer loop never turns (the sweep must be one of the agents').
    const seed = openPostgresStore(tcpUrl, { agent: "pwa-seed", flushIntervalMs: 3_600_000 });
    const { sql } = openPool(tcpUrl);
    try {
      const addresses = await addManyTargets(lab, AT_START + LATER + ASSIGNED);
      const ids = new Map<string, number>();
      const add = async (host: string, only: string[] | null) => {
        const { id } = await seed.addTarget({ host, options: OPTIONS });
        await seed.setTargetMeta({
          targetId: id,
          configuration: null,
          replay: false,
          explicit: { intervalMs: INTERVAL_MS, finalHopOnly: true },
          agents: only,
        });
        ids.set(host, id);
      };
      for (const host of addresses.slice(0, AT_START)) await add(host, null);
      const assigned = addresses.slice(AT_START + LATER);
      for (const host of assigned) await add(host, ["pwa-a2"]);

      for (const name of AGENTS) {
        const dir = await Deno.makeTempDir({ prefix: "pwa-agent-" });
        dirs.push(dir);
        agents.push(await startAgent(lab, name, socketUrl, dir));
      }
      const started = Date.now();
      // Targets added through one agent's API while they run: the others must pick them up.
      for (const host of addresses.slice(AT_START, AT_START + LATER)) {
        const out = await lab.run([
          "curl",
          "-sS",
          "--fail-with-body",
          "--max-time",
          "10",
          "-H",
          "content-type: application/json",
          "-d",
          JSON.stringify({ host, interval: INTERVAL_MS / 1000, finalHopOnly: true }),
          `${agents[0].url}/api/targets`,
        ]);
        assert.ok(out.success, `POST /api/targets ${host}: ${out.stdout} ${out.stderr}`);
      }

      const perAgent = async () =>
        new Map(
          (await sql<{ name: string; n: number }[]>`SELECT a.name, count(*)::float8 AS n
            FROM series s JOIN agents a ON a.id = s.agent_id
            WHERE EXISTS (SELECT 1 FROM samples x WHERE x.target_id = s.id)
            GROUP BY a.name`).map((row) => [row.name, row.n]),
        );
      const wanted = AT_START + LATER;
      await waitUntil("every agent's rounds of every target", async () => {
        const counts = await perAgent();
        return AGENTS.every((name) =>
          counts.get(name) === wanted + (name === "pwa-a2" ? ASSIGNED : 0)
        );
      });
      const left = RUN_MS - (Date.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));

      const counters: { name: string; of: EngineCounters }[] = [];
      for (const agent of agents) {
        const version = await getJson(lab, `${agent.url}/api/version`);
        counters.push({ name: agent.name, of: version.counters as EngineCounters });
      }
      const listed = await getJson(lab, `${agents[0].url}/api/agents`);
      for (const agent of agents) agent.child.kill("SIGTERM");
      for (const agent of agents) {
        const status = await agent.child.status;
        assert.equal(status.code, 0, `${agent.name} stopped cleanly:\n${agent.log()}`);
      }

      const rows = await sql<
        { name: string; series: number; rounds: number; gaps: number; fewest: number }[]
      >`SELECT a.name, count(*)::float8 AS series, sum(n)::float8 AS rounds,
          sum(last - first + 1 - n)::float8 AS gaps, min(n)::float8 AS fewest
        FROM (SELECT s.agent_id, count(x.*) AS n, min(x.seq) AS first, max(x.seq) AS last
          FROM series s JOIN samples x ON x.target_id = s.id GROUP BY s.id) per
        JOIN agents a ON a.id = per.agent_id GROUP BY a.name ORDER BY a.name`;
      const [runs] = await sql<{ runs: number; agent: string }[]>`
        SELECT runs::float8 AS runs, agent FROM retention_runs`;
      const assignedTo = await sql<{ name: string }[]>`SELECT DISTINCT a.name FROM series s
        JOIN agents a ON a.id = s.agent_id WHERE s.target_id = ANY(${
        assigned.map((host) => ids.get(host)!)
      }::bigint[])`;
      const wallS = ((Date.now() - started) / 1000).toFixed(0);
      console.log(
        `agents: ${AGENTS.length} agents x ${wanted} targets (+${ASSIGNED} on pwa-a2) at ` +
          `${INTERVAL_MS / 1000} s, final hop only, ~${wallS} s:\n` +
          rows.map((r) =>
            `  ${r.name}: ${r.series} series, ${r.rounds} rounds, ${r.gaps} sequence gaps, ` +
            `fewest rounds of a target ${r.fewest}`
          ).join("\n") + "\n" +
          counters.map((c) =>
            `  ${c.name}: engine started ${c.of.roundsStarted}, completed ` +
            `${c.of.roundsCompleted}, skipped ${c.of.roundsSkipped}, late ${c.of.roundsLate}`
          ).join("\n") + `\n  retention sweeps: ${runs?.runs ?? 0} (by ${runs?.agent ?? "none"})`,
      );

      assert.deepEqual(rows.map((r) => r.name), AGENTS);
      for (const r of rows) {
        assert.equal(r.series, wanted + (r.name === "pwa-a2" ? ASSIGNED : 0), r.name);
        assert.equal(r.gaps, 0, `${r.name}: no round skipped or lost between stored rounds`);
        assert.ok(r.fewest >= 1, `${r.name}: every target has rounds`);
      }
      for (const c of counters) assert.equal(c.of.roundsSkipped, 0, `${c.name} skipped rounds`);
      assert.deepEqual(assignedTo.map((r) => r.name), ["pwa-a2"], "assigned targets");
      assert.equal(runs?.runs, 1, "one retention sweep for the three agents");
      assert.deepEqual(
        (listed.agents as { name: string }[]).map((a) => a.name),
        AGENTS,
        "GET /api/agents lists the three",
      );
    } finally {
      for (const agent of agents) {
        try {
          agent.child.kill("SIGKILL");
        } catch { /* already gone */ }
      }
      await sql.end();
      await seed.close();
      await lab.destroy();
      for (const dir of dirs) await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
