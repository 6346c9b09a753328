// `trace HOST`: an mtr-like live table, a report, or JSON, from the same engine the monitor uses.
import {
  type AddressLookup,
  type AsInfo,
  AsLookup,
  choiceForProtocol,
  type Clock,
  Engine,
  hopStats,
  type Prober,
  proberLimitation,
  protocolProblem,
  type Round,
  systemClock,
  type TxtLookup,
} from "../../engine/mod.ts";
import {
  parseTraceArgs,
  type ProberChoice,
  TRACE_USAGE,
  type TraceArgs,
  UsageError,
} from "./trace_args.ts";
import { renderTable, traceJson } from "./trace_output.ts";

export const EXIT = { ok: 0, usage: 2, unresolved: 3, noProber: 4 } as const;

export type SelectProber = (
  choice: ProberChoice,
) => Promise<{ ok: true; prober: Prober } | { ok: false; reason: string }>;

export interface TraceDeps {
  write(text: string): void;
  writeError(text: string): void;
  isTty: boolean;
  selectProber: SelectProber;
  addressLookup: AddressLookup;
  clock?: Clock;
  /** Resolves when the user interrupts (Ctrl-C); the trace then ends like --count did. */
  interrupted?: Promise<void>;
  /** Reverse lookups; off in tests that have no resolver. */
  reverseDns?: boolean;
  /** TXT queries of --as-lookup (tests substitute a stand-in; default: the system resolver). */
  txtLookup?: TxtLookup;
}

/** Runs the command; resolves with the process exit code. */
export async function runTrace(argv: string[], deps: TraceDeps): Promise<number> {
  let args: TraceArgs;
  try {
    args = parseTraceArgs(argv, deps.isTty);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    deps.writeError(`trace: ${error.message}\n\n${TRACE_USAGE}\n`);
    return EXIT.usage;
  }
  const address = await resolveAddress(args, deps);
  if (address === null) return EXIT.unresolved;
  const problem = protocolProblem(args.prober, args.options.protocol);
  if (problem) {
    deps.writeError(`trace: ${problem}\n`);
    return EXIT.noProber;
  }
  const choice = choiceForProtocol(args.prober, args.options.protocol);
  const selected = await deps.selectProber(choice);
  if (!selected.ok) {
    deps.writeError(`trace: no working prober\n${selected.reason}\n`);
    return EXIT.noProber;
  }
  const limitation = proberLimitation(selected.prober, args.options);
  if (limitation) {
    await selected.prober.close();
    deps.writeError(`trace: ${limitation}\n`);
    return EXIT.noProber;
  }
  try {
    const collected = await collectRounds(args, address, selected.prober, deps);
    const asOf = args.asLookup ? await lookUpAs(collected.rounds, deps) : undefined;
    print(args, address, selected.prober.name, { ...collected, asOf }, deps);
    return EXIT.ok;
  } finally {
    await selected.prober.close();
  }
}

async function resolveAddress(args: TraceArgs, deps: TraceDeps): Promise<string | null> {
  if (args.hostKind !== "name") return args.host;
  try {
    const addresses = await deps.addressLookup(args.host, args.options.ipVersion);
    if (addresses.length) return addresses[0];
    deps.writeError(`trace: ${args.host}: no address found\n`);
  } catch (error) {
    deps.writeError(`trace: cannot resolve ${args.host}: ${(error as Error).message}\n`);
  }
  return null;
}

interface Collected {
  rounds: Round[];
  nameOf: (ip: string) => string | null | undefined;
  asOf?: (ip: string) => AsInfo | null | undefined;
}

/** The AS of every address that answered (only with --as-lookup: it asks a third party). */
async function lookUpAs(rounds: Round[], deps: TraceDeps) {
  const clock = deps.clock ?? systemClock;
  const lookup = new AsLookup({ clock, lookup: deps.txtLookup });
  const ips = new Set(hopStats(rounds).flatMap((hop) => hop.ips));
  const found = new Map<string, AsInfo | null>();
  await Promise.all([...ips].map(async (ip) => found.set(ip, await lookup.lookup(ip))));
  return (ip: string) => found.get(ip);
}

async function collectRounds(
  args: TraceArgs,
  address: string,
  prober: Prober,
  deps: TraceDeps,
): Promise<Collected> {
  const engine = new Engine({
    prober,
    clock: deps.clock,
    spreadStart: false,
    reverseDns: deps.reverseDns === false ? false : undefined,
  });
  const nameOf = (ip: string) => engine.dns?.name(ip);
  const rounds: Round[] = [];
  const target = { id: 1, host: args.host, label: null, options: args.options, paused: false };
  engine.subscribe((event) => {
    if (event.type !== "round") return;
    rounds.push(event.round);
    if (args.mode === "live") {
      deps.write(CLEAR_SCREEN + liveScreen(args, address, prober.name, rounds, nameOf));
    }
  });
  engine.setTarget(target, { address, roundLimit: args.count ?? undefined });
  await Promise.race([engine.whenIdle(target.id), deps.interrupted ?? new Promise<void>(() => {})]);
  await engine.stop();
  await engine.dns?.idle();
  return { rounds, nameOf };
}

const CLEAR_SCREEN = "\x1b[H\x1b[2J";

function liveScreen(
  args: TraceArgs,
  address: string,
  proberName: string,
  rounds: Round[],
  nameOf: Collected["nameOf"],
): string {
  const header = `PingWatcher trace ${args.host} (${address}) - ${args.options.protocol} via ` +
    `${proberName}, ${rounds.length} rounds every ${
      args.options.intervalMs / 1000
    } s. Ctrl-C stops.`;
  return `${header}\n\n${renderTable(hopStats(rounds), { color: true, nameOf })}\n`;
}

function print(
  args: TraceArgs,
  address: string,
  proberName: string,
  collected: Collected,
  deps: TraceDeps,
): void {
  const { rounds, nameOf, asOf } = collected;
  const stats = hopStats(rounds);
  if (args.mode === "json") {
    const meta = {
      target: args.host,
      address,
      prober: proberName,
      protocol: args.options.protocol,
      samples: rounds.length,
    };
    deps.write(JSON.stringify(traceJson(meta, stats, nameOf, asOf), null, 2) + "\n");
    return;
  }
  if (args.mode === "report") {
    deps.write(
      `HOST: ${args.host} (${address})  ${args.options.protocol} via ${proberName}, ` +
        `${rounds.length} rounds\n`,
    );
  }
  const color = args.mode === "live" && deps.isTty;
  deps.write(renderTable(stats, { color, nameOf, asOf }) + "\n");
}
