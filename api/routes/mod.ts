// Every API route. A feature adds its routes with one file in this folder and one line below.
import type { Route } from "../router.ts";
import { addressChangeRoutes } from "./address_changes.ts";
import { agentRoutes } from "./agents.ts";
import { alertRoutes } from "./alerts.ts";
import { authRoutes } from "./auth.ts";
import { commentRoutes } from "./comments.ts";
import { interfaceRoutes } from "./interfaces.ts";
import { systemRoutes } from "./system.ts";
import { configurationRoutes } from "./configurations.ts";
import { metaRoutes } from "./meta.ts";
import { metricsRoutes } from "./metrics.ts";
import { outageRoutes } from "./outages.ts";
import { sessionRoutes } from "./sessions.ts";
import { summaryRoutes } from "./summary.ts";
import { targetDataRoutes } from "./target_data.ts";
import { targetRoutes } from "./targets.ts";
import { tracerouteRoutes } from "./traceroute.ts";

export const ROUTES: readonly Route[] = [
  ...metaRoutes,
  ...authRoutes,
  ...targetRoutes,
  ...targetDataRoutes,
  ...addressChangeRoutes,
  ...summaryRoutes,
  ...agentRoutes,
  ...configurationRoutes,
  ...sessionRoutes,
  ...tracerouteRoutes,
  ...alertRoutes,
  ...commentRoutes,
  ...metricsRoutes,
  ...outageRoutes,
  ...interfaceRoutes,
  ...systemRoutes,
];
export type { InterfaceSettingsReply } from "./interfaces.ts";
export { summaryRows } from "./summary.ts";
export type { AuthStatusReply } from "./auth.ts";
export type { AddressChangesReply } from "./address_changes.ts";
export type { AgentsReply } from "./agents.ts";
export type { CommentsReply } from "./comments.ts";
export type { ConfigurationJson, ConfigurationsReply } from "./configurations.ts";
export type { EventLogReply, OutageSettingsReply, OutagesReply } from "./outages.ts";
export type { SessionReply, SessionsReply } from "./sessions.ts";
export type { SparklineJson, SummaryReply, SummaryRow } from "./summary.ts";
export type {
  HopReply,
  HopsReply,
  InsightsReply,
  LogsReply,
  RouteChangesReply,
  TimelineReply,
} from "./target_data.ts";
export type { TargetReply, TargetsReply } from "./targets.ts";
