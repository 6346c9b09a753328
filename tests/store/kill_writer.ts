// Child process of the kill -9 tests: appends rounds as fast as the event loop allows with the real
// clock and prints "flushed N" (N = rounds committed so far) after every flush, until killed.
// With --worker the store runs in its Worker (store/worker/), as `pingwatcher serve` runs it, and
// the committed count is read from storeStats.
// Usage: deno run -A tests/store/kill_writer.ts DBPATH [--worker]
import { systemClock } from "../../engine/clock.ts";
import { openStore, type Store } from "../../store/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { OPTIONS, plainRound } from "./builders.ts";

const encoder = new TextEncoder();
const say = (line: string) => Deno.stdout.writeSync(encoder.encode(`${line}\n`));
// The rounds are dated 2026-01-01 on: keep them whatever today is (retention runs on the loop).
const retention = { rawDays: 100_000, minuteDays: 100_000, hourDays: 100_000 };
const inWorker = Deno.args[1] === "--worker";
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
let written = 0;
for (let seq = 0;; seq++) {
  store.appendRound(plainRound(id, seq, { hops: 10 }));
  if (seq % 200 !== 199) continue;
  await systemClock.sleep(1);
  if (!inWorker || seq % 2000 !== 1999) continue;
  const { roundsWritten } = await store.storeStats();
  if (roundsWritten > written) say(`flushed ${written = roundsWritten}`);
}
