// `pingwatcher seed`: writes synthetic history (store/synthetic.ts) through the monitor's own write
// path (appendRound + recordRouteChange), for demos and benchmarks. Progress goes to stderr as a
// bar when it is a terminal; the final line goes to stdout.
import { parseArgs } from "node:util";
import { progress } from "./progress.ts";
import { z } from "zod";
import { type Clock, DEFAULT_OPTIONS } from "../../engine/mod.ts";
import {
  MAX_SYNTHETIC_TARGETS,
  roundsPerTarget,
  type Store,
  syntheticHistory,
  syntheticTargets,
} from "../../store/mod.ts";

export const SEED_USAGE = `Usage: pingwatcher seed --targets N --days D --interval SECONDS [options]

Writes synthetic history ending now: diurnal latency, bursts of loss, a few route changes,
latency growing along the path, some rate-limited routers. Targets are added paused, with
loopback addresses (127.77.x.y), so a seeded database never probes anything by itself.

  --targets N          targets to add (1..${MAX_SYNTHETIC_TARGETS})
  --days D             days of history (a fraction is fine, e.g. 0.5; at most 3650)
  --interval SECONDS   time between rounds (0.1..3600)
  --hops H             hops per path, destination included (1..64, default 10)
  --seed X             PRNG seed (a whole number, default 1): same seed, same history
  --db PATH            database file (default: as the monitor)
  --data-dir DIR       data directory (default: as the monitor)`;

const argsSchema = z.object({
  targets: z.coerce.number({ message: "must be a number" }).int("must be a whole number")
    .min(1, "must be at least 1").max(
      MAX_SYNTHETIC_TARGETS,
      `must be at most ${MAX_SYNTHETIC_TARGETS}`,
    ),
  days: z.coerce.number({ message: "must be a number" }).gt(0, "must be more than 0")
    .max(3650, "must be at most 3650"),
  interval: z.coerce.number({ message: "must be a number" }).min(0.1, "must be at least 0.1")
    .max(3600, "must be at most 3600"),
  hops: z.coerce.number({ message: "must be a number" }).int("must be a whole number")
    .min(1, "must be at least 1").max(64, "must be at most 64").default(10),
  seed: z.coerce.number({ message: "must be a number" }).int("must be a whole number")
    .min(0, "must be at least 0").max(2 ** 32 - 1, "must be below 2^32").default(1),
  db: z.string().min(1, "must not be empty").optional(),
  "data-dir": z.string().min(1, "must not be empty").optional(),
});

export interface SeedArgs {
  targets: number;
  days: number;
  intervalMs: number;
  hops: number;
  seed: number;
  db: string | null;
  dataDir: string | null;
}

export class SeedArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeedArgsError";
  }
}

const REQUIRED = ["targets", "days", "interval"] as const;

export function parseSeedArgs(argv: string[]): SeedArgs {
  let values: Record<string, string | undefined>;
  try {
    const parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        [...REQUIRED, "hops", "seed", "db", "data-dir"].map((name) => [name, { type: "string" }]),
      ) as Record<string, { type: "string" }>,
    });
    values = parsed.values as Record<string, string | undefined>;
  } catch (error) {
    throw new SeedArgsError((error as Error).message);
  }
  for (const name of REQUIRED) {
    if (values[name] === undefined) throw new SeedArgsError(`--${name} is required`);
  }
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value.trim() === "") {
      throw new SeedArgsError(`--${name}: must not be empty`);
    }
  }
  const result = argsSchema.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SeedArgsError(`--${issue.path.join(".")}: ${issue.message}`);
  }
  const v = result.data;
  if (v.db !== undefined && v["data-dir"] !== undefined) {
    throw new SeedArgsError("--db and --data-dir cannot be used together");
  }
  const intervalMs = Math.round(v.interval * 1000);
  if (roundsPerTarget({ days: v.days, intervalMs }) < 1) {
    throw new SeedArgsError("--days is shorter than one --interval: nothing to write");
  }
  return {
    targets: v.targets,
    days: v.days,
    intervalMs,
    hops: v.hops,
    seed: v.seed,
    db: v.db ?? null,
    dataDir: v["data-dir"] ?? null,
  };
}

export interface SeedDeps {
  /** Opens the store at the path chosen from --db / --data-dir (as the monitor chooses it). */
  openStore(args: { db: string | null; dataDir: string | null }): Promise<Store>;
  clock: Pick<Clock, "now" | "monotonic">;
  write(text: string): void;
  writeError(text: string): void;
  /** Whether stderr is a terminal: only then is a progress bar drawn (api/cli/progress.ts). */
  isTty: boolean;
  /** NO_COLOR here turns the bar off too. */
  env?: Record<string, string>;
  /** Resolves when the user interrupts: seeding stops, keeping what was written. */
  interrupted?: Promise<void>;
}

export interface SeedOutcome {
  targetIds: number[];
  rounds: number;
  hopSamples: number;
  routeChanges: number;
  seconds: number;
  interrupted: boolean;
}

const FLUSH_EVERY_ROUNDS = 5000;

/** The whole command: returns the exit code (0 done, 2 bad arguments, 130 interrupted). */
export async function runSeed(argv: string[], deps: SeedDeps): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    deps.write(SEED_USAGE + "\n");
    return 0;
  }
  let args: SeedArgs;
  try {
    args = parseSeedArgs(argv);
  } catch (error) {
    if (!(error instanceof SeedArgsError)) throw error;
    deps.writeError(`pingwatcher seed: ${error.message}\n\n${SEED_USAGE}\n`);
    return 2;
  }
  const store = await deps.openStore({ db: args.db, dataDir: args.dataDir });
  let outcome: SeedOutcome;
  try {
    outcome = await seed(store, args, deps);
  } finally {
    await store.close();
  }
  const rate = outcome.hopSamples / Math.max(outcome.seconds, 1e-9);
  deps.write(
    `${outcome.interrupted ? "interrupted: " : ""}seeded ${outcome.targetIds.length} targets ` +
      `(ids ${outcome.targetIds[0]}-${outcome.targetIds.at(-1)}): ${outcome.rounds} rounds, ` +
      `${outcome.hopSamples} hop-samples, ${outcome.routeChanges} route changes in ` +
      `${outcome.seconds.toFixed(1)} s (${Math.round(rate)} hop-samples/s)\n`,
  );
  return outcome.interrupted ? 130 : 0;
}

/** Adds the targets and writes their history; usable on its own by benchmarks. */
export async function seed(
  store: Store,
  args: Omit<SeedArgs, "db" | "dataDir">,
  deps: Pick<SeedDeps, "clock" | "writeError" | "isTty" | "interrupted" | "env">,
): Promise<SeedOutcome> {
  const endMs = deps.clock.now();
  const started = deps.clock.monotonic();
  let stop = false;
  deps.interrupted?.then(() => stop = true);
  // Seeding twice into one database adds new targets rather than repeating hosts.
  const before = (await store.listTargets()).filter((t) => t.host.startsWith("127.77.")).length;
  const targets = [];
  for (const target of syntheticTargets(args.targets, before)) {
    const record = await store.addTarget({
      host: target.host,
      label: target.label,
      options: { ...DEFAULT_OPTIONS, intervalMs: args.intervalMs },
      paused: true,
    });
    targets.push({ ...target, targetId: record.id });
  }
  const total = roundsPerTarget(args) * args.targets;
  const progress = progressBar(total, deps);
  let rounds = 0, hopSamples = 0, routeChanges = 0;
  const history = syntheticHistory(targets, {
    endMs,
    days: args.days,
    intervalMs: args.intervalMs,
    hops: args.hops,
    seed: args.seed,
  });
  for (const { round, change } of history) {
    store.appendRound(round);
    // After the round that revealed it, as the monitor records it.
    if (change) {
      await store.recordRouteChange(change);
      routeChanges++;
    }
    rounds++;
    hopSamples += round.hops.length;
    if (rounds % FLUSH_EVERY_ROUNDS === 0) {
      await store.flush();
      progress.update(rounds, hopSamples);
      if (stop) break;
    }
  }
  await store.flush();
  progress.done(rounds, hopSamples);
  await trimToRetention(store);
  return {
    targetIds: targets.map((t) => t.targetId),
    rounds,
    hopSamples,
    routeChanges,
    seconds: (deps.clock.monotonic() - started) / 1000,
    interrupted: stop,
  };
}

/** Raw rounds older than the retention go now, in bounded steps, rather than later. */
async function trimToRetention(store: Store): Promise<void> {
  for (let step = 0; step < 1_000_000; step++) {
    const { done } = await store.enforceRetention({ maxRows: 100_000 });
    if (done) return;
  }
}

function progressBar(
  total: number,
  deps: Pick<SeedDeps, "clock" | "writeError" | "isTty" | "env">,
): { update(rounds: number, hopSamples: number): void; done(rounds: number, hs: number): void } {
  const started = deps.clock.monotonic();
  const bar = progress({
    writeError: deps.writeError,
    stderrIsTty: deps.isTty,
    env: deps.env ?? {},
    now: () => deps.clock.monotonic(),
    unit: "rounds",
    total,
  });
  const rate = (hopSamples: number) => {
    const elapsedS = (deps.clock.monotonic() - started) / 1000;
    return `${formatCount(hopSamples / Math.max(elapsedS, 1e-9))} hop-samples/s`;
  };
  return {
    update: (rounds, hopSamples) => bar.update(rounds, rate(hopSamples)),
    done: (rounds, hopSamples) => bar.finish(rounds, rate(hopSamples)),
  };
}

function formatCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}
