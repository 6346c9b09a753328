// Child process of the kill -9 test: appends rounds as fast as the event loop allows with the real
// clock and prints "flushed N" (N = rounds committed so far) after every flush, until killed.
// Usage: deno run -A tests/store/kill_writer.ts DBPATH
import { systemClock } from "../../engine/clock.ts";
import { openSqliteStore } from "../../store/mod.ts";
import { OPTIONS, plainRound } from "./builders.ts";

const encoder = new TextEncoder();
const store = openSqliteStore(Deno.args[0], {
  flushIntervalMs: 50,
  // The rounds are dated 2026-01-01 on: keep them whatever today is (retention runs on the loop).
  retention: { rawDays: 100_000, minuteDays: 100_000, hourDays: 100_000 },
  onFlush: ({ totalRounds }) => Deno.stdout.writeSync(encoder.encode(`flushed ${totalRounds}\n`)),
});
const { id } = await store.addTarget({ host: "10.0.10.1", options: OPTIONS });
Deno.stdout.writeSync(encoder.encode(`target ${id}\n`));
for (let seq = 0;; seq++) {
  store.appendRound(plainRound(id, seq, { hops: 10 }));
  if (seq % 200 === 199) await systemClock.sleep(1);
}
