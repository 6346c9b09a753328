// The synthetic history generator (store/synthetic.ts) and the `seed` command (api/cli/seed.ts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../engine/clock.ts";
import type { Round } from "../../engine/types.ts";
import { parseSeedArgs, runSeed, type SeedDeps } from "../../api/cli/seed.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import {
  roundsPerTarget,
  syntheticHistory,
  type SyntheticItem,
  syntheticTargets,
} from "../../store/synthetic.ts";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;
// The store's clock must agree with the seed's "now", or retention would judge the history old.
const CLOCK = { ...systemClock, now: () => NOW };
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

function generate(
  count: number,
  options: { days: number; intervalMs: number; seed?: number; hops?: number },
): SyntheticItem[] {
  const targets = syntheticTargets(count).map((t, i) => ({ ...t, targetId: 100 + i }));
  return [...syntheticHistory(targets, { endMs: NOW, ...options })];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function finalRtts(rounds: Round[]): number[] {
  return rounds.filter((r) => r.destinationReached).map((r) => r.hops.at(-1)!.rttUs!);
}

Deno.test("synthetic - the same seed gives the same history, another seed another", () => {
  const a = generate(3, { days: 0.05, intervalMs: 2500, seed: 7 });
  const b = generate(3, { days: 0.05, intervalMs: 2500, seed: 7 });
  const c = generate(3, { days: 0.05, intervalMs: 2500, seed: 8 });
  assert.deepEqual(a, b);
  assert(JSON.stringify(a) !== JSON.stringify(c));
});

Deno.test("synthetic - every target's rounds fill [now - days, now) in order", () => {
  const items = generate(4, { days: 0.5, intervalMs: 10_000 });
  const perTarget = roundsPerTarget({ days: 0.5, intervalMs: 10_000 });
  assert.deepEqual(perTarget, 4320);
  assert.deepEqual(items.length, 4 * perTarget);
  for (const id of [100, 101, 102, 103]) {
    const rounds = items.map((i) => i.round).filter((r) => r.targetId === id);
    assert.deepEqual(rounds.map((r) => r.seq), [...Array(perTarget).keys()]);
    assert(rounds[0].startedAt >= NOW - 12 * HOUR);
    assert(rounds.at(-1)!.startedAt < NOW);
    for (let i = 1; i < rounds.length; i++) {
      assert.deepEqual(rounds[i].startedAt - rounds[i - 1].startedAt, 10_000);
    }
  }
  // Interleaved as the engine publishes them: never more than one interval out of time order.
  for (let i = 1; i < items.length; i++) {
    assert(items[i].round.startedAt > items[i - 1].round.startedAt - 10_000);
  }
});

Deno.test("synthetic - targets are loopback addresses, paths end at them with --hops hops", () => {
  const items = generate(300, { days: 0.01, intervalMs: 60_000, hops: 7 });
  const hosts = new Set(items.map((i) => i.round.address));
  assert.deepEqual(hosts.size, 300);
  for (const host of hosts) assert.match(host, /^127\.77\.\d+\.\d+$/);
  for (const { round } of items) {
    assert.deepEqual(round.hops.length, 7);
    assert.deepEqual(round.hops.map((h) => h.ttl), [1, 2, 3, 4, 5, 6, 7]);
    if (round.destinationReached) {
      assert.deepEqual(round.hops[6].ip, round.address);
      assert.deepEqual(round.hops[6].kind, "reply");
    }
  }
});

Deno.test("synthetic - latency grows along the path; loss comes in bursts and from rate limits", () => {
  const items = generate(40, { days: 1, intervalMs: 30_000 });
  let growing = 0, checked = 0, lossyRounds = 0, rateLimitedHops = 0;
  for (let id = 100; id < 140; id++) {
    const rounds = items.map((i) => i.round).filter((r) => r.targetId === id);
    const medians = Array.from(
      { length: 10 },
      (_, hop) =>
        median(rounds.map((r) => r.hops[hop].rttUs).filter((v): v is number => v !== null)),
    );
    for (let hop = 1; hop < 10; hop++) {
      if (Number.isNaN(medians[hop]) || medians[hop] === undefined) continue;
      checked++;
      if (medians[hop] > medians[hop - 1]) growing++;
    }
    lossyRounds += rounds.filter((r) => !r.destinationReached).length;
    // A router losing many replies while the destination does not: rate limiting, not loss.
    for (let hop = 1; hop < 9; hop++) {
      const lost = rounds.filter((r) => r.hops[hop].kind === "timeout").length;
      const endLost = rounds.filter((r) => !r.destinationReached).length;
      if (lost > rounds.length * 0.08 && endLost < rounds.length * 0.05) rateLimitedHops++;
    }
  }
  assert(growing / checked > 0.85, `${growing}/${checked} hops slower than the one before`);
  assert(lossyRounds > 0, "some rounds lose the destination");
  assert(lossyRounds < items.length * 0.05, `loss is occasional, not constant: ${lossyRounds}`);
  assert(rateLimitedHops > 0, "some routers rate-limit their replies");
});

Deno.test("synthetic - latency follows the time of day", () => {
  const items = generate(12, { days: 2, intervalMs: 60_000 });
  let diurnal = 0;
  for (let id = 100; id < 112; id++) {
    const rounds = items.map((i) => i.round).filter((r) => r.targetId === id);
    const byHour = Array.from(
      { length: 24 },
      (_, h) => median(finalRtts(rounds.filter((r) => new Date(r.startedAt).getUTCHours() === h))),
    );
    const max = Math.max(...byHour), min = Math.min(...byHour);
    if (max > min * 1.04) diurnal++;
  }
  assert(diurnal >= 10, `${diurnal}/12 targets swing with the time of day`);
});

Deno.test("synthetic - route changes: reported once, the rounds after follow the new path", () => {
  const items = generate(30, { days: 3, intervalMs: 60_000 });
  const changes = items.filter((i) => i.change !== null);
  assert(changes.length >= 5, `a few route changes: ${changes.length}`);
  assert(changes.length <= 30 * 4);
  for (const { round, change } of changes) {
    assert.deepEqual(change!.targetId, round.targetId);
    assert.deepEqual(change!.at, round.startedAt);
    assert(JSON.stringify(change!.before) !== JSON.stringify(change!.after));
    for (const hop of round.hops) {
      if (hop.ip !== null) assert(change!.after[hop.ttl - 1].includes(hop.ip), hop.ip);
    }
  }
});

Deno.test("seed args - required, numeric, bounded; --db and --data-dir exclusive", () => {
  const ok = parseSeedArgs(["--targets", "3", "--days", "0.5", "--interval", "2.5"]);
  assert.deepEqual(ok, {
    targets: 3,
    days: 0.5,
    intervalMs: 2500,
    hops: 10,
    seed: 1,
    db: null,
    dataDir: null,
  });
  const bad: [string[], RegExp][] = [
    [["--days", "1", "--interval", "2.5"], /--targets is required/],
    [["--targets", "x", "--days", "1", "--interval", "2.5"], /--targets: must be a number/],
    [["--targets", "1.5", "--days", "1", "--interval", "2.5"], /--targets: must be a whole/],
    [["--targets", "0", "--days", "1", "--interval", "2.5"], /--targets: must be at least 1/],
    [["--targets", "1", "--days=-1", "--interval", "2.5"], /--days: must be more than 0/],
    [["--targets", "1", "--days", "1", "--interval", "0"], /--interval: must be at least 0.1/],
    [
      ["--targets", "1", "--days", "1", "--interval", "1", "--hops", "99"],
      /--hops: must be at most/,
    ],
    [["--targets", "1", "--days", "1", "--interval", " "], /--interval: must not be empty/],
    [["--targets", "1", "--days", "0.00001", "--interval", "60"], /shorter than one --interval/],
    [["--targets", "1", "--days", "1", "--interval", "1", "--bogus"], /bogus/],
    [
      ["--targets", "1", "--days", "1", "--interval", "1", "--db", "a", "--data-dir", "b"],
      /together/,
    ],
  ];
  for (const [argv, message] of bad) assert.throws(() => parseSeedArgs(argv), message);
});

function deps(overrides: Partial<SeedDeps> & { out: string[]; err: string[] }): SeedDeps {
  let mono = 0;
  return {
    openStore: ({ db }) => Promise.resolve(openSqliteStore(db!, { clock: CLOCK })),
    clock: { now: () => NOW, monotonic: () => (mono += 5) },
    write: (text) => overrides.out.push(text),
    writeError: (text) => overrides.err.push(text),
    isTty: false,
    ...overrides,
  };
}

Deno.test("seed command - writes paused loopback targets, rounds and route changes ending now", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = join(dir, "seed.db");
    const out: string[] = [], err: string[] = [];
    const argv = ["--targets", "3", "--days", "2", "--interval", "60", "--db", db, "--seed", "3"];
    assert.deepEqual(await runSeed(argv, deps({ out, err })), 0);
    assert.deepEqual(err, [], "no progress bar when stderr is not a terminal");
    assert.match(out.join(""), /^seeded 3 targets \(ids 1-3\): 8640 rounds, 86400 hop-samples/);
    const store = openSqliteStore(db, { clock: CLOCK });
    try {
      const targets = await store.listTargets();
      assert.deepEqual(targets.map((t) => [t.host, t.paused, t.options.intervalMs]), [
        ["127.77.0.0", true, 60_000],
        ["127.77.0.1", true, 60_000],
        ["127.77.0.2", true, 60_000],
      ]);
      const rounds = await store.rounds(1, {});
      assert.deepEqual(rounds.length, 2880);
      assert(rounds.at(-1)!.startedAt < NOW && rounds.at(-1)!.startedAt >= NOW - 60_000);
      const expected = generate(3, { days: 2, intervalMs: 60_000, seed: 3 });
      const changes = expected.filter((i) => i.change).length;
      let stored = 0;
      for (const t of targets) stored += (await store.routeChanges(t.id)).length;
      assert.deepEqual(stored, changes);
    } finally {
      await store.close();
    }
    // Seeding again adds new targets rather than repeating the hosts.
    const again = ["--targets", "1", "--days", "0.01", "--interval", "60", "--db", db];
    assert.deepEqual(await runSeed(again, deps({ out, err })), 0);
    const reopened = openSqliteStore(db, { clock: CLOCK });
    const hosts = (await reopened.listTargets()).map((t) => t.host);
    await reopened.close();
    assert.deepEqual(hosts.at(-1), "127.77.0.3");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seed command - a progress bar on a terminal; bad arguments exit 2; interrupt stops", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out: string[] = [], err: string[] = [];
    const db = join(dir, "a.db");
    const argv = ["--targets", "20", "--days", "0.25", "--interval", "10", "--db", db];
    assert.deepEqual(await runSeed(argv, deps({ out, err, isTty: true })), 0);
    assert.match(err.join(""), /\[#+\] 100\.0% 43200\/43200 rounds/);
    const bad: string[] = [];
    assert.deepEqual(await runSeed(["--targets", "1"], deps({ out, err: bad })), 2);
    assert.match(bad.join(""), /--days is required[\s\S]*Usage: pingwatcher seed/);
    const cut: string[] = [];
    const interrupted = ["--targets", "20", "--days", "0.25", "--interval", "10"]
      .concat(["--db", join(dir, "b.db")]);
    const code = await runSeed(
      interrupted,
      deps({ out: cut, err, interrupted: Promise.resolve() }),
    );
    assert.deepEqual(code, 130);
    assert.match(cut.join(""), /^interrupted: seeded 20 targets \(ids 1-20\): 5000 rounds/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seed command - kill -9 while seeding leaves a database that opens and checks ok", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = join(dir, "killed.db");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "seed", "--targets", "50", "--days", "3", "--interval", "2.5"]
        .concat(["--db", db]),
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Wait until some rounds are committed, then kill it mid-flight.
    for (let i = 0; i < 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      try {
        const size = Deno.statSync(`${db}-wal`).size + Deno.statSync(db).size;
        if (size > 2_000_000) break;
      } catch { /* not yet created */ }
    }
    child.kill("SIGKILL");
    await child.status;
    const raw = new DatabaseSync(db);
    const check = raw.prepare("PRAGMA integrity_check").get() as { integrity_check: string };
    raw.close();
    assert.deepEqual(check.integrity_check, "ok");
    const store = openSqliteStore(db);
    try {
      assert.deepEqual((await store.listTargets()).length, 50);
      assert((await store.rounds(1, {})).length > 0, "committed rounds survived");
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
