// The target-option flags shared by `trace`, `monitor` and the server: one parseArgs spec, one zod
// schema and one help text. The probe port is `--probe-port` everywhere, so it never clashes with
// the server's HTTP `--port`; the older spellings still work where they did (`--port` for trace and
// monitor, `--port-probe` for the server) and a conflicting pair is a usage error.
import { z } from "zod";
import {
  OptionsError,
  resolveTargetOptions,
  type TargetOptions,
  type TargetOptionsInput,
} from "../../engine/mod.ts";
import { fieldsDifferingFrom, type Store, type TargetRecord } from "../../store/mod.ts";
import { UsageError } from "./command.ts";

export const TARGET_FLAG_SPEC = {
  interval: { type: "string" },
  protocol: { type: "string" },
  "probe-port": { type: "string" },
  "max-hops": { type: "string" },
  timeout: { type: "string" },
  size: { type: "string" },
  "inter-packet-delay": { type: "string" },
  "final-hop-only": { type: "boolean" },
  flow: { type: "string" },
} as const;

export const TARGET_FLAGS_USAGE =
  `  --interval SECONDS     time between rounds (default 2.5; trace: 1)
  --protocol icmp|udp|tcp  probe protocol (default icmp)
  --probe-port N         destination port for udp/tcp (default udp 33434, tcp 80)
  --max-hops N           highest TTL to probe (default 30)
  --timeout SECONDS      how long to wait for each probe (default 3)
  --size BYTES           packet size (default 56)
  --inter-packet-delay MS  delay between sends within a round (default 25)
  --final-hop-only       probe only the destination
  --flow N               udp: Paris flow id, one constant 5-tuple (default 1; 0 = ports change
                         probe by probe); another id may take another ECMP branch`;

const numeric = (flag: string) =>
  z.string().transform((v, ctx) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: `--${flag}: "${v}" is not a number` });
      return z.NEVER;
    }
    return n;
  });

export const targetFlags = z.object({
  interval: numeric("interval").optional(),
  protocol: z.string().optional(),
  "probe-port": numeric("probe-port").optional(),
  "max-hops": numeric("max-hops").optional(),
  timeout: numeric("timeout").optional(),
  size: numeric("size").optional(),
  "inter-packet-delay": numeric("inter-packet-delay").optional(),
  "final-hop-only": z.boolean().optional(),
  flow: numeric("flow").optional(),
});

const FLAG_OF: Record<string, string> = {
  protocol: "--protocol",
  port: "--probe-port",
  maxHops: "--max-hops",
  timeoutMs: "--timeout (seconds)",
  packetSizeBytes: "--size",
  interPacketDelayMs: "--inter-packet-delay (ms)",
  intervalMs: "--interval (seconds)",
  ipVersion: "-4/-6",
  flowId: "--flow",
};

/**
 * Target options from parsed flag values. `alias` names an older spelling of --probe-port that
 * this command still accepts; `defaults` fill what no flag set (trace probes every second).
 */
export function targetOptionsOf(
  values: Record<string, unknown>,
  options: { alias?: string; defaults?: TargetOptionsInput } = {},
): TargetOptions {
  const raw = { ...values };
  const aliased = options.alias ? values[options.alias] : undefined;
  if (aliased !== undefined) {
    if (raw["probe-port"] !== undefined && raw["probe-port"] !== aliased) {
      throw new UsageError(`--probe-port and --${options.alias} disagree; use --probe-port`);
    }
    raw["probe-port"] = aliased;
  }
  const parsed = targetFlags.safeParse(pick(raw));
  if (!parsed.success) throw new UsageError(parsed.error.issues[0].message);
  const f = parsed.data;
  const seconds = (v: number | undefined) => v === undefined ? undefined : v * 1000;
  const input: TargetOptionsInput = { ...options.defaults };
  const set = <K extends keyof TargetOptionsInput>(key: K, v: TargetOptionsInput[K]) => {
    if (v !== undefined) input[key] = v;
  };
  set("intervalMs", seconds(f.interval));
  set("protocol", f.protocol as TargetOptionsInput["protocol"]);
  set("port", f["probe-port"]);
  set("maxHops", f["max-hops"]);
  set("timeoutMs", seconds(f.timeout));
  set("packetSizeBytes", f.size);
  set("interPacketDelayMs", f["inter-packet-delay"]);
  set("finalHopOnly", f["final-hop-only"]);
  set("flowId", f.flow);
  try {
    return resolveTargetOptions(input);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    const message = error.message.slice(error.field.length + 2);
    throw new UsageError(`${FLAG_OF[error.field] ?? error.field}: ${message}`);
  }
}

function pick(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(TARGET_FLAG_SPEC).map((key) => [key, values[key]]));
}

/**
 * Adds a HOST named on the command line. The flags' options are its own (they differ from the
 * defaults), so a configuration applied later does not take them away.
 */
export async function addFlaggedTarget(
  store: Store,
  host: string,
  options: TargetOptions,
): Promise<TargetRecord> {
  const record = await store.addTarget({ host, options });
  const explicit = fieldsDifferingFrom(options);
  await store.setTargetMeta({ targetId: record.id, configuration: null, replay: false, explicit });
  return record;
}
