// The collector as named scenarios on a manual clock: the first reading primes, resets are gaps,
// 32-bit counters wrap, vanished interfaces come back, rates use the measured interval.
import assert from "node:assert/strict";
import { counterDelta, InterfaceCollector, ManualClock } from "../../../engine/mod.ts";
import { reading, ScriptedSource } from "./helpers.ts";

function setup(settings = {}) {
  const clock = new ManualClock();
  const source = new ScriptedSource();
  const collector = new InterfaceCollector({ source, clock, settings });
  return { clock, source, collector };
}

Deno.test("interfaces - the first reading only primes (no counters-since-boot delta)", async () => {
  const { source, collector, clock } = setup();
  source.readings = [reading("eth0", { rxBytes: 9e12, txBytes: 5e12 })];
  const first = await collector.collect();
  assert.deepEqual(first.samples, []);
  assert.equal(collector.interfaces()[0].latest, null);
  await clock.advance(10_000);
  source.readings = [reading("eth0", { rxBytes: 9e12 + 50_000, txBytes: 5e12 + 20_000 })];
  const second = await collector.collect();
  assert.equal(second.samples.length, 1);
  assert.equal(second.samples[0].rates.rxBytesPerS, 5000);
  assert.equal(second.samples[0].rates.txBytesPerS, 2000);
  assert.equal(collector.interfaces()[0].totals.rxBytes, 50_000);
});

Deno.test("interfaces - rates divide by the measured interval, not the nominal one", async () => {
  const { source, collector, clock } = setup({ intervalMs: 10_000 });
  source.readings = [reading("eth0", { rxBytes: 0, rxPackets: 0 })];
  await collector.collect();
  await clock.advance(12_500); // a late reading
  source.readings = [reading("eth0", { rxBytes: 25_000, rxPackets: 50, rxDrops: 5 })];
  const { samples } = await collector.collect();
  assert.equal(samples[0].elapsedMs, 12_500);
  assert.equal(samples[0].rates.rxBytesPerS, 2000);
  assert.equal(samples[0].rates.rxPacketsPerS, 4);
  assert.equal(samples[0].rates.rxDropsPerS, 0.4);
  assert.equal(samples[0].deltas.rxDrops, 5);
});

Deno.test("interfaces - a counter going backwards is a reset: a gap, never a giant delta", async () => {
  const { source, collector, clock } = setup();
  source.readings = [reading("eth0", { rxBytes: 1_000_000, txBytes: 1_000 })];
  await collector.collect();
  await clock.advance(10_000);
  source.readings = [reading("eth0", { rxBytes: 300, txBytes: 2_000 })]; // driver reloaded
  const reset = await collector.collect();
  assert.deepEqual(reset.samples, []);
  assert.deepEqual(reset.gaps, [{ name: "eth0", reason: "reset" }]);
  assert.equal(collector.interfaces()[0].totals.rxBytes, 0);
  await clock.advance(10_000);
  source.readings = [reading("eth0", { rxBytes: 10_300, txBytes: 2_000 })];
  const after = await collector.collect();
  assert.equal(after.samples[0].deltas.rxBytes, 10_000, "counting resumes from the new value");
  assert.equal(collector.interfaces()[0].totals.rxBytes, 10_000);
});

Deno.test("interfaces - a 32-bit counter that passes 2^32 wraps; a 64-bit one resets", async () => {
  const { source, collector, clock } = setup();
  const near = 2 ** 32 - 1000;
  source.readings = [reading("eth0", { rxBytes: near }, { counterBits: 32 })];
  await collector.collect();
  await clock.advance(10_000);
  source.readings = [reading("eth0", { rxBytes: 4000 }, { counterBits: 32 })];
  const { samples } = await collector.collect();
  assert.equal(samples[0].deltas.rxBytes, 5000);
  assert.equal(samples[0].rates.rxBytesPerS, 500);
  assert.deepEqual(counterDelta(near, 4000, 64), null, "64-bit: backwards is a reset");
  assert.deepEqual(counterDelta(50_000, 10, 32), null, "32-bit from low values: a reset");
});

Deno.test("interfaces - an interface that vanishes and returns is picked up again", async () => {
  const { source, collector, clock } = setup();
  source.readings = [reading("eth0", { rxBytes: 0 }), reading("usb0", { rxBytes: 0 })];
  await collector.collect();
  await clock.advance(10_000);
  source.readings = [reading("eth0", { rxBytes: 100 })];
  const gone = await collector.collect();
  assert.deepEqual(gone.gaps, [{ name: "usb0", reason: "vanished" }]);
  assert.equal(collector.interfaces().find((i) => i.name === "usb0")!.present, false);
  await clock.advance(10_000);
  source.readings = [reading("eth0", { rxBytes: 200 }), reading("usb0", { rxBytes: 70_000 })];
  const back = await collector.collect();
  assert.deepEqual(back.samples.map((s) => s.name), ["eth0"], "the returning one primes first");
  await clock.advance(10_000);
  source.readings = [reading("eth0", { rxBytes: 300 }), reading("usb0", { rxBytes: 80_000 })];
  const again = await collector.collect();
  assert.deepEqual(again.samples.map((s) => [s.name, s.deltas.rxBytes]), [
    ["eth0", 100],
    ["usb0", 10_000],
  ]);
  assert.equal(collector.interfaces().find((i) => i.name === "usb0")!.present, true);
});

Deno.test("interfaces - default skips, and include/exclude lists override them", async () => {
  const { source, collector } = setup();
  source.readings = [
    reading("lo", {}),
    reading("eth0", {}),
    reading("eth1", {}, { state: "down" }),
    reading("docker0", {}),
    reading("veth12ab", {}),
    reading("br-5f2", {}),
    reading("virbr0", {}),
    reading("tun0", {}, { kind: "tunnel" }),
    reading("wlan0", {}),
  ];
  await collector.collect();
  const monitored = () => collector.interfaces().filter((i) => i.monitored).map((i) => i.name);
  assert.deepEqual(monitored(), ["eth0", "wlan0"]);
  assert.equal(collector.interfaces().find((i) => i.name === "eth1")!.skipReason, "down");
  await collector.updateSettings({ include: ["docker0", "veth*"], exclude: ["wlan0"] });
  assert.deepEqual(monitored(), ["docker0", "eth0", "veth12ab"]);
  await assert.rejects(
    () => collector.updateSettings({ include: ["eth0; rm"] }),
    /include: "eth0; rm" is not an interface name/,
  );
  await assert.rejects(() => collector.updateSettings({ intervalMs: 10 }), /intervalMs/);
});

Deno.test("interfaces - the primary is the busiest over the first samples; override wins", async () => {
  const { source, collector, clock } = setup();
  source.defaultRoute = "eth1";
  const step = async (eth0: number, eth1: number) => {
    source.readings = [reading("eth0", { rxBytes: eth0 }), reading("eth1", { txBytes: eth1 })];
    await collector.collect();
    await clock.advance(10_000);
  };
  await step(0, 0);
  assert.deepEqual(collector.primary(), { name: "eth1", by: "default-route", settled: false });
  await step(0, 0); // no traffic: the default route breaks the tie
  assert.equal(collector.primary().name, "eth1");
  await step(5_000_000, 10);
  await step(9_000_000, 20);
  assert.deepEqual(collector.primary(), { name: "eth0", by: "traffic", settled: true });
  assert.equal(collector.interfaces().find((i) => i.primary)!.name, "eth0");
  await step(9_000_000, 9_000_000_000); // settled: later traffic does not move it
  assert.equal(collector.primary().name, "eth0");
  await collector.updateSettings({ primary: "eth1" });
  assert.deepEqual(collector.primary(), { name: "eth1", by: "override", settled: true });
  assert.equal(collector.interfaces().find((i) => i.primary)!.name, "eth1");
});

Deno.test("interfaces - the loop collects every interval on the clock until stopped", async () => {
  const { source, collector, clock } = setup({ intervalMs: 5_000 });
  source.readings = [reading("eth0", { rxBytes: 0 })];
  const seen: number[] = [];
  collector.subscribe((c) => seen.push(c.at));
  collector.start();
  await clock.advance(0);
  for (let i = 1; i <= 3; i++) {
    source.readings = [reading("eth0", { rxBytes: i * 1000 })];
    await clock.advance(5_000);
  }
  await collector.stop();
  await clock.advance(20_000);
  const t0 = seen[0];
  assert.deepEqual(seen.map((at) => at - t0), [0, 5_000, 10_000, 15_000]);
  assert.equal(collector.interfaces()[0].latest!.rates.rxBytesPerS, 200);
  assert.equal(source.reads, 4);
});

Deno.test("interfaces - a failing read is reported and the loop carries on", async () => {
  const { source, collector, clock } = setup({ intervalMs: 1_000 });
  let fail = true;
  const read = source.read.bind(source);
  source.read = () => fail ? Promise.reject(new Error("EACCES /proc/net/dev")) : read();
  source.readings = [reading("eth0", {})];
  collector.start();
  await clock.advance(0);
  assert.equal(collector.lastError, "EACCES /proc/net/dev");
  fail = false;
  await clock.advance(1_000);
  assert.equal(collector.lastError, null);
  assert.equal(collector.collections, 1);
  await collector.stop();
});

Deno.test("interfaces - vanished unmonitored links are forgotten, monitored ones remembered", async () => {
  const { source, collector, clock } = setup();
  const veths = Array.from({ length: 50 }, (_, i) => reading(`veth${i}`, {}));
  source.readings = [reading("eth0", {}), ...veths];
  await collector.collect();
  await clock.advance(10_000);
  source.readings = [];
  await collector.collect();
  assert.deepEqual(
    collector.interfaces().map((i) => [i.name, i.present]),
    [["eth0", false]],
  );
});
