// What an alert event looks like to actions, the history and the API.
import type { Transition } from "./machine.ts";
import type { Metric, Operator } from "./rule.ts";
import type { ActionRunRecord } from "../store/mod.ts";

export type AlertEventKind = Transition | "test";

/**
 * One alert event. This is also the `event` object of the webhook payload and the source of the
 * command action's environment variables, so fields are only ever added, never renamed.
 */
export interface AlertEvent {
  /** History id (0 until recorded). */
  id: number;
  kind: AlertEventKind;
  /** Epoch ms of the sample that caused it. */
  at: number;
  ruleId: number;
  ruleName: string;
  /** The rule in words ("lossPct > 10 (final hop), 3 sample(s) in a row"). */
  ruleText: string;
  targetId: number;
  targetHost: string;
  targetLabel: string | null;
  /** The agent (vantage point) whose rounds raised it, or that ran the test. */
  agent: string;
  metric: Metric;
  op: Operator | null;
  threshold: number | null;
  /** The value that decided (loss %, ms, MOS, or 1/0 for route/unreachable/address rules). */
  value: number | null;
  /** TTL and address of the hop that decided. */
  hop: number | null;
  hopIp: string | null;
  /** When the alert started (for reminders and recoveries: how long it has held). */
  firedAt: number | null;
  /** One line for subjects and logs. */
  message: string;
}

/** The result of running one action for one event, as kept in the history. */
export type ActionRun = ActionRunRecord;
