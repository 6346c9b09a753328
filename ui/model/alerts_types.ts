// Alerts as the server sends them (rules, active alerts, history events: their shapes come from
// api/wire.ts) and the words the page uses for them: metric names, field names of the API's
// messages, a rule in one sentence.
import type {
  ActionRun,
  AlertEventKind,
  AlertEventRecord,
  AlertRule,
  Metric,
  Operator,
} from "../../api/wire.ts";

export type {
  ActionForm,
  ActionRun,
  ActionSpec,
  ActiveAlert,
  AlertEventRecord,
  AlertRule,
  HopSelector,
  Metric,
  Operator,
  Trigger,
} from "../../api/wire.ts";

/** The `detail` of a history entry: the event as the actions saw it. */
export type AlertEventDetail = AlertEventRecord["detail"];

export const METRICS = [
  { id: "lossPct", label: "Loss %", numeric: true },
  { id: "avgMs", label: "Average latency (ms)", numeric: true },
  { id: "curMs", label: "Current latency (ms)", numeric: true },
  { id: "jitterMs", label: "Jitter (ms)", numeric: true },
  { id: "mos", label: "MOS (1–4.5)", numeric: true },
  { id: "routeChanged", label: "Route changed", numeric: false },
  { id: "unreachable", label: "Destination unreachable", numeric: false },
  { id: "addressInRoute", label: "Address appears in the route", numeric: false },
] as const satisfies readonly { id: Metric; label: string; numeric: boolean }[];
// The labels are the page's own words; `satisfies` keeps the ids in step with the server's.
export const OPERATORS = [">", ">=", "<", "<="] as const satisfies readonly Operator[];
export const EVENT_KINDS = [
  "firing",
  "reminder",
  "recovered",
  "test",
] as const satisfies readonly AlertEventKind[];
export type EventKind = typeof EVENT_KINDS[number];

export interface HistoryFilter {
  ruleId: number | null;
  targetId: number | null;
  kinds: EventKind[];
  /** Epoch ms; null: open. */
  start: number | null;
  end: number | null;
}

/** What a test-fire did, for the page to show. */
export interface TestOutcome {
  title: string;
  runs: ActionRun[];
}

const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  scope: "Targets",
  "scope.targetIds": "Targets",
  hop: "Hop",
  "hop.hop": "Hop number",
  "hop.address": "Hop address",
  condition: "Condition",
  "condition.metric": "Metric",
  "condition.op": "Operator",
  "condition.threshold": "Threshold",
  "condition.recoverThreshold": "Recovery threshold",
  "condition.address": "Address in the route",
  focusSamples: "Over the last (samples)",
  trigger: "Trigger",
  "trigger.consecutive": "N (samples in a row)",
  "trigger.xOf": "X (bad samples)",
  "trigger.last": "Y (of the last)",
  "trigger.forMs": "For (seconds)",
  recoverAfterSamples: "Recovers after",
  repeatIntervalMs: "Reminder interval",
  evidenceWindowMs: "Evidence window",
  actions: "Actions",
};
const ACTION_FIELD_LABELS: Record<string, string> = {
  to: "to",
  cc: "cc",
  url: "URL",
  headers: "headers",
  file: "file name",
  argv: "program and arguments",
  prefix: "comment prefix",
  on: "runs on",
  timeoutMs: "timeout",
  retries: "retries",
  retryBackoffMs: "retry backoff",
  subjectPrefix: "subject prefix",
};

/** The form's name for an API field path: "Action 2 URL", "Recovery threshold". */
export function fieldLabel(path: string): string {
  const action = path.match(/^actions\.(\d+)(?:\.(\w+))?/);
  if (action) {
    const field = action[2] ? ACTION_FIELD_LABELS[action[2]] ?? action[2] : "";
    return `Action ${Number(action[1]) + 1}${field ? ` ${field}` : ""}`;
  }
  return FIELD_LABELS[path] ?? path;
}

const METRIC_SHORT: Record<Metric, string> = {
  lossPct: "loss %",
  avgMs: "avg ms",
  curMs: "cur ms",
  jitterMs: "jitter ms",
  mos: "MOS",
  routeChanged: "route changed",
  unreachable: "unreachable",
  addressInRoute: "address in route",
};

export function metricLabel(metric: string): string {
  return METRIC_SHORT[metric as Metric] ?? metric;
}

/** "loss % ≥ 10 (clear < 2) at the final hop, 3 of the last 5 samples". */
export function describeRule(rule: AlertRule): string {
  const c = rule.condition;
  const what = c.metric === "addressInRoute"
    ? `${c.address} appears in the route`
    : c.metric === "routeChanged"
    ? "the route changes"
    : c.metric === "unreachable"
    ? "the destination is unreachable"
    : `${METRIC_SHORT[c.metric]} ${c.op} ${c.threshold}${
      c.recoverThreshold !== undefined && c.recoverThreshold !== c.threshold
        ? ` (clear past ${c.recoverThreshold})`
        : ""
    }`;
  const h = rule.hop;
  const hop = h === "final"
    ? "the final hop"
    : h === "any"
    ? "any hop"
    : "hop" in h
    ? `hop ${h.hop}`
    : `the hop of ${h.address}`;
  const t = rule.trigger;
  const when = "consecutive" in t
    ? `${t.consecutive} sample${t.consecutive === 1 ? "" : "s"} in a row`
    : "xOf" in t
    ? `${t.xOf} of the last ${t.last} samples`
    : `for ${t.forMs / 1000} s`;
  return `${what} at ${hop}, ${when}`;
}
