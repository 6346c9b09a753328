// What the store's host (host.ts, on the engine's thread) and its Worker (serve.ts) say to each
// other. Requests are handled in the order they were sent, so a read sent after an append sees it.
import type { LogLevel, Round } from "../../engine/ground.ts";
import type { RelayedTime } from "./relayed_clock.ts";
import type { RetentionOptions } from "../history_types.ts";
import type { InterfaceSampleRecord } from "../interface_types.ts";
import { NameTakenError } from "../server_types.ts";
import type { AgentReads, Store } from "../types.ts";

/** Store methods that answer with a promise and cross as one request and one reply. */
export const CALLS = [
  "listAgents",
  "addTarget",
  "getTarget",
  "listTargets",
  "listTargetHeads",
  "updateTarget",
  "removeTarget",
  "rounds",
  "roundPage",
  "recordRouteChange",
  "routeChanges",
  "lastRoute",
  "recordAddressChange",
  "addressChanges",
  "putDnsName",
  "dnsNames",
  "hopStats",
  "timeline",
  "summary",
  "insights",
  "enforceRetention",
  "storageSpace",
  "storeStats",
  "vacuum",
  "checkIntegrity",
  "flush",
  "close",
  "addConfiguration",
  "getConfiguration",
  "configurationByName",
  "listConfigurations",
  "updateConfiguration",
  "removeConfiguration",
  "addSession",
  "getSession",
  "listSessions",
  "updateSession",
  "removeSession",
  "targetMeta",
  "allTargetMeta",
  "replayTargetIds",
  "targetsVersion",
  "setTargetMeta",
  "passwordHash",
  "setPasswordHash",
  "addApiToken",
  "listApiTokens",
  "apiTokenByHash",
  "touchApiToken",
  "removeApiToken",
  "addAlertRule",
  "getAlertRule",
  "listAlertRules",
  "updateAlertRule",
  "removeAlertRule",
  "alertStates",
  "putAlertState",
  "deleteAlertState",
  "addAlertEvent",
  "updateAlertEventDetail",
  "addActionRun",
  "alertEvents",
  "addTimelineComment",
  "timelineComments",
  "removeTimelineComment",
  "addOutage",
  "updateOutage",
  "outages",
  "outagesByTarget",
  "outageRounds",
  "allOutageRounds",
  "setOutageRounds",
  "interfaceNames",
  "interfaceHistory",
  "interfaceSummary",
  "interfaceSamples",
  "interfaceSettings",
  "putInterfaceSettings",
] as const satisfies readonly (keyof Store)[];

export type Call = typeof CALLS[number];

/** The Store members that are not plain calls: each has its own handling in host.ts. */
type Special = "agent" | "agentReads" | "appendRound" | "appendInterfaceSamples" | "exportRounds";
// A Store member missing from CALLS and from Special fails to compile here.
const _everyMember: Record<Exclude<keyof Store, Call | Special>, never> = {};

/** One agent's reads (AgentReads) that are plain calls; its exportRounds is a stream. */
export const AGENT_CALLS = [
  "rounds",
  "roundPage",
  "routeChanges",
  "addressChanges",
  "hopStats",
  "timeline",
  "insights",
] as const satisfies readonly (keyof AgentReads)[];
const _everyRead: Record<
  Exclude<keyof AgentReads, typeof AGENT_CALLS[number] | "exportRounds">,
  never
> = {};

/** What the Worker opens: a SQLite file (the path, not a URL) with the opener's options. */
export interface OpenRequest {
  kind: "open";
  path: string;
  agent?: string;
  retention?: RetentionOptions;
  flushIntervalMs: number;
  logLevel: LogLevel;
  /** The opener's injected clock, relayed (relayed_clock.ts); absent: the system clock. */
  time?: RelayedTime;
}

/** Appended rounds and interface samples, in the order they were appended. */
export type Append = { round: Round } | { samples: InterfaceSampleRecord[] };

export type HostMessage =
  | OpenRequest
  | { kind: "append"; items: Append[] }
  /** The opener's injected clock has moved (sent before the message that follows the move). */
  | ({ kind: "time" } & RelayedTime)
  /** `agent`: call it on agentReads(agent) instead of the store itself. */
  | { kind: "call"; id: number; method: Call | "agentKnown"; args: unknown[]; agent?: string }
  /** Starts an export: its chunks are asked for one pull at a time. */
  | { kind: "stream"; stream: number; args: unknown[]; agent?: string }
  /** The stream's next chunk, answered as request `id` with a Uint8Array or null at the end. */
  | { kind: "pull"; id: number; stream: number }
  | { kind: "cancel"; stream: number };

export type WorkerMessage =
  /** A log line of the Worker's, for the opener's log sink. */
  | { kind: "log"; line: string }
  | { kind: "result"; id: number; value: unknown }
  | { kind: "error"; id: number; error: WireError };

/** An error as it crosses: its class by name, and what that class needs to be rebuilt. */
export interface WireError {
  name: string;
  message: string;
  entity?: string;
  takenName?: string;
}

export function toWire(error: unknown): WireError {
  if (error instanceof NameTakenError) {
    return {
      name: error.name,
      message: error.message,
      entity: error.entity,
      takenName: error.takenName,
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** Rebuilds the error with the class callers test for (instanceof RangeError, NameTakenError). */
export function fromWire(wire: WireError): Error {
  if (wire.name === "NameTakenError" && wire.entity !== undefined) {
    return new NameTakenError(wire.entity, wire.takenName ?? "");
  }
  const error = wire.name === "RangeError"
    ? new RangeError(wire.message)
    : wire.name === "TypeError"
    ? new TypeError(wire.message)
    : new Error(wire.message);
  if (error.name !== wire.name) error.name = wire.name;
  return error;
}
