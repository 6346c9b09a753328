// Child process of the kill -9 tests: appends rounds as fast as the event loop allows with the real
// clock and prints "flushed N" (N = rounds committed so far) after every flush, until killed.
// With --worker the store runs in its Worker (store/worker/), as `pingwatcher serve` runs it, and
// the committed count is read from storeStats.
// With --now the rounds are dated from now on (it prints "shift MS", added to plainRound's dates),
// so the newest minute and hour are still filling when it dies: their rollups are then only in
// its memory (store/sqlite/rollup_recovery.ts).
// Usage: deno run -A tests/store/kill_writer.ts DBPATH [--worker] [--now]
import { systemClock } from "../../engine/clock.ts";
import { openStore, type Store } from "../../store/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { OPTIONS, plainRound, T0 } from "./builders.ts";

const encoder = new TextEncoder();
const say = (line: string) => Deno.stdout.writeSync(encoder.encode(`${line}\n`));
// The rounds are dated 2026-01-01 on: keep them whatever today is (retention runs on the loop).
const retention = { rawDays: 100_000, minuteDays: 100_000, hourDays: 100_000 };
const inWorker = Deno.args.includes("--worker");
const shift = Deno.args.includes("--now") ? Date.now() - T0 : 0;
const store: Store = inWorker
  ? await openStore(Deno.args[0], {
    retention,
    worker: new URL("../../store/worker/entry.ts", import.meta.url),
  })
  : openSqliteStore(Deno.args[0], {
    flushIntervalMs: 50,
    retention,
    onFlush: ({ totalRounds }) => say(`flushed ${totalRounds}`),
  });
const { id } = await store.addTarget({ host: "10.0.10.1", options: OPTIONS });
say(`target ${id}`);
say(`shift ${shift}`);
let written = 0;
for (let seq = 0;; seq++) {
  const round = plainRound(id, seq, { hops: 10 });
  store.appendRound({ ...round, startedAt: round.startedAt + shift });
  if (seq % 200 !== 199) continue;
  await systemClock.sleep(1);
  if (!inWorker || seq % 2000 !== 1999) continue;
  const { roundsWritten } = await store.storeStats();
  if (roundsWritten > written) say(`flushed ${written = roundsWritten}`);
}
