// `check [HOST...]`: one round (or --count rounds) now to every active database target or to the
// named HOSTs, all at once through one Engine (the same tracer `trace` and the monitor use), then
// a verdict per target. The database is only read: targets are listed and the store is closed
// before the first probe, so no round, target change or retention step is ever written.
import {
  type AddressLookup,
  choiceForProtocol,
  type Clock,
  Engine,
  type Prober,
  proberLimitation,
  type Round,
  type Target,
  type TargetOptions,
} from "../../engine/mod.ts";
import { openStore, type TargetRecord } from "../../store/mod.ts";
import { type CheckArgs, parseCheckArgs } from "./check_args.ts";
import { checkJson, renderCheckTable } from "./check_output.ts";
import { type CheckResult, type TargetOutcome, verdict } from "./check_verdict.ts";
import { UsageError } from "./command.ts";
import { checkConfigTargets, ConfigError } from "./config/mod.ts";
import { targetOptionsOf } from "./target_flags.ts";
import type { SelectProber } from "./trace.ts";

export const CHECK_EXIT = { ok: 0, notOk: 1, usage: 2, noProber: 4 } as const;

export interface CheckDeps {
  write(text: string): void;
  writeError(text: string): void;
  isTty: boolean;
  env: Record<string, string>;
  selectProber: SelectProber;
  addressLookup: AddressLookup;
  /** The database file for --db/--data-dir (not created when missing). */
  databasePath(paths: { db: string | null; dataDir: string | null }): string;
  clock?: Clock;
  /** Resolves on Ctrl-C: the check then reports the rounds finished so far. */
  interrupted?: Promise<void>;
}

interface Plan {
  target: Target;
  /** The resolved address, or null with `problem` saying why. */
  address: string | null;
  problem?: string;
}

/** Runs the command; resolves with the exit code. Bad arguments throw UsageError (exit 2). */
export async function runCheck(argv: string[], deps: CheckDeps): Promise<number> {
  const args = parseCheckArgs(argv);
  let targets: CheckTarget[];
  try {
    targets = args.hosts.length
      ? namedTargets(args)
      : await fileTargets(args, deps) ?? await storedTargets(args, deps);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    deps.writeError(`${error.message}\ncheck: the config file has problems; nothing was probed\n`);
    return CHECK_EXIT.usage;
  }
  if (targets.length === 0) {
    deps.writeError(
      "check: nothing to check: name a HOST, or add targets to the database " +
        "(e.g. pingwatcher monitor 127.0.0.1)\n",
    );
    return CHECK_EXIT.usage;
  }
  const selected = await deps.selectProber(proberChoice(args, targets));
  if (!selected.ok) {
    deps.writeError(`check: no working prober\n${selected.reason}\n`);
    return CHECK_EXIT.noProber;
  }
  let results: CheckResult[];
  try {
    const plans = await Promise.all(targets.map((t) => plan(t, selected.prober, deps)));
    const rounds = await probeAll(plans, selected.prober, args.count, deps);
    results = plans.map((p) => verdict(outcomeOf(p, rounds.get(p.target.id) ?? []), args));
  } finally {
    await selected.prober.close();
  }
  print(results, targets, args, deps);
  return results.every((r) => r.ok) ? CHECK_EXIT.ok : CHECK_EXIT.notOk;
}

/** A check target keeps the database id (negative ids are named HOSTs). */
interface CheckTarget extends Target {
  stored: boolean;
}

function namedTargets(args: CheckArgs): CheckTarget[] {
  const options = targetOptionsOf(args.flagValues, { defaults: { intervalMs: 1000 } });
  return args.hosts.map((host, i) => ({
    id: -(i + 1),
    host,
    label: null,
    options,
    paused: false,
    stored: false,
  }));
}

/** The config file's targets (ids count down from -1, like named HOSTs), or null: no file. */
async function fileTargets(args: CheckArgs, deps: CheckDeps): Promise<CheckTarget[] | null> {
  const declared = await checkConfigTargets(args, deps.env, () => deps.databasePath(args));
  return declared?.map((t, i) => ({
    id: -(i + 1),
    host: t.host,
    label: t.label,
    options: withFlags(t.options, args),
    paused: false,
    stored: false,
  })) ?? null;
}

async function storedTargets(args: CheckArgs, deps: CheckDeps): Promise<CheckTarget[]> {
  const path = deps.databasePath(args);
  if (isMissingFile(path)) {
    throw new UsageError(`no database at ${path} (name a HOST, or give --db/--data-dir)`);
  }
  const store = await openStore(path);
  let records: TargetRecord[];
  try {
    records = await store.listTargets();
  } finally {
    await store.close();
  }
  const paused = records.filter((r) => r.paused);
  if (paused.length) {
    deps.writeError(
      `check: skipping ${paused.length} paused target(s): ${
        paused.map((r) => r.host).join(", ")
      }\n`,
    );
  }
  return records.filter((r) => !r.paused).map((r) => ({
    id: r.id,
    host: r.host,
    label: r.label,
    options: withFlags(r.options, args),
    paused: false,
    stored: true,
  }));
}

/** Flags given on the command line win over the stored options, for this check only. */
function withFlags(stored: TargetOptions, args: CheckArgs): TargetOptions {
  const { port, ...rest } = stored;
  const protocol = args.flagValues.protocol ?? stored.protocol;
  // A stored port belongs to the stored protocol (ICMP keeps 0, which no flag may set).
  const keepPort = stored.protocol !== "icmp" && protocol === stored.protocol;
  return targetOptionsOf(args.flagValues, { defaults: keepPort ? { ...rest, port } : rest });
}

/** Plain paths are checked so a typo does not leave a new empty database behind. */
function isMissingFile(path: string): boolean {
  if (path === ":memory:" || /^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(path)) return false;
  try {
    Deno.statSync(path);
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
}

/** `auto` narrowed to a prober that can send every protocol in use (see choiceForProtocol). */
function proberChoice(args: CheckArgs, targets: Target[]): string {
  const protocols = [...new Set(targets.map((t) => t.options.protocol))];
  const narrowed = protocols.map((p) => choiceForProtocol(args.prober, p));
  return narrowed.find((choice) => choice !== "auto") ?? args.prober;
}

async function plan(target: Target, prober: Prober, deps: CheckDeps): Promise<Plan> {
  const limitation = proberLimitation(prober, target.options);
  if (limitation) return { target, address: null, problem: limitation };
  try {
    const addresses = await deps.addressLookup(target.host, target.options.ipVersion);
    if (addresses.length) return { target, address: addresses[0] };
    return { target, address: null, problem: `${target.host}: no address found` };
  } catch (error) {
    return { target, address: null, problem: `cannot resolve ${target.host}: ${error}` };
  }
}

/** Every probeable target at once; resolves with each target's rounds. */
async function probeAll(
  plans: Plan[],
  prober: Prober,
  count: number,
  deps: CheckDeps,
): Promise<Map<number, Round[]>> {
  const engine = new Engine({ prober, clock: deps.clock, spreadStart: false, reverseDns: false });
  const rounds = new Map<number, Round[]>();
  engine.subscribe((event) => {
    if (event.type !== "round") return;
    const list = rounds.get(event.round.targetId) ?? [];
    list.push(event.round);
    rounds.set(event.round.targetId, list);
  });
  const live = plans.filter((p) => p.address !== null);
  for (const p of live) engine.setTarget(p.target, { address: p.address!, roundLimit: count });
  const finished = Promise.all(live.map((p) => engine.whenIdle(p.target.id)));
  await Promise.race([finished, deps.interrupted ?? new Promise<void>(() => {})]);
  await engine.stop();
  return rounds;
}

function outcomeOf(p: Plan, rounds: Round[]): TargetOutcome {
  const stored = (p.target as CheckTarget).stored;
  return {
    id: stored ? p.target.id : null,
    host: p.target.host,
    label: p.target.label,
    address: p.address,
    rounds,
    problem: p.problem,
  };
}

function print(results: CheckResult[], targets: Target[], args: CheckArgs, deps: CheckDeps): void {
  if (args.json) {
    deps.write(checkJson(results) + "\n");
    return;
  }
  const finalOnly = new Map(targets.map((t) => [t.host, t.options.finalHopOnly]));
  const color = deps.isTty && !deps.env.NO_COLOR;
  deps.write(
    renderCheckTable(results, {
      color,
      finalHopOnly: (r) => finalOnly.get(r.host) ?? false,
    }) + "\n",
  );
}
