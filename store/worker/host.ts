// A SQLite store that lives in a Worker (serve.ts): the engine's thread keeps only this proxy.
// Appended rounds are gathered (see BATCH_GAP_MS) and sent in one message; every other
// method is one request and one reply. Requests are answered in order, so a read sees every round
// appended before it, as with the store in the same thread.
import {
  type Clock,
  type LogLevel,
  logLevel,
  type Round,
  systemClock,
  writeLogLine,
} from "../../engine/ground.ts";
import type { ExportQuery, RetentionOptions } from "../history_types.ts";
import { checkRound } from "../codec.ts";
import { checkExport } from "../export_query.ts";
import type { InterfaceSampleRecord } from "../interface_types.ts";
import type { AgentReads, Store } from "../types.ts";
import {
  AGENT_CALLS,
  type Append,
  CALLS,
  fromWire,
  type HostMessage,
  type WorkerMessage,
} from "./protocol.ts";
import { takeWorker } from "./start.ts";
import { type SummaryColumns, unpackSummaries } from "./summary_wire.ts";

/**
 * Appended rounds go to the Worker with the first work that appends one this long after the last
 * batch (the rounds of a spread slot come together, engine/schedule.ts), and the Worker writes each
 * batch as it arrives (startWriterLoop's `arrived`): it wakes twice a second at any rate, and each
 * wake-up of a thread costs more than the rounds it brings.
 */
const BATCH_GAP_MS = 500;
/** When appends stop coming, what is still here leaves this long after the last batch. */
const BATCH_WAIT_MS = 900;
/**
 * The Worker's own turn when no batch made it write (a read sent one early): with the batch wait,
 * a kill -9 loses at most the last second.
 */
const WRITER_INTERVAL_MS = 800;

export interface WorkerStoreOptions {
  /** The SQLite file (or ":memory:"). */
  path: string;
  /** The module the Worker runs: main.ts (or the binary's entry) or store/worker/entry.ts. */
  entry: string | URL;
  agent?: string;
  retention?: RetentionOptions;
  /** An injected clock is relayed to the Worker (relayed_clock.ts). Default: the system clock. */
  clock?: Clock;
  /** How often the Worker writes what it was sent (ms). Default WRITER_INTERVAL_MS. */
  flushIntervalMs?: number;
}

type Request = HostMessage extends infer M ? M extends { id: number } ? Omit<M, "id"> : never
  : never;

export function openWorkerStore(options: WorkerStoreOptions): Store {
  const worker = takeWorker(options.entry);
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let lastId = 0;
  let items: Append[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let soon = false; // the timer sends the batch at the end of this turn's work
  let lastBatchAt = -Infinity;
  let failure: Error | null = null;
  let closed: Promise<void> | null = null;
  const clock = options.clock ?? systemClock;
  const relay = clock !== systemClock;
  let sentMonotonic = clock.monotonic();
  const ticks = new AbortController();
  const flushIntervalMs = options.flushIntervalMs ?? WRITER_INTERVAL_MS;

  worker.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
    if (data.kind === "log") return writeLogLine(data.line);
    const entry = waiting.get(data.id);
    if (!entry) return;
    waiting.delete(data.id);
    if (data.kind === "result") entry.resolve(data.value);
    else entry.reject(fromWire(data.error));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(new Error(`the store's worker failed: ${event.message}`));
  };
  post({
    kind: "open",
    path: options.path,
    agent: options.agent,
    retention: options.retention,
    flushIntervalMs,
    logLevel: logLevel() satisfies LogLevel,
    time: relay ? { now: clock.now(), monotonic: sentMonotonic } : undefined,
  });
  if (relay) relayTicks();

  function post(message: HostMessage): void {
    syncTime();
    worker.postMessage(message);
  }

  /** Sends the opener's clock when it has moved since it was last sent. */
  function syncTime(): void {
    if (!relay || clock.monotonic() === sentMonotonic) return;
    sentMonotonic = clock.monotonic();
    worker.postMessage({ kind: "time", now: clock.now(), monotonic: sentMonotonic });
  }

  /** Wakes the Worker's writer loop on the opener's clock, as often as it flushes. */
  async function relayTicks(): Promise<void> {
    while (true) {
      try {
        await clock.sleep(flushIntervalMs, ticks.signal);
      } catch {
        return;
      }
      sendAppends(); // before the time, so the flush it wakes writes them
      syncTime();
    }
  }

  function fail(error: Error): void {
    failure ??= error;
    ticks.abort();
    for (const entry of waiting.values()) entry.reject(failure);
    waiting.clear();
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    items = [];
  }

  function sendAppends(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    soon = false;
    if (items.length === 0) return;
    worker.postMessage({ kind: "append", items } satisfies HostMessage);
    items = [];
    lastBatchAt = performance.now();
  }

  function append(item: Append): void {
    if (closed) throw new Error("the store is closed");
    if (failure) throw failure;
    items.push(item);
    if (soon) return;
    const since = performance.now() - lastBatchAt;
    if (since < BATCH_GAP_MS) {
      timer ??= setTimeout(sendAppends, BATCH_WAIT_MS - since);
      return;
    }
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(sendAppends, 0);
    soon = true;
  }

  function request(message: Request): Promise<unknown> {
    if (failure) return Promise.reject(failure);
    sendAppends();
    const id = ++lastId;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      post({ ...message, id } as HostMessage);
    });
  }

  const call = (method: (typeof CALLS)[number], agent?: string) => (...args: unknown[]) => {
    const answer = request({ kind: "call", method, args, agent });
    // The summary crosses as columns (summary_wire.ts).
    return method === "summary" ? answer.then((v) => unpackSummaries(v as SummaryColumns)) : answer;
  };

  /** An export read one chunk per pull, so memory holds one page whatever the range. */
  function exportStream(args: unknown[], agent?: string): ReadableStream<Uint8Array> {
    checkExport(args[1] as ExportQuery); // a bad query throws here, as in the store itself
    const stream = ++lastId;
    if (!failure) {
      sendAppends();
      post({ kind: "stream", stream, args, agent });
    }
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = await request({ kind: "pull", stream });
        if (chunk === null) controller.close();
        else controller.enqueue(chunk as Uint8Array);
      },
      cancel() {
        if (!failure) post({ kind: "cancel", stream });
      },
    }, { highWaterMark: 0 });
  }

  function readsOf(agent: string): AgentReads {
    const reads = Object.fromEntries(AGENT_CALLS.map((method) => [method, call(method, agent)]));
    return {
      ...reads,
      exportRounds: (...args) => exportStream(args, agent),
    } as AgentReads;
  }

  const calls = Object.fromEntries(CALLS.map((method) => [method, call(method)]));
  return {
    ...calls,
    agent: options.agent ?? "local",
    agentReads: (name: string) =>
      request({ kind: "call", method: "agentKnown", args: [name] }).then((known) =>
        known ? readsOf(name) : null
      ),
    // Queued rounds still on this side are sent before any request, storeStats included.
    appendRound(round: Round) {
      checkRound(round); // a malformed round throws here, at the caller, as in the store itself
      append({ round });
    },
    appendInterfaceSamples: (samples: InterfaceSampleRecord[]) => append({ samples }),
    exportRounds: (...args: unknown[]) => exportStream(args),
    close() {
      if (closed) return closed;
      // A Worker that already failed has said so to every caller since; there is nothing to save.
      const closing = failure
        ? Promise.resolve()
        : request({ kind: "call", method: "close", args: [] });
      closed = closing.then(() => {}).finally(() => {
        fail(new Error("the store is closed"));
        worker.terminate();
      });
      return closed;
    },
  } as Store;
}
