// Arguments of `check [HOST...]`: parsed with node:util, validated with zod before anything is
// opened or probed. Target-option flags set the options of named HOSTs and override the stored
// options of database targets for this one check (the database is never changed).
import { z } from "zod";
import {
  parseHost,
  type ProberChoice,
  proberChoiceProblem,
  proberChoicesText,
} from "../../engine/mod.ts";
import { parseCommandLine, UsageError } from "./command.ts";
import { TARGET_FLAG_SPEC, TARGET_FLAGS_USAGE, targetOptionsOf } from "./target_flags.ts";

export const CHECK_USAGE = `Usage: pingwatcher check [HOST...] [options]

Runs one round now to every target of the config file (see the README's "Config file"), else to
every target in the database (paused ones are skipped), or only to the HOSTs named here (then
neither is read), all at once, and prints a verdict per target.
Nothing is stored. A target is ok when its destination (final hop) answered, its loss over the
rounds is at most --max-loss and its average RTT at most --max-rtt.
  --count N              rounds per target (default 1); --json then reports the success rate
                         and min/avg/max RTT over them
  --max-rtt MS           highest average final-hop RTT that is ok (default: no limit)
  --max-loss PCT         highest final-hop loss over the rounds that is ok (default 0)
  --json                 one JSON object per target, in an array
  --config PATH          config file whose targets to check (default DATA_DIR/pingwatcher.yaml
                         when it exists and no --db is given) [PINGWATCHER_CONFIG]
  --db PATH              database file: check its targets [PINGWATCHER_DB] (not with HOSTs)
  --data-dir DIR         data directory [PINGWATCHER_DATA_DIR] (not with HOSTs)
  --prober ${proberChoicesText()}  probing backend (default auto)
Target settings: for HOSTs (interval 1 s unless set, as trace); for config file and database
targets they override their settings for this check only.
${TARGET_FLAGS_USAGE}
Exit codes: 0 every target ok, 1 some target not ok, 2 bad command line or nothing to check
(no HOST and no active target in the database) or a config file with problems (each printed as
FILE:LINE:COL FIELD: REASON), 4 no working prober.`;

export interface CheckArgs {
  /** Named HOSTs (normalised, without duplicates); empty = the database's targets. */
  hosts: string[];
  /** The raw target-option flag values, resolved per target (see optionsFor). */
  flagValues: Record<string, unknown>;
  prober: ProberChoice;
  count: number;
  maxRttMs: number | null;
  maxLossPct: number;
  json: boolean;
  db: string | null;
  dataDir: string | null;
  config: string | null;
}

const positiveInt = (flag: string) =>
  z.coerce.number({ message: `--${flag}: must be a number` })
    .refine((n) => Number.isInteger(n) && n >= 1 && n <= 1000, {
      message: `--${flag}: must be a whole number from 1 to 1000`,
    });

const number = (flag: string, check: (n: number) => boolean, rule: string) =>
  z.string().transform((v, ctx) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || !check(n)) {
      ctx.addIssue({ code: "custom", message: `--${flag}: "${v}" ${rule}` });
      return z.NEVER;
    }
    return n;
  });

const argsSchema = z.object({
  count: positiveInt("count").optional(),
  "max-rtt": number("max-rtt", (n) => n > 0, "must be a number of milliseconds above 0")
    .optional(),
  "max-loss": number("max-loss", (n) => n >= 0 && n <= 100, "must be a percentage 0..100")
    .optional(),
  json: z.boolean().optional(),
  db: z.string().min(1, "--db must not be empty").optional(),
  "data-dir": z.string().min(1, "--data-dir must not be empty").optional(),
  config: z.string().min(1, "--config must not be empty").optional(),
  prober: z.string().optional().refine((v) => v === undefined || !proberChoiceProblem(v), {
    error: (issue) => `--prober: ${proberChoiceProblem(String(issue.input))}`,
  }),
});

/** Parses argv (after the word "check"). Throws UsageError with a message fit for the user. */
export function parseCheckArgs(argv: string[]): CheckArgs {
  const parsed = parseCommandLine(argv, {
    ...TARGET_FLAG_SPEC,
    count: { type: "string", short: "c" },
    "max-rtt": { type: "string" },
    "max-loss": { type: "string" },
    json: { type: "boolean", short: "j" },
    db: { type: "string" },
    "data-dir": { type: "string" },
    config: { type: "string" },
    prober: { type: "string" },
  });
  const { values, positionals } = parsed;
  const result = argsSchema.safeParse(values);
  if (!result.success) throw new UsageError(result.error.issues[0].message);
  const v = result.data;
  const hosts = [...new Set(positionals.map(hostArgument))];
  if (hosts.length && (v.db !== undefined || v["data-dir"] !== undefined)) {
    throw new UsageError(
      "--db/--data-dir choose the database's targets: leave them out with HOSTs",
    );
  }
  if (v.config !== undefined && (hosts.length || v.db !== undefined)) {
    throw new UsageError("--config checks the file's targets: leave out HOSTs and --db");
  }
  const flagValues = Object.fromEntries(
    Object.keys(TARGET_FLAG_SPEC).map((key) => [key, (values as Record<string, unknown>)[key]]),
  );
  targetOptionsOf(flagValues); // refuses bad target flags before anything is opened
  return {
    hosts,
    flagValues,
    prober: v.prober ?? "auto",
    count: v.count ?? 1,
    maxRttMs: v["max-rtt"] ?? null,
    maxLossPct: v["max-loss"] ?? 0,
    json: v.json ?? false,
    db: v.db ?? null,
    dataDir: v["data-dir"] ?? null,
    config: v.config ?? null,
  };
}

function hostArgument(text: string): string {
  try {
    return parseHost(text).host;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
