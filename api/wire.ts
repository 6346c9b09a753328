// The API's wire shapes: what the server's routes answer and what the web UI reads. Types only
// (every import is `import type`, every export a type), so the UI can import this module and its
// bundle stays free of server code. Shapes come from the zod schemas and domain types they are
// made from, never copied: change a schema and both sides see it. Replies are the types their
// routes' handlers `satisfies` (api/routes/), so a route that answers otherwise fails to compile.
import type { z } from "zod";
import type {
  ActionField,
  ActionFieldFormat,
  ActionFieldKind,
  ActionFieldOption,
  ActionForm,
  ActionRun,
  ActionSpec,
  ActionType,
  ActiveAlert,
  AlertEvent,
  AlertEventKind,
  AlertRule,
  Condition,
  HopSelector,
  Metric,
  Operator,
  ruleSpecSchema,
  Trigger,
} from "../alerts/mod.ts";
import type { ProberCapabilities } from "../engine/mod.ts";
import type { configurationOptions, targetCreate, targetPatch } from "./schemas.ts";
import type { TargetView } from "./core/mod.ts";
import type {
  AddressChangesReply,
  CommentsReply,
  EventLogReply,
  InsightsReply,
  OutagesReply,
  RouteChangesReply,
  SessionsReply,
  SummaryReply,
  TimelineReply,
} from "./routes/mod.ts";
import type { BatchEvent, ServerMessage } from "./ws_protocol.ts";
import type { TracerouteResult } from "./traceroute.ts";

export type {
  ActionField,
  ActionFieldFormat,
  ActionFieldKind,
  ActionFieldOption,
  ActionForm,
  ActionRun,
  ActionSpec,
  ActionType,
  ActiveAlert,
  AlertEventKind,
  AlertRule,
  Condition,
  HopSelector,
  Metric,
  Operator,
  ProberCapabilities,
  Trigger,
};

// What the routes answer: each is the type the route's handler `satisfies` (api/routes/).
export type { TargetView };
export type {
  AddressChangesReply,
  AgentsReply,
  AuthStatusReply,
  CommentsReply,
  ConfigurationJson,
  ConfigurationsReply,
  EventLogReply,
  HopReply,
  HopsReply,
  InsightsReply,
  LogsReply,
  OutageSettingsReply,
  OutagesReply,
  RouteChangesReply,
  SessionReply,
  SessionsReply,
  SparklineJson,
  SummaryReply,
  SummaryRow,
  TargetReply,
  TargetsReply,
  TimelineReply,
} from "./routes/mod.ts";

/** One point of a timeline series (ms). */
export type TimelinePoint = TimelineReply["series"][number]["points"][number];
/** One route change: the paths before and after, hop by hop (addresses seen at each TTL). */
export type RouteChange = RouteChangesReply["routeChanges"][number];
/** A session: a named time range [start, end) of a target. */
export type Session = SessionsReply["sessions"][number];
/** POST /api/traceroute, POST /api/targets/{id}/traceroute: a one-shot trace (nothing stored). */
export interface TracerouteReply {
  traceroute: TracerouteResult;
}

/** A dynamic-DNS address change of a hostname target. */
export type AddressChangeEntry = AddressChangesReply["addressChanges"][number];
/** One timeline comment. */
export type TimelineComment = CommentsReply["comments"][number];
/** A plain-language finding of the insights. */
export type Finding = InsightsReply["findings"][number];

/** One entry of GET /api/events: an outage, a route change or an alert firing/recovery. */
export type EventLogItem = EventLogReply["events"][number];
/** One outage (GET /api/targets/{id}/outages, the summary's open outage). */
export type Outage = OutagesReply["outages"][number];
/** Uptime from outages over 24 h, 7 d, 30 d (summary rows). */
export type UptimeFigures = NonNullable<SummaryReply["targets"][number]["uptime"]>;

// The WebSocket (/ws): what the server sends (api/ws_protocol.ts).
export type { BatchEvent, ServerMessage };

/** POST /api/targets: a new target as a client sends it. */
export type TargetCreate = z.input<typeof targetCreate>;
/** PATCH /api/targets/{id} */
export type TargetPatch = z.input<typeof targetPatch>;
/** A named configuration's options (API units: seconds). */
export type ConfigurationOptions = z.input<typeof configurationOptions>;
export type Protocol = NonNullable<TargetCreate["protocol"]>;

/** A rule as a client may send it (defaults may be left out). */
export type RuleSpecInput = z.input<typeof ruleSpecSchema>;

/** GET /api/alerts/rules */
export interface RulesReply {
  rules: AlertRule[];
}

/** POST /api/alerts/rules, GET|PUT|PATCH /api/alerts/rules/{id} */
export interface RuleReply {
  rule: AlertRule;
}

/** GET /api/alerts/active: alerts firing now. */
export interface ActiveReply {
  active: ActiveAlert[];
}

/** One entry of the alert history: the event as actions saw it, and what each action did. */
export interface AlertEventRecord {
  id: number;
  ruleId: number;
  targetId: number;
  /** The agent whose rounds raised it (null: recorded before alerts were per agent). */
  agent: string | null;
  kind: AlertEventKind;
  at: number;
  detail: Partial<AlertEvent>;
  actions: ActionRun[];
}

/** GET /api/alerts/events */
export interface EventsReply {
  events: AlertEventRecord[];
}

/** POST /api/alerts/rules/{id}/test and /api/alerts/test-action */
export interface TestReply {
  runs: ActionRun[];
}

/** GET /api/alerts/action-types: every action's form, from the action registry. */
export interface ActionTypesReply {
  actionTypes: ActionForm[];
}

/** One prober of the registry, as GET /api/probers lists it. */
export interface ProberInfo {
  name: string;
  description: string;
  capabilities: ProberCapabilities;
}

/** GET /api/probers: the registry, and which prober this server is running. */
export interface ProbersReply {
  active: string;
  probers: ProberInfo[];
}

// Interface traffic and system figures (api/routes/interfaces.ts, api/routes/system.ts).
export type {
  InterfaceHistoryPoint,
  InterfaceHistoryReply,
  InterfaceLatestReply,
  InterfaceReply,
  InterfacesReply,
  InterfaceSummaryReply,
  InterfaceSummaryRow,
} from "./interface_view.ts";
export type { InterfaceSettingsReply } from "./routes/mod.ts";
export type { HealthReply, SystemReply } from "./system.ts";
export type { InterfaceRates } from "../engine/mod.ts";
