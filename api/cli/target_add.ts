// `target add`'s flags → the API's target body (POST /api/targets), validated by the API's own
// schema, so a refusal reads the same whether the server or the database takes the target.
import { type TargetCreate, targetCreate } from "../schemas.ts";
import { UsageError } from "./command.ts";
import { TARGET_FLAG_SPEC } from "./target_flags.ts";

export const ADD_FLAGS = {
  ...TARGET_FLAG_SPEC,
  label: { type: "string" },
  configuration: { type: "string" },
  group: { type: "string", multiple: true },
  agent: { type: "string", multiple: true },
} as const;

const FLAG_OF_FIELD: Record<string, string> = {
  interval: "--interval",
  protocol: "--protocol",
  port: "--probe-port",
  maxHops: "--max-hops",
  timeout: "--timeout",
  packetSize: "--size",
  interPacketDelay: "--inter-packet-delay",
  host: "HOST",
  label: "--label",
  configuration: "--configuration",
  groups: "--group",
  agents: "--agent",
};

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`${flag}: "${text}" is not a number`);
  }
  return n;
}

export function addBody(host: string, values: Record<string, unknown>): TargetCreate {
  const text = (key: string) => values[key] as string | undefined;
  const delayMs = number("--inter-packet-delay", text("inter-packet-delay"));
  const body = {
    host,
    label: text("label"),
    configuration: text("configuration"),
    groups: values.group as string[] | undefined,
    agents: values.agent as string[] | undefined,
    interval: number("--interval", text("interval")),
    protocol: text("protocol"),
    port: number("--probe-port", text("probe-port")),
    maxHops: number("--max-hops", text("max-hops")),
    timeout: number("--timeout", text("timeout")),
    packetSize: number("--size", text("size")),
    interPacketDelay: delayMs === undefined ? undefined : delayMs / 1000,
    finalHopOnly: values["final-hop-only"] as boolean | undefined,
  };
  const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  const parsed = targetCreate.safeParse(defined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "");
    throw new UsageError(`${FLAG_OF_FIELD[field] ?? field}: ${issue.message}`);
  }
  return parsed.data;
}
