// Runs inside the lab's namespace (ip netns exec pwiA ...): the real collector on the real Linux
// source reads that namespace's /proc/net/dev and /sys every second while this process pushes a
// paced UDP stream over the veth pair, logging when each burst was handed to the kernel. Prints
// one JSON object: the collections (monotonic read times, tx deltas and rates of the interface),
// the sender's log, and the kernel's tx counter before and after.
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { type Collection, InterfaceCollector, linuxSource, systemClock } from "../../engine/mod.ts";

const [iface, peer, packetsText, payloadText, burstText] = Deno.args;
const PACKETS = Number(packetsText);
const PAYLOAD = Number(payloadText);
const BURST = Number(burstText);
const BURST_EVERY_MS = 10;

const source = linuxSource();
const counter = async () => (await source.read()).find((r) => r.name === iface)!.counters.txBytes;
const collector = new InterfaceCollector({
  source,
  clock: systemClock,
  settings: { intervalMs: 1000, include: [iface] },
});
const collections: { monoMs: number; samples: Collection["samples"] }[] = [];
let waiting: (() => void) | null = null;
collector.subscribe((c) => {
  collections.push({ monoMs: c.monoMs, samples: c.samples.filter((s) => s.name === iface) });
  waiting?.();
});
const next = () => new Promise<void>((resolve) => waiting = resolve);

const kernelBefore = await counter();
collector.start();
await next(); // the priming reading
const socket = dgram.createSocket("udp4");
const payload = Buffer.alloc(PAYLOAD, 0x5a);
const sent: { monoMs: number; bytes: number }[] = [];
let left = PACKETS;
let due = performance.now();
while (left > 0) {
  const n = Math.min(BURST, left);
  left -= n;
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) =>
          socket.send(payload, 9999, peer, (error) => error ? reject(error) : resolve())
        ),
    ),
  );
  sent.push({ monoMs: performance.now(), bytes: n * PAYLOAD });
  due += BURST_EVERY_MS;
  await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
}
socket.close();
await next(); // a reading after the last packet
await next();
await collector.stop();
const kernelAfter = await counter();
console.log(JSON.stringify({ collections, sent, kernelBefore, kernelAfter }));
