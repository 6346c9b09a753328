// Ages a bench server's database: gives each of its targets `hours` of rounds before its newest
// one, copies of that round (same path, RTTs varied by ±20 %) every interval, written through the
// store's own write path as a server running that long would have written them. A fresh database
// keeps every target's newest rows in a few hot pages; one that has run for hours does not.
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../engine/clock.ts";
import { mulberry32 } from "../../engine/random.ts";
import type { Round } from "../../engine/types.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";

/** Rounds per target a fill step writes: each step's rows of a target lie together, as moved. */
const FILL_STEP = 240;

/** Targets with at least one stored round (another connection: the server may be writing). */
export function targetsWithRounds(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare("SELECT count(DISTINCT target_id) AS n FROM samples").get() as {
      n: number;
    }).n;
  } finally {
    db.close();
  }
}

/** Writes the history (the server must be stopped); returns how many rounds it wrote. */
export async function ageDatabase(
  path: string,
  hours: number,
  intervalMs: number,
): Promise<number> {
  const templates = await newestRounds(path);
  const count = Math.round(hours * 3600_000 / intervalMs);
  const random = mulberry32(1);
  const vary = (rttUs: number | null) =>
    rttUs === null ? null : Math.max(1, Math.round(rttUs * (0.8 + 0.4 * random())));
  const newest = Math.max(...templates.map((round) => round.startedAt));
  for (let first = 0; first < count; first += FILL_STEP) {
    const last = Math.min(count, first + FILL_STEP);
    // Reopened each step, so its close writes (and moves) what a running store would have by then.
    const store = openSqliteStore(path, {
      clock: new ManualClock(newest - (count - last) * intervalMs),
    });
    for (const template of templates) {
      for (let i = first; i < last; i++) {
        const round: Round = {
          ...template,
          seq: i,
          startedAt: template.startedAt - (count - i) * intervalMs,
          hops: template.hops.map((hop) => ({ ...hop, rttUs: vary(hop.rttUs) })),
        };
        store.appendRound(round);
      }
    }
    await store.close();
  }
  return count * templates.length;
}

async function newestRounds(path: string): Promise<Round[]> {
  const store = openSqliteStore(path, { clock: new ManualClock() });
  try {
    const rounds: Round[] = [];
    for (const target of await store.listTargets()) {
      const [newest] = await store.rounds(target.id, { last: 1 });
      if (newest) rounds.push(newest);
    }
    return rounds;
  } finally {
    await store.close();
  }
}
