// Bench: what the rebuild of filling rollup buckets after a crash costs the next writer
// (store/sqlite/rollup_recovery.ts), at its worst: N final-hop targets with an hour of rounds every
// 2.5 s, the file copied with its WAL after the last flush at 59:57.5 (the hour and its last
// minute still filling), then the next writer's first flush (the rebuild and one round) is timed
// beside its second.
//
//   deno task bench recovery [--targets 1000]
import { ManualClock } from "../../engine/clock.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { OPTIONS, T0 } from "../store/builders.ts";
import { syntheticRounds } from "../store/history_builders.ts";

const INTERVAL_MS = 2500;
const ROUNDS = 1440; // an hour
const SLICE = 60; // rounds per target a flush writes while filling the file

export async function runRecoveryBench(options: { targets: number }): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-recovery-" });
  try {
    const path = `${dir}/before.db`, crashed = `${dir}/crashed.db`;
    const newest = T0 + (ROUNDS - 1) * INTERVAL_MS;
    const clock = new ManualClock(newest);
    const store = openSqliteStore(path, { clock });
    const ids: number[] = [];
    for (let i = 0; i < options.targets; i++) {
      const host = `10.1.${i >> 8}.${i & 255}`;
      ids.push((await store.addTarget({ host, options: OPTIONS })).id);
    }
    const began = performance.now();
    for (let first = 0; first < ROUNDS; first += SLICE) {
      for (const id of ids) {
        const start = T0 + first * INTERVAL_MS;
        const plan = { start, count: SLICE, hops: 1, firstSeq: first, seed: id };
        for (const round of syntheticRounds(id, plan)) store.appendRound(round);
      }
      await store.flush();
    }
    const fillS = (performance.now() - began) / 1000;
    Deno.copyFileSync(path, crashed);
    Deno.copyFileSync(`${path}-wal`, `${crashed}-wal`);
    await store.close();
    const next = openSqliteStore(crashed, { clock });
    const flushMs: number[] = [];
    for (const seq of [ROUNDS, ROUNDS + 1]) {
      const start = T0 + seq * INTERVAL_MS;
      next.appendRound(syntheticRounds(ids[0], { start, count: 1, hops: 1, firstSeq: seq })[0]);
      const t = performance.now();
      await next.flush();
      flushMs.push(performance.now() - t);
    }
    await next.close();
    return `recovery: ${options.targets} targets, an hour of final-hop rounds every 2.5 s ` +
      `(${options.targets * ROUNDS} rounds written in ${
        fillS.toFixed(1)
      } s); after the crash the ` +
      `next writer's first flush (rebuilding the hour from its minutes and the last minute from ` +
      `raw rounds) took ${flushMs[0].toFixed(0)} ms, its second ${flushMs[1].toFixed(1)} ms`;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
