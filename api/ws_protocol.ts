// The /ws message protocol. Client → server (JSON text):
//   {"type":"subscribe","targets":[1,2]|"all","summary":true}
//   {"type":"unsubscribe","targets":[1]|"all","summary":true}
//   {"type":"ping"}
// Server → client: {"type":"hello"}, {"type":"subscribed"}, {"type":"pong"},
//   {"type":"error","error":{code,message}}, and per tick
//   {"type":"batch","at":MS,"dropped":N,"events":[round | routeChange | targetError | summary |
//   alert]}.
import { z } from "zod";
import type { AlertEvent } from "../alerts/mod.ts";
import type { RoutePath } from "../engine/mod.ts";
import type { roundJson } from "./export_format.ts";
import type { SummaryRow } from "./routes/mod.ts";

/** An event queued for the clients subscribed to its target (summary: -1, its subscribers). */
export type WireEvent =
  | { type: "round"; targetId: number; round: ReturnType<typeof roundJson> }
  | { type: "routeChange"; targetId: number; at: number; before: RoutePath; after: RoutePath }
  | { type: "targetError"; targetId: number; at: number; message: string }
  | { type: "summary"; targetId: -1; targets: SummaryRow[] }
  | { type: "alert"; targetId: number; alert: AlertEvent };

/** An event as a batch carries it: a summary event names no target. */
export type BatchEvent =
  | Exclude<WireEvent, { type: "summary" }>
  | Omit<Extract<WireEvent, { type: "summary" }>, "targetId">;

/** Everything the server sends on /ws. */
export type ServerMessage =
  | { type: "hello"; version: string; tickMs: number }
  | { type: "subscribed"; targets: "all" | number[]; summary: boolean }
  | { type: "pong" }
  | { type: "error"; error: { code: string; message: string } }
  | { type: "batch"; at: number; events: BatchEvent[]; dropped: number };

const targets = z.union([z.literal("all"), z.array(z.number().int().positive()).max(10_000)]);

export const clientMessage = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("subscribe"),
    targets: targets.optional(),
    summary: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("unsubscribe"),
    targets: targets.optional(),
    summary: z.boolean().optional(),
  }),
  z.object({ type: z.literal("ping") }),
]);

export type ClientMessage = z.infer<typeof clientMessage>;

export function parseClientMessage(
  text: string,
): { ok: true; message: ClientMessage } | { ok: false; error: { code: string; message: string } } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: { code: "invalid_json", message: "messages are JSON text" } };
  }
  const parsed = clientMessage.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join(".") || "message";
    return {
      ok: false,
      error: { code: "invalid_message", message: `${field}: ${issue?.message}` },
    };
  }
  return { ok: true, message: parsed.data };
}
