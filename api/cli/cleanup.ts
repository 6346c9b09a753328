// `pingwatcher cleanup`: applies retention to a database now, all of it, in the same bounded
// steps the running monitor uses (so it can run beside a monitor without stalling its flushes),
// then reports what went and how much space the store will reuse. --vacuum also shrinks the file.
// It goes only through the store's maintenance port, so it works on any backend.
import { parseArgs } from "node:util";
import { z } from "zod";
import { type Progress, progress } from "./progress.ts";
import type { Clock } from "../../engine/mod.ts";
import {
  DEFAULT_RETENTION_DAYS,
  type MaintenanceStore,
  openStore,
  resolveRetention,
  StoreUrlError,
} from "../../store/mod.ts";

export const CLEANUP_USAGE = `Usage: pingwatcher cleanup [options]

Deletes history older than its retention (raw rounds, 1-minute and 1-hour rollups, route changes
older than the longest tier), in small steps. Freed space is reused by new data. On a terminal a
progress line shows on stderr (not with NO_COLOR).

  --raw-days N         keep raw rounds N days (default ${DEFAULT_RETENTION_DAYS.rawDays})
  --minute-days N      keep 1-minute rollups N days (default ${DEFAULT_RETENTION_DAYS.minuteDays})
  --hour-days N        keep 1-hour rollups and route history N days (default ${DEFAULT_RETENTION_DAYS.hourDays})
  --vacuum             also rewrite the file to return freed space to the file system
                       (needs as much free disk as the database; blocks writers meanwhile)
  --db PATH            database file (default: as the monitor)
  --data-dir DIR       data directory (default: as the monitor)`;

const days = (name: string) =>
  z.coerce.number({ message: `--${name} must be a number` })
    .refine(Number.isFinite, `--${name} must be a number`)
    .gt(0, `--${name} must be more than 0`).max(100_000, `--${name} must be at most 100000`)
    .optional();

const argsSchema = z.object({
  "raw-days": days("raw-days"),
  "minute-days": days("minute-days"),
  "hour-days": days("hour-days"),
  vacuum: z.boolean().optional(),
  db: z.string().min(1, "--db must not be empty").optional(),
  "data-dir": z.string().min(1, "--data-dir must not be empty").optional(),
});

export interface CleanupArgs {
  retention: { rawDays?: number; minuteDays?: number; hourDays?: number };
  vacuum: boolean;
  db: string | null;
  dataDir: string | null;
}

export function parseCleanupArgs(argv: string[]): CleanupArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      "raw-days": { type: "string" },
      "minute-days": { type: "string" },
      "hour-days": { type: "string" },
      vacuum: { type: "boolean" },
      db: { type: "string" },
      "data-dir": { type: "string" },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new TypeError(parsed.error.issues.map((i) => i.message).join("; "));
  const v = parsed.data;
  const retention = {
    rawDays: v["raw-days"],
    minuteDays: v["minute-days"],
    hourDays: v["hour-days"],
  };
  resolveRetention(retention); // refuses what the store would refuse
  return { retention, vacuum: v.vacuum ?? false, db: v.db ?? null, dataDir: v["data-dir"] ?? null };
}

export interface CleanupDeps {
  resolveDbPath(paths: { db: string | null; dataDir: string | null }): string;
  clock: Clock;
  write(text: string): void;
  writeError(text: string): void;
  /** A progress line on stderr while deleting, when it is a terminal (api/cli/progress.ts). */
  stderrIsTty?: boolean;
  env?: Record<string, string>;
}

/** Rows per step: a few milliseconds of deletes, then the lock is free for a monitor's flush. */
const STEP_ROWS = 20_000;

export async function runCleanup(argv: string[], deps: CleanupDeps): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    deps.write(CLEANUP_USAGE + "\n");
    return 0;
  }
  let args: CleanupArgs;
  try {
    args = parseCleanupArgs(argv);
  } catch (error) {
    if (!(error instanceof TypeError) && !(error instanceof RangeError)) throw error;
    deps.writeError(`pingwatcher cleanup: ${error.message}\n\n${CLEANUP_USAGE}\n`);
    return 2;
  }
  let store: MaintenanceStore;
  try {
    store = await openStore(deps.resolveDbPath(args), {
      clock: deps.clock,
      retention: args.retention,
    });
  } catch (error) {
    if (!(error instanceof StoreUrlError)) throw error;
    deps.writeError(`pingwatcher cleanup: --db: ${error.message}\n`);
    return 2;
  }
  try {
    const bar = progress({
      writeError: deps.writeError,
      stderrIsTty: deps.stderrIsTty ?? false,
      env: deps.env ?? {},
      unit: "rows deleted",
    });
    deps.write(await cleanup(store, args.vacuum, bar) + "\n");
    return 0;
  } catch (error) {
    // What was deleted stays deleted (each step commits); say what failed instead of a trace.
    deps.writeError(`pingwatcher cleanup: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

/** Retention to the end in bounded steps, then the space report (and the vacuum when asked). */
async function cleanup(
  store: MaintenanceStore,
  vacuum: boolean,
  bar: Progress,
): Promise<string> {
  let deleted = 0, steps = 0;
  for (let done = false; !done; steps++) {
    const step = await store.enforceRetention({ maxRows: STEP_ROWS });
    deleted += step.deletedRows;
    done = step.done;
    bar.update(deleted, `${steps + 1} steps`);
  }
  bar.finish(deleted, `${steps} steps`);
  const space = await store.storageSpace();
  let report = `cleanup: deleted ${deleted} rows in ${steps} steps; ` +
    `${megabytes(space.freeBytes)} MB free inside ${space.location} for new data`;
  if (vacuum) report += `; vacuumed to ${megabytes((await store.vacuum()).usedBytes)} MB`;
  return report;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
