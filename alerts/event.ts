// Turns a machine transition into the AlertEvent that actions, history and the API see.
import type { RuleTransition } from "./evaluator.ts";
import { type AlertRule, describeRule } from "./rule.ts";
import type { AlertEvent, AlertEventKind } from "./types.ts";

export interface TargetInfo {
  id: number;
  host: string;
  label: string | null;
}

/** Who raised an event: the agent, named in the message only while several agents write. */
export interface EventSource {
  agent: string;
  /** Several agents measure into the database: the message says which one this was. */
  nameAgent: boolean;
}

function valueText(rule: AlertRule, value: number | null): string {
  if (value === null) return "no data";
  const m = rule.condition.metric;
  if (m === "lossPct") return `${value.toFixed(1)} %`;
  if (m === "mos") return value.toFixed(2);
  if (m.endsWith("Ms")) return `${value.toFixed(2)} ms`;
  return value ? "yes" : "no";
}

function describeNow(rule: AlertRule, value: number | null): string {
  const c = rule.condition;
  switch (c.metric) {
    case "routeChanged":
      return "the route changed";
    case "unreachable":
      return "the destination did not answer";
    case "addressInRoute":
      return `${c.address} is in the route`;
    default:
      return `${c.metric} ${valueText(rule, value)} ${c.op} ${c.threshold}`;
  }
}

export function eventMessage(
  kind: AlertEventKind,
  rule: AlertRule,
  fields: Pick<AlertEvent, "value" | "hop" | "hopIp" | "at" | "firedAt">,
): string {
  const where = fields.hop !== null
    ? ` at hop ${fields.hop}${fields.hopIp ? ` (${fields.hopIp})` : ""}`
    : "";
  const held = fields.firedAt !== null ? Math.round((fields.at - fields.firedAt) / 1000) : 0;
  switch (kind) {
    case "firing":
      return `${describeNow(rule, fields.value)}${where}`;
    case "reminder":
      return `still: ${describeNow(rule, fields.value)}${where}, for ${held} s`;
    case "recovered":
      return `recovered after ${held} s (${rule.condition.metric} now ${
        valueText(rule, fields.value)
      }${where})`;
    case "test":
      return `test of rule "${rule.name}" (${describeRule(rule)})`;
  }
}

export function makeEvent(
  kind: AlertEventKind,
  rule: AlertRule,
  target: TargetInfo,
  source: EventSource,
  fields: Pick<AlertEvent, "value" | "hop" | "hopIp" | "at" | "firedAt">,
): AlertEvent {
  const c = rule.condition;
  const from = source.nameAgent ? `, from agent ${source.agent}` : "";
  return {
    id: 0,
    kind,
    at: fields.at,
    ruleId: rule.id,
    ruleName: rule.name,
    ruleText: describeRule(rule),
    targetId: target.id,
    targetHost: target.host,
    targetLabel: target.label,
    agent: source.agent,
    metric: c.metric,
    op: c.op ?? null,
    threshold: c.threshold ?? null,
    value: fields.value,
    hop: fields.hop,
    hopIp: fields.hopIp,
    firedAt: fields.firedAt,
    message: eventMessage(kind, rule, fields) + from,
  };
}

/** The event of a transition (recovery keeps the firing time: how long it held). */
export function transitionEvent(
  t: RuleTransition,
  target: TargetInfo,
  source: EventSource,
  firedAt: number | null,
) {
  return makeEvent(t.transition, t.rule, target, source, {
    value: t.sample.value,
    hop: t.sample.hop ?? t.state.hop,
    hopIp: t.sample.hopIp ?? t.state.hopIp,
    at: t.at,
    firedAt,
  });
}
