// The WebSocket: one connection, a visible state, reconnect with backoff, and a tiny event bus.
// Models learn "something changed for target N" and refresh what they show; the messages are
// the server's own types (api/wire.ts ServerMessage, from api/ws_protocol.ts).
import { signal } from "@preact/signals";
import type { BatchEvent, ServerMessage } from "../../api/wire.ts";

export type ConnectionState = "connecting" | "live" | "offline";

export const connection = signal<ConnectionState>("connecting");
/** Seconds until the next reconnect attempt while offline. */
export const retryInS = signal(0);

export type LiveEvent =
  | { kind: "summary"; targetId: null; data: Extract<BatchEvent, { type: "summary" }> }
  | {
    kind: "round" | "route" | "alert" | "other";
    targetId: number | null;
    data: BatchEvent | ServerMessage;
  };

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();
let socket: WebSocket | null = null;
let wanted: { targets: number[]; summary: boolean } = { targets: [], summary: true };
let attempts = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let countdown: ReturnType<typeof setInterval> | undefined;
const reconnectListeners = new Set<() => void>();

export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called after every (re)connection: models refetch what they may have missed. */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

function liveEventOf(event: BatchEvent): LiveEvent {
  switch (event.type) {
    case "summary":
      return { kind: "summary", targetId: null, data: event };
    case "round":
      return { kind: "round", targetId: event.targetId, data: event };
    case "routeChange":
      return { kind: "route", targetId: event.targetId, data: event };
    case "alert":
      return { kind: "alert", targetId: event.targetId, data: event };
    default:
      return { kind: "other", targetId: event.targetId, data: event };
  }
}

/** A batch's events one by one; the other messages (hello, subscribed, pong, error) as "other". */
function dispatch(message: ServerMessage): void {
  const events: LiveEvent[] = message.type === "batch"
    ? message.events.map(liveEventOf)
    : [{ kind: "other", targetId: null, data: message }];
  for (const event of events) {
    for (const listener of listeners) listener(event);
  }
}

function send(payload: unknown): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
}

function sendSubscription(): void {
  send({ type: "subscribe", targets: wanted.targets, summary: wanted.summary });
}

/** Which targets (and whether the summary) this page wants pushed. */
export function subscribe(targets: number[], summary: boolean): void {
  const removed = wanted.targets.filter((t) => !targets.includes(t));
  wanted = { targets: [...targets].sort((a, b) => a - b), summary };
  if (removed.length) send({ type: "unsubscribe", targets: removed });
  sendSubscription();
}

function scheduleReconnect(): void {
  clearInterval(countdown);
  const delayS = Math.min(10, 2 ** Math.min(attempts, 4) / 2);
  attempts++;
  retryInS.value = Math.ceil(delayS);
  countdown = setInterval(() => {
    retryInS.value = Math.max(0, retryInS.value - 1);
  }, 1000);
  retryTimer = setTimeout(connect, delayS * 1000);
}

export function connect(): void {
  clearTimeout(retryTimer);
  clearInterval(countdown);
  if (socket && socket.readyState <= WebSocket.OPEN) return;
  connection.value = "connecting";
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    attempts = 0;
    connection.value = "live";
    sendSubscription();
    for (const listener of reconnectListeners) listener();
  };
  ws.onmessage = (event) => {
    try {
      const parsed: ServerMessage | null = JSON.parse(String(event.data));
      if (parsed && typeof parsed === "object") dispatch(parsed);
    } catch {
      // Not JSON: nothing we understand.
    }
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    connection.value = "offline";
    scheduleReconnect();
  };
  ws.onerror = () => ws.close();
}

export function disconnect(): void {
  clearTimeout(retryTimer);
  clearInterval(countdown);
  const ws = socket;
  socket = null;
  ws?.close();
}
