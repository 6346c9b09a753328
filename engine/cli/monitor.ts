// The monitor: probe every target of the database (plus HOSTs from the command line), store what
// the engine finds, and show a live per-target summary. The store is passed in by main.ts; this
// module only knows the structural shape it needs, so engine/ does not depend on store/.
import { parseArgs } from "node:util";
import { Engine, type EngineEvent } from "../engine.ts";
import { log } from "../log.ts";
import { OptionsError, parseHost, resolveTargetOptions } from "../options.ts";
import { type EventRecorder, recordEngineEvent } from "../record.ts";
import type { Prober, Round, RoutePath, Target, TargetOptions } from "../types.ts";
import { type ProberChoice, proberLimitation } from "../probers/mod.ts";
import { renderSummary, type SummaryTarget } from "./summary.ts";

export interface MonitorStore extends EventRecorder {
  listTargets(): Promise<Target[]>;
  addTarget(target: { host: string; options: TargetOptions }): Promise<Target>;
  lastRoute(targetId: number): Promise<RoutePath | null>;
  rounds(targetId: number, query: { last: number }): Promise<Round[]>;
  close(): Promise<void>;
}

export interface MonitorArgs {
  hosts: string[];
  options: TargetOptions;
  prober: ProberChoice;
  focus: number;
  db: string | null;
  dataDir: string | null;
}

export function parseMonitorArgs(argv: string[]): MonitorArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: "string" },
      "data-dir": { type: "string" },
      prober: { type: "string" },
      interval: { type: "string" },
      protocol: { type: "string" },
      port: { type: "string" },
      "max-hops": { type: "string" },
      timeout: { type: "string" },
      size: { type: "string" },
      "final-hop-only": { type: "boolean" },
      focus: { type: "string" },
    },
  });
  const num = (v: string | undefined, scale = 1) => v === undefined ? undefined : Number(v) * scale;
  const options = resolveTargetOptions({
    intervalMs: num(values.interval, 1000),
    protocol: values.protocol,
    port: num(values.port),
    maxHops: num(values["max-hops"]),
    timeoutMs: num(values.timeout, 1000),
    packetSizeBytes: num(values.size),
    finalHopOnly: values["final-hop-only"],
  });
  const prober = values.prober ?? "auto";
  if (!["auto", "mtr-packet", "ping"].includes(prober)) {
    throw new OptionsError("prober", `"${prober}" is not one of auto, mtr-packet, ping`);
  }
  const focus = num(values.focus) ?? 10;
  if (!Number.isInteger(focus) || focus < 1) {
    throw new OptionsError("focus", "must be a whole number >= 1");
  }
  return {
    hosts: positionals.map((host) => parseHost(host).host),
    options,
    prober: prober as ProberChoice,
    focus,
    db: values.db ?? null,
    dataDir: values["data-dir"] ?? null,
  };
}

export interface MonitorDeps {
  store: MonitorStore;
  prober: Prober;
  write(text: string): void;
  isTty: boolean;
  interrupted: Promise<void>;
  /** How often the summary is printed when stdout is not a terminal. */
  plainEveryMs?: number;
}

/** Runs until interrupted. The caller has checked there is at least one target. */
export async function monitor(
  targets: Target[],
  args: MonitorArgs,
  deps: MonitorDeps,
): Promise<void> {
  const { store } = deps;
  const engine = new Engine({ prober: deps.prober });
  const view = new Map<number, SummaryTarget>();
  for (const t of targets) {
    const recent = await store.rounds(t.id, { last: args.focus });
    view.set(t.id, { ...t, address: null, rounds: recent, lastError: null });
  }
  const now = () => engine.clock.now();
  engine.subscribe((event) => onEvent(event, { store, view, focus: args.focus, now }));
  for (const t of targets) {
    const limitation = proberLimitation(deps.prober, t.options);
    if (limitation) {
      view.get(t.id)!.lastError = limitation;
      log.warn(`${t.host} is not probed: ${limitation}`);
    } else if (!t.paused) {
      engine.setTarget(t, { route: await store.lastRoute(t.id) });
    }
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
  await engine.stop();
  await store.close();
}

function onEvent(
  event: EngineEvent,
  ctx: { store: MonitorStore; view: Map<number, SummaryTarget>; focus: number; now: () => number },
): void {
  const { store, view } = ctx;
  recordEngineEvent(store, event, ctx.now());
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
export async function ensureTargets(store: MonitorStore, args: MonitorArgs): Promise<Target[]> {
  const existing = await store.listTargets();
  const known = new Set(existing.map((t) => t.host));
  for (const host of args.hosts) {
    if (known.has(host)) continue;
    existing.push(await store.addTarget({ host, options: args.options }));
    known.add(host);
  }
  return existing;
}
