// A whole server without a socket: SQLite in memory, a FakeProber on a ManualClock, the real
// engine, service, hub and handler. `call` sends a Request straight to the handler.
import { type AppOptions, createApp } from "../../api/app.ts";
import { ManualClock } from "../../engine/clock.ts";
import { type FakeNetwork, FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { driveUntil } from "../engine/helpers.ts";

export const EPOCH = Date.UTC(2026, 0, 1);
export const DEST = "127.0.0.1";
export const BASE = "http://127.0.0.1:8000";

export interface Reply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  json: any;
  text: string;
}

export async function setup(
  options:
    & { network?: FakeNetwork; intermediateHops?: boolean }
    & Partial<Omit<AppOptions, "store" | "prober">> = {},
) {
  const clock = new ManualClock(EPOCH);
  const fake = new FakeProber({
    clock,
    network: options.network ?? { [DEST]: straightRoute(["10.0.0.1", "10.0.0.2", DEST]) },
    intermediateHops: options.intermediateHops,
  });
  const store = openSqliteStore(":memory:", { clock });
  const app = createApp({
    store,
    prober: fake,
    clock,
    ...options,
    engine: { spreadStart: false, reverseDns: false, ...options.engine },
    addressLookup: options.addressLookup ?? (() => Promise.resolve(["127.0.0.1"])),
  });
  await app.start();

  async function call(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; raw?: BodyInit } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    let body: BodyInit | undefined = init.raw;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await app.handler(new Request(BASE + path, { method, headers, body }));
    const text = await response.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON (CSV exports, empty 204 bodies).
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  async function close(): Promise<void> {
    await driveUntil(clock, app.stop());
    await store.close();
  }

  return { clock, fake, store, app, call, close };
}

export type Setup = Awaited<ReturnType<typeof setup>>;
