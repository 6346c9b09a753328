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
  await writeInSteps(
    path,
    count,
    (last) => newest - (count - last) * intervalMs,
    (first, last) =>
      templates.flatMap((template) =>
        Array.from({ length: last - first }, (_, k): Round => ({
          ...template,
          seq: first + k,
          startedAt: template.startedAt - (count - first - k) * intervalMs,
          hops: template.hops.map((hop) => ({ ...hop, rttUs: vary(hop.rttUs) })),
        }))
      ),
  );
  return count * templates.length;
}

/**
 * Writes rounds 0..count of every target in steps of FILL_STEP, each step through a store reopened
 * on a clock at `endOf(last)`: its close writes (and moves) what a running store would have by then.
 */
export async function writeInSteps(
  path: string,
  count: number,
  endOf: (last: number) => number,
  roundsOf: (first: number, last: number) => Round[],
): Promise<void> {
  for (let first = 0; first < count; first += FILL_STEP) {
    const last = Math.min(count, first + FILL_STEP);
    const store = openSqliteStore(path, { clock: new ManualClock(endOf(last)) });
    for (const round of roundsOf(first, last)) store.appendRound(round);
    await store.close();
  }
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
