// Sample-to-client latency of the WebSocket push: a real server (Deno.serve on loopback), the real
// engine on a FakeProber (system clock, no network), TARGETS targets and CLIENTS WebSocket clients
// in this process, each subscribed to every target. Latency = time from the engine publishing a
// finished round to a client parsing the batch that carries it.
//   deno run -A tests/bench/ws_latency.ts [--clients 100] [--targets 50] [--seconds 10]
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { createApp } from "../../api/app.ts";
import { serve } from "../../api/server.ts";
import { systemClock } from "../../engine/clock.ts";
import { setLogLevel } from "../../engine/log.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";

export interface WsLatencyOptions {
  clients?: number;
  targets?: number;
  seconds?: number;
  intervalS?: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function address(i: number): string {
  return `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

export async function runWsLatencyBench(options: WsLatencyOptions = {}): Promise<string> {
  const clients = options.clients ?? 100, targets = options.targets ?? 50;
  const seconds = options.seconds ?? 10, intervalS = options.intervalS ?? 1;
  setLogLevel("warn");
  const network = Object.fromEntries(
    Array.from(
      { length: targets },
      (_, i) => [address(i), straightRoute(["10.9.0.1", "10.9.0.2", address(i)], { stepMs: 0.3 })],
    ),
  );
  const dir = await Deno.makeTempDir();
  const store = openSqliteStore(`${dir}/bench.db`);
  const prober = new FakeProber({ clock: systemClock, network });
  const app = createApp({ store, prober, engine: { reverseDns: false } });
  const published = new Map<string, number>();
  app.service.engine.subscribe((event) => {
    if (event.type === "round") {
      published.set(`${event.round.targetId}/${event.round.seq}`, performance.now());
    }
  });
  await app.start();
  const server = serve(app.handler, { hostname: "127.0.0.1", port: 0 });
  const url = `ws://127.0.0.1:${server.addr.port}/ws`;
  const latencies: number[] = [];
  let batches = 0;
  const sockets = await Promise.all(Array.from({ length: clients }, () =>
    connect(url, (text) => {
      const message = JSON.parse(text);
      if (message.type !== "batch") return;
      batches++;
      const now = performance.now();
      for (const event of message.events) {
        if (event.type !== "round") continue;
        const at = published.get(`${event.targetId}/${event.round.seq}`);
        if (at !== undefined) latencies.push(now - at);
      }
    })));
  for (let i = 0; i < targets; i++) {
    await app.service.create({ host: address(i), interval: intervalS, timeout: 1 });
  }
  const cpuBefore = cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpuAfter = cpuUsage(cpuBefore);
  for (const socket of sockets) socket.close();
  app.hub.close();
  await server.shutdown();
  await app.stop();
  await store.close();
  await Deno.remove(dir, { recursive: true });
  latencies.sort((a, b) => a - b);
  const cpuPct = ((cpuAfter.user + cpuAfter.system) / 1e6 / seconds) * 100;
  const cpu = `, process CPU ${cpuPct.toFixed(0)} % of one core`;
  return [
    `${clients} clients × ${targets} targets (one round per target every ${intervalS} s), ${seconds} s, hub tick 50 ms`,
    `round deliveries measured: ${latencies.length} in ${batches} batches${cpu}`,
    `sample-to-client latency ms: p50 ${percentile(latencies, 50).toFixed(1)}, p95 ${
      percentile(latencies, 95).toFixed(1)
    }, ` +
    `p99 ${percentile(latencies, 99).toFixed(1)}, max ${latencies.at(-1)?.toFixed(1)}`,
  ].join("\n");
}

function connect(url: string, onMessage: (text: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "subscribe", targets: "all" }));
      resolve(socket);
    };
    socket.onerror = () => reject(new Error("websocket failed"));
    socket.onmessage = (event) => onMessage(event.data);
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      clients: { type: "string" },
      targets: { type: "string" },
      seconds: { type: "string" },
    },
  });
  const num = (v: string | undefined) => v === undefined ? undefined : Number(v);
  console.log(
    await runWsLatencyBench({
      clients: num(values.clients),
      targets: num(values.targets),
      seconds: num(values.seconds),
    }),
  );
}
