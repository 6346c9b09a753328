// The WebSocket: one connection, a visible state, reconnect with backoff, and a tiny event bus.
// Models learn "something changed for target N" and refresh what they show; the exact push
// payloads stay here.
import { signal } from "@preact/signals";

export type ConnectionState = "connecting" | "live" | "offline";

export const connection = signal<ConnectionState>("connecting");
/** Seconds until the next reconnect attempt while offline. */
export const retryInS = signal(0);

export interface LiveEvent {
  kind: "round" | "route" | "summary" | "alert" | "other";
  targetId: number | null;
  data: Record<string, unknown>;
}

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

function kindOf(type: string): LiveEvent["kind"] {
  if (/route/i.test(type)) return "route";
  if (/summary/i.test(type)) return "summary";
  if (/alert/i.test(type)) return "alert";
  if (/round|hop|sample/i.test(type)) return "round";
  return "other";
}

function dispatch(message: Record<string, unknown>): void {
  if (Array.isArray(message.events ?? message.batch)) {
    for (const inner of (message.events ?? message.batch) as Record<string, unknown>[]) {
      dispatch(inner);
    }
    return;
  }
  const type = String(message.type ?? message.event ?? "");
  const inner = (message.data ?? message.round ?? message.change ?? {}) as Record<string, unknown>;
  const id = message.targetId ?? inner.targetId ?? (message.target as { id?: number })?.id;
  const event: LiveEvent = {
    kind: kindOf(type),
    targetId: typeof id === "number" ? id : null,
    data: message,
  };
  for (const listener of listeners) listener(event);
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
      const parsed = JSON.parse(String(event.data));
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
