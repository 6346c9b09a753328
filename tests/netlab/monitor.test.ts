// The monitor against the lab: a route change made while it runs is stored exactly once.
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { spawnMonitor } from "./cli.ts";
import { skipLabTests } from "./helpers.ts";
import { withLab } from "./lab.ts";

const skip = await skipLabTests("monitor.test.ts");

const WAIT_LIMIT_MS = 60_000;
const POLL_MS = 200;

/** Counts rows of a table through a read-only connection (the monitor keeps writing). */
function countRows(db: string, table: "samples" | "route_changes"): number {
  let conn: DatabaseSync | null = null;
  try {
    conn = new DatabaseSync(db, { readOnly: true });
    const row = conn.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
    return row.n;
  } catch {
    return 0; // not created yet
  } finally {
    conn?.close();
  }
}

async function until(what: string, condition: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function collect(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) into.push(decoder.decode(chunk, { stream: true }));
}

Deno.test({
  name: "netlab monitor - a route change mid-run is recorded once, r2 before and r2b after",
  ignore: skip !== null,
  fn: () =>
    withLab({}, async (lab) => {
      const dir = await Deno.makeTempDir({ prefix: "pw-netlab-" });
      const db = join(dir, "pw.db");
      const target = lab.address("target", 4);
      const child = spawnMonitor(
        lab,
        [target, "--db", db, "--interval", "0.2"].concat([
          "--prober",
          "mtr-packet",
        ]),
      );
      const output: string[] = [];
      const drained = Promise.all([collect(child.stdout, output), collect(child.stderr, output)]);
      const log = () => output.join("").slice(-3000);
      try {
        // The route tracker learns the route over its first rounds: give it plenty.
        await until("15 stored rounds", () => countRows(db, "samples") >= 15, log);
        await lab.useAlternateRoute(true);
        await until("a route change", () => countRows(db, "route_changes") >= 1, log);
        // More rounds on the new route: a second (spurious) change would show up here.
        const seen = countRows(db, "samples");
        await until("15 more rounds", () => countRows(db, "samples") >= seen + 15, log);
      } finally {
        child.kill("SIGINT");
        const status = await child.status;
        await drained;
        assert.equal(status.code, 0, `monitor exit status\n${log()}`);
      }
      assert.equal(countRows(db, "route_changes"), 1, "exactly one route change row");
      const store = openSqliteStore(db);
      try {
        const [stored] = (await store.listTargets()).filter((t) => t.host === target);
        assert.ok(stored, "the monitor stored its target");
        const changes = await store.routeChanges(stored.id);
        assert.equal(changes.length, 1);
        const [change] = changes;
        console.log(
          `  route change: ${JSON.stringify(change.before)} -> ` +
            `${JSON.stringify(change.after)}`,
        );
        assert.deepEqual(change.before[0], [lab.address("r1", 4)]);
        assert.deepEqual(change.before[1], [lab.address("r2", 4)]);
        assert.deepEqual(change.after[1], [lab.address("r2b", 4)]);
        assert.deepEqual(change.after[2], [lab.address("r3", 4)]);
        assert.deepEqual(change.after[3], [target]);
      } finally {
        await store.close();
        await Deno.remove(dir, { recursive: true });
      }
    }),
});
