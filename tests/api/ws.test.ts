import assert from "node:assert/strict";
import { serve } from "../../api/server.ts";
import { WsHub } from "../../api/ws_hub.ts";
import type { Round } from "../../engine/types.ts";
import { DEST, type Setup, setup } from "./helpers.ts";

const OTHER = "127.0.0.2";

/** A WebSocket client that queues messages so a test can await them in order. */
class Client {
  readonly socket: WebSocket;
  readonly #queue: unknown[] = [];
  readonly #waiters: ((message: unknown) => void)[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;

  constructor(url: string, protocols?: string[]) {
    this.socket = new WebSocket(url, protocols);
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = (e) =>
        reject(new Error(`websocket failed: ${(e as ErrorEvent).message}`));
    });
    this.closed = new Promise((resolve) => this.socket.addEventListener("close", resolve));
    this.socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    };
  }

  // deno-lint-ignore no-explicit-any
  next(): Promise<any> {
    if (this.#queue.length) return Promise.resolve(this.#queue.shift());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Skips messages until one matches. */
  // deno-lint-ignore no-explicit-any
  async until(match: (message: any) => boolean): Promise<any> {
    while (true) {
      const message = await this.next();
      if (match(message)) return message;
    }
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closed;
  }
}

async function withServer(test: (t: Setup, url: string) => Promise<void>) {
  const t = await setup({
    network: {
      [DEST]: [{ ip: "10.0.0.1", rttMs: 1 }, { rttMs: 2 }],
      [OTHER]: [{ rttMs: 5 }],
    },
    hub: { tickMs: 5, summaryIntervalMs: 0 },
  });
  const server = serve(t.app.handler, { hostname: "127.0.0.1", port: 0 });
  try {
    await test(t, `ws://127.0.0.1:${server.addr.port}/ws`);
  } finally {
    t.app.hub.close();
    await server.shutdown();
    await t.close();
  }
}

const isBatch = (m: { type: string }) => m.type === "batch";

Deno.test("ws - a subscriber gets each finished round of its targets, batched", async () => {
  await withServer(async (t, url) => {
    const a = await t.call("POST", "/api/targets", {
      body: { host: DEST, interval: 1, timeout: 0.5 },
    });
    await t.call("POST", "/api/targets", { body: { host: OTHER, interval: 1, timeout: 0.5 } });
    const client = new Client(url);
    await client.opened;
    assert.equal((await client.next()).type, "hello");
    client.send({ type: "subscribe", targets: [a.json.target.id] });
    const subscribed = await client.next();
    assert.deepEqual(subscribed, {
      type: "subscribed",
      targets: [a.json.target.id],
      summary: false,
    });
    await t.clock.advance(2500);
    const batch = await client.until(isBatch);
    const rounds = batch.events.filter((e: { type: string }) => e.type === "round");
    assert.ok(rounds.length >= 1);
    for (const event of rounds) {
      assert.equal(event.targetId, a.json.target.id, "only subscribed targets");
    }
    const round = rounds[0].round;
    assert.deepEqual(round.hops.map((h: { ip: string; rttMs: number }) => [h.ip, h.rttMs]), [
      ["10.0.0.1", 1],
      [DEST, 2],
    ]);
    client.send({ type: "ping" });
    assert.equal((await client.until((m) => m.type === "pong")).type, "pong");
    client.send({ type: "subscribe", targets: ["x"] });
    const error = await client.until((m) => m.type === "error");
    assert.equal(error.error.code, "invalid_message");
    client.send({ type: "ping" });
    await client.until((m) => m.type === "pong");
    await client.close();
  });
});

Deno.test("ws - route changes and summary updates reach their subscribers", async () => {
  await withServer(async (t, url) => {
    const a = await t.call("POST", "/api/targets", {
      body: { host: DEST, interval: 1, timeout: 0.5 },
    });
    const client = new Client(url);
    await client.opened;
    client.send({ type: "subscribe", targets: "all", summary: true });
    assert.equal((await client.until((m) => m.type === "subscribed")).targets, "all");
    const first = await client.until((m) =>
      isBatch(m) && m.events.some((e: { type: string }) => e.type === "summary")
    );
    const summary = first.events.find((e: { type: string }) => e.type === "summary");
    assert.equal(summary.targets[0].id, a.json.target.id);
    await t.clock.advance(5500);
    t.fake.setRoute(DEST, [{ ip: "10.0.0.7", rttMs: 1 }, { rttMs: 2 }]);
    await t.clock.advance(5000);
    // Route changes and summary updates may share a batch or come in either order.
    type Event = { type: string; after?: string[][]; targets?: { sent: number }[] };
    let change: Event | undefined, update: Event | undefined;
    while (!change || !update) {
      const batch = await client.until(isBatch);
      change ??= batch.events.find((e: Event) => e.type === "routeChange");
      update ??= batch.events.find((e: Event) =>
        e.type === "summary" && (e.targets?.[0]?.sent ?? 0) > 0
      );
    }
    assert.deepEqual(change.after![0], ["10.0.0.7"]);
    await client.close();
  });
});

Deno.test("ws - authenticated like the API: token as bearer subprotocol, else refused", async () => {
  await withServer(async (t, url) => {
    const { token } = await t.app.deps.auth.createToken("ws");
    const refused = new Client(url);
    await assert.rejects(refused.opened);
    await refused.closed;
    const ok = new Client(url, ["pingwatcher", `bearer.${token}`]);
    await ok.opened;
    assert.equal(ok.socket.protocol, "pingwatcher");
    assert.equal((await ok.next()).type, "hello");
    await ok.close();
    const crossSite = await t.app.handler(
      new Request("http://127.0.0.1:8000/ws", {
        headers: {
          origin: "https://evil.example",
          authorization: `Bearer ${token}`,
          upgrade: "websocket",
        },
      }),
    );
    assert.equal(crossSite.status, 403);
  });
});

/** A socket stand-in whose send buffer the test controls. */
function fakeSocket() {
  const sent: string[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    closedWith: null as number | null,
    send: (data: string) => sent.push(data),
    close(code: number) {
      this.closedWith = code;
      this.readyState = WebSocket.CLOSED;
    },
    onopen: null as null | (() => void),
    onmessage: null as null | ((e: { data: string }) => void),
  };
  return { socket, sent };
}

function round(targetId: number, seq: number): Round {
  return {
    targetId,
    seq,
    startedAt: seq,
    address: DEST,
    destinationReached: true,
    hops: [{ ttl: 1, kind: "reply", ip: DEST, rttUs: 100, approximate: false }],
  };
}

Deno.test("ws hub - a slow client's queue is coalesced, then the client is dropped", async () => {
  const hub = new WsHub({
    version: "test",
    summary: () => Promise.resolve([]),
    tickMs: 1_000_000,
    maxQueuedEvents: 4,
    maxBufferedBytes: 1000,
    maxSlowTicks: 3,
  });
  const slow = fakeSocket(), fast = fakeSocket();
  for (const { socket } of [slow, fast]) {
    hub.attach(socket as unknown as WebSocket);
    socket.onopen!();
    socket.onmessage!({ data: JSON.stringify({ type: "subscribe", targets: "all" }) });
  }
  slow.socket.bufferedAmount = 5000;
  for (let seq = 0; seq < 50; seq++) {
    hub.publish({ type: "round", round: round(1, seq) });
    hub.publish({ type: "round", round: round(2, seq) });
  }
  await hub.flush();
  const batch = JSON.parse(fast.sent.at(-1)!);
  assert.equal(batch.type, "batch");
  assert.ok(batch.events.length <= 4, "the queue never grew past its bound");
  assert.ok(batch.dropped >= 96);
  const newest = batch.events.map((
    e: { targetId: number; round: { seq: number } },
  ) => [e.targetId, e.round.seq]);
  assert.ok(
    newest.some(([id, seq]: number[]) => id === 1 && seq === 49),
    "newest of target 1 kept",
  );
  assert.ok(
    newest.some(([id, seq]: number[]) => id === 2 && seq === 49),
    "newest of target 2 kept",
  );
  const slowBatches = slow.sent.filter((m) => JSON.parse(m).type === "batch");
  assert.equal(slowBatches.length, 0, "nothing more is pushed into a backed-up socket");
  for (let i = 0; i < 3; i++) await hub.flush();
  assert.equal(slow.socket.closedWith, 4008, "dropped after staying backed up");
  assert.equal(hub.clientCount, 1);
  hub.close();
});
