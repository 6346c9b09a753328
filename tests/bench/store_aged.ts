// Bench: what the SQLite store's writing costs a round once the database holds hours of history,
// as a server's does after its first day (a fresh database keeps every target's newest rows in a
// few hot pages and flatters it). N final-hop targets get `hours` of rounds every 2.5 s through
// the store's own write path; then the store is reopened on a manual clock and `minutes` of live
// rounds are appended as the engine sends them (each target on its own offset in the interval)
// while its writer loop flushes every second, moves recent rows and runs retention. The figure is
// the wall time of that window (this thread does nothing else) per round: what the store's Worker
// spends a round, less the message that carries it.
//
//   deno task bench aged [--targets 1000] [--hours 6] [--minutes 10]
import { ManualClock } from "../../engine/clock.ts";
import type { Round } from "../../engine/types.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { OPTIONS, T0 } from "../store/builders.ts";
import { syntheticRounds } from "../store/history_builders.ts";
import { writeInSteps } from "./aged_history.ts";

const INTERVAL_MS = 2500;

export interface AgedOptions {
  targets: number;
  hours: number;
  minutes: number;
}

export async function runAgedStoreBench(options: AgedOptions): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-aged-" });
  try {
    const path = `${dir}/aged.db`;
    const filled = Math.round(options.hours * 3600_000 / INTERVAL_MS);
    const liveAt = T0 + filled * INTERVAL_MS;
    const ids = await addTargets(path, options.targets, liveAt);
    const began = performance.now();
    await writeInSteps(
      path,
      filled,
      (last) => T0 + last * INTERVAL_MS,
      (first, last) =>
        ids.flatMap((id) => {
          const count = last - first;
          const plan = {
            start: T0 + first * INTERVAL_MS,
            count,
            hops: 1,
            firstSeq: first,
            seed: id,
          };
          return syntheticRounds(id, plan);
        }),
    );
    const fillS = (performance.now() - began) / 1000;
    const { perRoundUs, rounds } = await live(path, ids, liveAt, filled, options.minutes);
    const bytes = Deno.statSync(path).size;
    return [
      `store aged: ${options.targets} final-hop targets, ${options.hours} h of rounds every 2.5 s ` +
      `(${(filled * ids.length / 1e6).toFixed(2)} M rounds, ${(bytes / 1e6).toFixed(0)} MB, ` +
      `filled in ${fillS.toFixed(0)} s), then ${options.minutes} min live:`,
      `  ${
        perRoundUs.toFixed(1)
      } µs per round written (${rounds} rounds: append, flushes, moves, ` +
      `rollups, retention)`,
    ].join("\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function addTargets(path: string, count: number, at: number): Promise<number[]> {
  const store = openSqliteStore(path, { clock: new ManualClock(at) });
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const host = `10.1.${i >> 8}.${i & 255}`;
    ids.push((await store.addTarget({ host, options: OPTIONS })).id);
  }
  await store.close();
  return ids;
}

/** Live rounds every 2.5 s per target, appended by 50 ms slot; the writer loop flushes each second. */
async function live(
  path: string,
  ids: number[],
  at: number,
  firstSeq: number,
  minutes: number,
): Promise<{ perRoundUs: number; rounds: number }> {
  const clock = new ManualClock(at);
  const store = openSqliteStore(path, { clock });
  const offsets = ids.map((_, i) => Math.floor(((i * 0.6180339887498949) % 1) * INTERVAL_MS));
  const seqs = ids.map(() => firstSeq);
  let rounds = 0;
  const began = performance.now();
  for (let ms = 0; ms < minutes * 60_000; ms += 1000) {
    for (let i = 0; i < ids.length; i++) {
      const phase = (((ms - offsets[i]) % INTERVAL_MS) + INTERVAL_MS) % INTERVAL_MS;
      if (phase >= 1000) continue; // its round is due in another second
      const start = at + ms - phase;
      const plan = { start, count: 1, hops: 1, firstSeq: seqs[i]++, seed: ids[i] };
      const [round]: Round[] = syntheticRounds(ids[i], plan);
      store.appendRound(round);
      rounds++;
    }
    await clock.advance(1000);
  }
  const perRoundUs = (performance.now() - began) * 1000 / rounds;
  await store.close();
  return { perRoundUs, rounds };
}
