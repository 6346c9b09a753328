// The store's own thread: inside a Worker, opens the SQLite store and answers the host's requests
// (host.ts) in the order they arrive. The writer loop, its transactions and the rollups run here,
// so a flush never holds up the engine's event loop.
import { log, setLogLevel, setLogSink, systemClock } from "../../engine/ground.ts";
import { RelayedClock } from "./relayed_clock.ts";
import { openSqliteStore, type SqliteStore } from "../sqlite/mod.ts";
import type { AgentReads } from "../types.ts";
import { type HostMessage, type OpenRequest, toWire, type WorkerMessage } from "./protocol.ts";
import { packSummaries } from "./summary_wire.ts";

/** The part of a Worker's global scope this needs. */
export interface WorkerScope {
  onmessage: ((event: MessageEvent<HostMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
}

export function serveStoreWorker(scope = self as unknown as WorkerScope): void {
  let store: SqliteStore | null = null;
  let openError: unknown = null;
  let relayed: RelayedClock | null = null;
  const streams = new Map<number, Promise<ReadableStreamDefaultReader<Uint8Array>>>();
  const agentReads = new Map<string, Promise<AgentReads | null>>();

  function open(request: OpenRequest): void {
    setLogLevel(request.logLevel);
    setLogSink((line) => scope.postMessage({ kind: "log", line }));
    if (request.time) relayed = new RelayedClock(request.time);
    try {
      store = openSqliteStore(request.path, {
        clock: relayed ?? systemClock,
        agent: request.agent,
        retention: request.retention,
        flushIntervalMs: request.flushIntervalMs,
      });
    } catch (error) {
      openError = error;
    }
  }

  function opened(): SqliteStore {
    if (store) return store;
    throw openError ?? new Error("the store was not opened");
  }

  /** The store itself, or one agent's reads of it. */
  async function target(agent: string | undefined): Promise<Record<string, unknown>> {
    const opens = opened();
    if (agent === undefined) return opens as unknown as Record<string, unknown>;
    let reads = agentReads.get(agent);
    if (!reads) agentReads.set(agent, reads = opens.agentReads(agent));
    const found = await reads;
    if (!found) throw new Error(`no agent named "${agent}" wrote to this store`);
    return found as unknown as Record<string, unknown>;
  }

  /** Answers request `id` with what `work` resolves to (`pack`ed, if given), or its error. */
  function reply(
    id: number,
    work: () => Promise<unknown>,
    pack?: (value: never) => { columns: unknown; transfer: ArrayBuffer[] },
  ): void {
    let pending: Promise<unknown>;
    try {
      pending = work();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        if (pack) {
          const { columns, transfer } = pack(value as never);
          return scope.postMessage({ kind: "result", id, value: columns }, transfer);
        }
        const transfer = value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : [];
        scope.postMessage({ kind: "result", id, value }, transfer);
      },
      (error) => scope.postMessage({ kind: "error", id, error: toWire(error) }),
    );
  }

  function call(method: string, args: unknown[], agent: string | undefined): Promise<unknown> {
    // A store that never opened has nothing to save: closing it ends the Worker quietly.
    if (method === "close" && !store) return Promise.resolve();
    if (method === "agentKnown") {
      return opened().agentReads(args[0] as string).then((reads) => reads !== null);
    }
    // The store's own methods run at once (no await before them), so their order is kept.
    if (agent === undefined) return invoke(opened(), method, args) as Promise<unknown>;
    return target(agent).then((reads) => invoke(reads, method, args));
  }

  function append(items: Extract<HostMessage, { kind: "append" }>["items"]): void {
    const into = opened();
    for (const item of items) {
      try {
        if ("round" in item) into.appendRound(item.round);
        else into.appendInterfaceSamples(item.samples);
      } catch (error) {
        log.error("store: an appended item was refused", { error: String(error) });
      }
    }
    into.batchArrived(); // written in this wake-up, not in one of the writer loop's own
  }

  function invoke(on: object, method: string, args: unknown[]): unknown {
    const fn = (on as Record<string, unknown>)[method];
    if (typeof fn !== "function") throw new TypeError(`the store has no method ${method}`);
    return fn.apply(on, args);
  }

  scope.onmessage = ({ data: message }) => {
    switch (message.kind) {
      case "open":
        return open(message);
      case "time":
        return relayed?.set(message);
      case "append":
        try {
          return append(message.items);
        } catch (error) {
          return log.error("store: appended rounds were lost", { error: String(error) });
        }
      case "call":
        return reply(
          message.id,
          () => call(message.method, message.args, message.agent),
          message.method === "summary" ? packSummaries : undefined,
        );
      case "stream": {
        const reader = target(message.agent).then((from) =>
          (invoke(from, "exportRounds", message.args) as ReadableStream<Uint8Array>).getReader()
        );
        reader.catch(() => {}); // reported to the first pull
        streams.set(message.stream, reader);
        return;
      }
      case "pull":
        return reply(message.id, async () => {
          const reader = streams.get(message.stream);
          if (!reader) throw new Error(`export ${message.stream} is not open`);
          try {
            const { done, value } = await (await reader).read();
            if (done) streams.delete(message.stream);
            return done ? null : value;
          } catch (error) {
            streams.delete(message.stream);
            throw error;
          }
        });
      case "cancel": {
        const reader = streams.get(message.stream);
        streams.delete(message.stream);
        reader?.then((r) => r.cancel()).catch(() => {});
        return;
      }
    }
  };
}
