// The text monitor: probe every target of the database (plus HOSTs from the command line) through
// the same monitor service the server uses (api/core: engine + store + recording), and show a live
// per-target summary of what it recorded.
import {
  Engine,
  type EngineEvent,
  log,
  OptionsError,
  parseHost,
  type Prober,
  type ProberChoice,
  proberChoiceProblem,
  type Target,
  type TargetOptions,
} from "../../engine/mod.ts";
import type { Store } from "../../store/mod.ts";
import { MonitorService } from "../core/mod.ts";
import { parseCommandLine, UsageError } from "./command.ts";
import { renderSummary, type SummaryTarget } from "./summary.ts";
import { addFlaggedTarget, TARGET_FLAG_SPEC, targetOptionsOf } from "./target_flags.ts";

export interface MonitorArgs {
  hosts: string[];
  options: TargetOptions;
  prober: ProberChoice;
  focus: number;
  db: string | null;
  dataDir: string | null;
  config: string | null;
}

/** Parses argv (after the word "monitor"); a bad command line is a UsageError. */
export function parseMonitorArgs(argv: string[]): MonitorArgs {
  const parsed = parseCommandLine(argv, {
    ...TARGET_FLAG_SPEC,
    db: { type: "string" },
    "data-dir": { type: "string" },
    prober: { type: "string" },
    port: { type: "string" },
    focus: { type: "string" },
    config: { type: "string" },
  });
  const { values, positionals } = parsed;
  const options = targetOptionsOf(values, { alias: "port" });
  const prober = values.prober ?? "auto";
  const proberProblem = proberChoiceProblem(prober);
  if (proberProblem) {
    throw new UsageError(`--prober: ${proberProblem}`);
  }
  const focus = values.focus === undefined ? 10 : Number(values.focus);
  if (!Number.isInteger(focus) || focus < 1) {
    throw new UsageError("--focus: must be a whole number >= 1");
  }
  return {
    hosts: positionals.map(hostArgument),
    options,
    prober: prober as ProberChoice,
    focus,
    db: values.db ?? null,
    dataDir: values["data-dir"] ?? null,
    config: values.config ?? null,
  };
}

export interface MonitorDeps {
  store: Store;
  prober: Prober;
  write(text: string): void;
  isTty: boolean;
  interrupted: Promise<void>;
  /** How often the summary is printed when stdout is not a terminal. */
  plainEveryMs?: number;
  /** Runs once the service has started (the config file's targets are applied here). */
  prepare?(service: MonitorService): Promise<void>;
}

/** Runs until interrupted. The caller has checked there is at least one target. */
export async function monitor(
  targets: Target[],
  args: MonitorArgs,
  deps: MonitorDeps,
): Promise<void> {
  const { store } = deps;
  const engine = new Engine({ prober: deps.prober });
  const service = new MonitorService({ store, engine, prober: deps.prober });
  const view = new Map<number, SummaryTarget>();
  for (const t of targets) {
    const recent = await store.rounds(t.id, { last: args.focus });
    view.set(t.id, { ...t, address: null, rounds: recent, lastError: null });
  }
  service.subscribe((event) => onEvent(event, { view, focus: args.focus }));
  await service.start();
  await deps.prepare?.(service);
  for (const target of await service.list()) {
    if (!view.has(target.id)) {
      const record = (await store.getTarget(target.id))!;
      view.set(target.id, { ...record, address: null, rounds: [], lastError: null });
    }
    const entry = view.get(target.id);
    if (entry) entry.lastError = target.status.lastError;
  }
  const draw = () => {
    for (const [id, entry] of view) {
      entry.address = engine.targetStatus(id)?.address ?? entry.address;
    }
    const table = renderSummary([...view.values()], engine.counters());
    deps.write(
      deps.isTty
        ? `\x1b[H\x1b[2J${table}\n`
        : `${new Date(engine.clock.now()).toISOString()}\n${table}\n\n`,
    );
  };
  const stopDrawing = new AbortController();
  const drawing = (async () => {
    while (!stopDrawing.signal.aborted) {
      draw();
      await engine.clock.sleep(deps.isTty ? 1000 : deps.plainEveryMs ?? 10_000, stopDrawing.signal)
        .catch(() => {});
    }
  })();
  await deps.interrupted;
  stopDrawing.abort();
  await drawing;
  if (!deps.isTty) draw(); // a last summary for logs and pipes
  await service.stop();
  await store.close();
}

function onEvent(
  event: EngineEvent,
  ctx: { view: Map<number, SummaryTarget>; focus: number },
): void {
  const { view } = ctx;
  switch (event.type) {
    case "round": {
      const entry = view.get(event.round.targetId);
      if (!entry) return;
      entry.rounds.push(event.round);
      if (entry.rounds.length > ctx.focus) entry.rounds.splice(0, entry.rounds.length - ctx.focus);
      entry.lastError = null;
      return;
    }
    case "targetError": {
      const entry = view.get(event.targetId);
      if (entry) entry.lastError = event.message;
      log.warn(event.message, { targetId: event.targetId });
    }
  }
}

/** Adds HOSTs from the command line that the database does not have yet. */
export async function ensureTargets(store: Store, args: MonitorArgs): Promise<Target[]> {
  const existing = await store.listTargets();
  const known = new Set(existing.map((t) => t.host));
  for (const host of args.hosts) {
    if (known.has(host)) continue;
    existing.push(await addFlaggedTarget(store, host, args.options));
    known.add(host);
  }
  return existing;
}

function hostArgument(text: string): string {
  try {
    return parseHost(text).host;
  } catch (error) {
    if (error instanceof OptionsError) throw new UsageError(error.message);
    throw error;
  }
}
