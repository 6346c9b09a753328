// The WebSocket hub behind /ws. Clients subscribe to targets (or all) and/or the summary; engine
// events are queued per client and sent as one batch per tick. A client's queue is bounded: past
// the bound older rounds of a target are dropped in favour of its newest (coalesced), and a client
// whose socket stays backed up is disconnected, so no client can grow memory without bound.
import { type EngineEvent, log } from "../engine/mod.ts";
import { ApiError } from "./errors.ts";
import { roundJson } from "./export_format.ts";
import type { SummaryRow } from "./routes/mod.ts";
import {
  type BatchEvent,
  parseClientMessage,
  type ServerMessage,
  type WireEvent,
} from "./ws_protocol.ts";

export interface WsHubOptions {
  /** Summary rows of the given targets (all when ids is null), for summary subscribers. */
  summary(ids: number[] | null): Promise<SummaryRow[]>;
  version: string;
  /** Batching period (default 50 ms). */
  tickMs?: number;
  /** Summary updates are pushed at most this often (default 1000 ms). */
  summaryIntervalMs?: number;
  /** Events queued per client before coalescing (default 512). */
  maxQueuedEvents?: number;
  /** A socket with more unsent bytes than this is skipped this tick (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Consecutive skipped ticks after which a slow client is disconnected (default 100). */
  maxSlowTicks?: number;
}

interface Client {
  socket: WebSocket;
  all: boolean;
  targets: Set<number>;
  summary: boolean;
  pending: WireEvent[];
  dropped: number;
  slowTicks: number;
}

const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

export class WsHub {
  readonly #clients = new Set<Client>();
  readonly #options: Required<WsHubOptions>;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Targets with new rounds since the last summary push. */
  #summaryDirty = new Set<number>();
  #lastSummaryAt = -Infinity;
  #summaryTimer: ReturnType<typeof setTimeout> | null = null;
  #flushing: Promise<void> | null = null;
  #closed = false;

  constructor(options: WsHubOptions) {
    this.#options = {
      tickMs: 50,
      summaryIntervalMs: 1000,
      maxQueuedEvents: 512,
      maxBufferedBytes: 1024 * 1024,
      maxSlowTicks: 100,
      ...options,
    };
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Upgrades an (already authenticated) request and registers the client. */
  accept(req: Request): Response {
    const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) =>
      p.trim()
    ).filter(Boolean);
    // A browser passes its token as a "bearer.TOKEN" subprotocol; answer with the plain one.
    const protocol = offered.includes("pingwatcher") ? "pingwatcher" : undefined;
    let upgraded;
    try {
      upgraded = Deno.upgradeWebSocket(req, { protocol, idleTimeout: 60 });
    } catch (error) {
      throw new ApiError(
        400,
        "websocket_expected",
        `not a valid WebSocket upgrade: ${(error as Error).message}`,
      );
    }
    this.attach(upgraded.socket);
    return upgraded.response;
  }

  attach(socket: WebSocket): void {
    const client: Client = {
      socket,
      all: false,
      targets: new Set(),
      summary: false,
      pending: [],
      dropped: 0,
      slowTicks: 0,
    };
    socket.onopen = () => {
      if (this.#closed) return socket.close(1001, "server shutting down");
      this.#clients.add(client);
      this.#send(client, {
        type: "hello",
        version: this.#options.version,
        tickMs: this.#options.tickMs,
      });
    };
    socket.onmessage = (event) => this.#onMessage(client, event.data);
    socket.onclose = () => this.#clients.delete(client);
    socket.onerror = () => this.#clients.delete(client);
  }

  /** Queues an engine event for every client that subscribed to it. */
  publish(event: EngineEvent): void {
    if (event.type === "round") this.#summaryDirty.add(event.round.targetId);
    // Nobody listens (a headless server): no wire form and no tick.
    if (this.#clients.size === 0) return;
    const wire = wireOf(event);
    if (wire) this.publishWire(wire);
  }

  /**
   * Queues an event that is not the engine's (alerts) for the clients subscribed to its target:
   * `hub.publishWire({ type: "alert", targetId, alert })`.
   */
  publishWire(event: WireEvent): void {
    for (const client of this.#clients) {
      if (client.all || client.targets.has(event.targetId)) this.#queue(client, event);
    }
    this.#schedule();
  }

  /** Sends what is queued now (the tick calls this; tests may too). */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushNow().finally(() => this.#flushing = null);
    return this.#flushing;
  }

  /** Disconnects everyone (1001 going away). */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#summaryTimer !== null) clearTimeout(this.#summaryTimer);
    this.#timer = null;
    this.#summaryTimer = null;
    for (const client of this.#clients) {
      try {
        client.socket.close(1001, "server shutting down");
      } catch {
        // Already closing.
      }
    }
    this.#clients.clear();
  }

  #schedule(): void {
    if (this.#timer !== null || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.flush().catch((error) => log.error("websocket flush failed", { error: String(error) }));
    }, this.#options.tickMs);
  }

  #queue(client: Client, event: WireEvent): void {
    client.pending.push(event);
    if (client.pending.length <= this.#options.maxQueuedEvents) return;
    // Coalesce: keep every non-round event and only the newest round of each target.
    const newest = new Map<number, number>();
    client.pending.forEach((e, i) => e.type === "round" && newest.set(e.targetId, i));
    const before = client.pending.length;
    client.pending = client.pending.filter((e, i) =>
      e.type !== "round" || newest.get(e.targetId) === i
    );
    if (client.pending.length > this.#options.maxQueuedEvents) {
      client.pending = client.pending.slice(-this.#options.maxQueuedEvents);
    }
    client.dropped += before - client.pending.length;
  }

  async #flushNow(): Promise<void> {
    await this.#summaryUpdate();
    for (const client of this.#clients) this.#deliver(client);
  }

  /** Rows of targets with new rounds, at most once per summaryIntervalMs (they cost queries). */
  async #summaryUpdate(): Promise<void> {
    const summaryClients = [...this.#clients].filter((c) => c.summary);
    if (this.#summaryDirty.size === 0 || summaryClients.length === 0) return;
    const waitMs = this.#lastSummaryAt + this.#options.summaryIntervalMs - Date.now();
    if (waitMs > 0) {
      this.#summaryTimer ??= setTimeout(() => {
        this.#summaryTimer = null;
        this.#schedule();
      }, waitMs);
      return;
    }
    const dirty = this.#summaryDirty;
    this.#summaryDirty = new Set();
    this.#lastSummaryAt = Date.now();
    const rows = await this.#options.summary([...dirty]);
    for (const client of summaryClients) {
      this.#queue(client, { type: "summary", targetId: -1, targets: rows });
    }
  }

  #deliver(client: Client): void {
    if (client.pending.length === 0 && client.dropped === 0) return;
    if (client.socket.readyState !== WebSocket.OPEN) return;
    if (client.socket.bufferedAmount > this.#options.maxBufferedBytes) {
      client.slowTicks++;
      if (client.slowTicks > this.#options.maxSlowTicks) {
        log.warn("websocket client too slow, disconnected", { dropped: client.dropped });
        client.socket.close(4008, "too slow");
        this.#clients.delete(client);
      } else {
        this.#schedule();
      }
      return;
    }
    client.slowTicks = 0;
    const events = client.pending.map(batchEventOf);
    const batch: ServerMessage = { type: "batch", at: Date.now(), events, dropped: client.dropped };
    client.pending = [];
    client.dropped = 0;
    this.#send(client, batch);
  }

  #send(client: Client, message: ServerMessage): void {
    try {
      client.socket.send(JSON.stringify(message));
    } catch {
      this.#clients.delete(client);
    }
  }

  #onMessage(client: Client, data: unknown): void {
    if (typeof data !== "string" || data.length > MAX_CLIENT_MESSAGE_BYTES) {
      client.socket.close(1009, "send JSON text messages under 64 KiB");
      return;
    }
    const parsed = parseClientMessage(data);
    if (!parsed.ok) return this.#send(client, { type: "error", error: parsed.error });
    const message = parsed.message;
    if (message.type === "ping") return this.#send(client, { type: "pong" });
    const on = message.type === "subscribe";
    if (message.targets === "all") client.all = on;
    else if (message.targets) {
      for (const id of message.targets) on ? client.targets.add(id) : client.targets.delete(id);
    }
    if (message.summary) client.summary = on;
    this.#send(client, {
      type: "subscribed",
      targets: client.all ? "all" : [...client.targets].sort((a, b) => a - b),
      summary: client.summary,
    });
    if (on && message.summary) this.#sendFullSummary(client);
  }

  #sendFullSummary(client: Client): void {
    this.#options.summary(null).then((rows) => {
      this.#queue(client, { type: "summary", targetId: -1, targets: rows });
      this.#schedule();
    }).catch((error) => log.error("websocket summary failed", { error: String(error) }));
  }
}

/** The target id leads each event; a summary event has none. */
function batchEventOf(event: WireEvent): BatchEvent {
  if (event.type !== "summary") return Object.assign({ targetId: event.targetId }, event);
  const { targetId: _targetId, ...rest } = event;
  return rest;
}

function wireOf(event: EngineEvent): WireEvent | null {
  switch (event.type) {
    case "round":
      return { type: "round", targetId: event.round.targetId, round: roundJson(event.round) };
    case "routeChange": {
      const { targetId, at, before, after } = event.change;
      return { type: "routeChange", targetId, at, before, after };
    }
    case "targetError":
      return {
        type: "targetError",
        targetId: event.targetId,
        at: event.at,
        message: event.message,
      };
    default:
      return null;
  }
}
