// The interface routes, /metrics families, /api/system and its health, and the serve flags, on a
// scripted interface source and a manual clock.
import assert from "node:assert/strict";
import { InterfaceMonitor } from "../../api/interfaces.ts";
import { parseServeArgs } from "../../api/cli/serve_args.ts";
import { reading, ScriptedSource } from "../engine/netif/helpers.ts";
import { setup } from "./helpers.ts";

async function withInterfaces() {
  const s = await setup();
  const source = new ScriptedSource();
  source.defaultRoute = "eth0";
  const monitor = await InterfaceMonitor.create({
    store: s.store,
    clock: s.clock,
    source: { ok: true, source },
    flags: { intervalMs: 10_000 },
  });
  s.app.useInterfaces(monitor);
  let rx = 0, tx = 0;
  /** One interval: eth0 moves the given bytes (errors and drops once), lo always something. */
  async function tick(rxBytes: number, txBytes: number) {
    rx += rxBytes;
    tx += txBytes;
    source.readings = [
      reading("eth0", { rxBytes: rx, txBytes: tx, rxPackets: rx / 1000, rxErrors: 1, txDrops: 2 }),
      reading("lo", { rxBytes: rx * 3, txBytes: rx * 3 }, { speedMbps: null }),
    ];
    await s.clock.advance(10_000);
  }
  source.readings = [reading("eth0", {}), reading("lo", {}, { speedMbps: null })];
  monitor.start();
  await s.clock.advance(0);
  return {
    ...s,
    source,
    monitor,
    tick,
    async close() {
      await monitor.stop();
      await s.close();
    },
  };
}

Deno.test("interfaces api - list, latest, one interface, utilisation and the primary", async () => {
  const t = await withInterfaces();
  try {
    await t.tick(1_250_000, 250_000); // 125 kB/s in: 0.1 % of the 1000 Mbit/s link
    const list = await t.call("GET", "/api/interfaces");
    assert.equal(list.status, 200);
    assert.equal(list.json.state, "running");
    assert.equal(list.json.platform, "test");
    assert.deepEqual(
      list.json.interfaces.map((i: { name: string; monitored: boolean; skipReason: string }) => [
        i.name,
        i.monitored,
        i.skipReason,
      ]),
      [["eth0", true, null], ["lo", false, "loopback"]],
    );
    const eth0 = list.json.interfaces[0];
    assert.equal(eth0.primary, true);
    assert.equal(eth0.latest.rates.rxBytesPerS, 125_000);
    assert.equal(eth0.utilisationPct.rx, 125_000 * 8 / 1e9 * 100);
    const latest = await t.call("GET", "/api/interfaces/latest");
    assert.deepEqual(latest.json.interfaces.map((i: { name: string }) => i.name), ["eth0"]);
    assert.equal(latest.json.interfaces[0].latest.rates.txBytesPerS, 25_000);
    const one = await t.call("GET", "/api/interfaces/eth0");
    assert.equal(one.json.totals.rxBytes, 1_250_000);
    assert.equal((await t.call("GET", "/api/interfaces/nosuch0")).status, 404);
    assert.equal((await t.call("GET", "/api/interfaces/bad%20name")).status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("interfaces api - history, summary and exports from the store", async () => {
  const t = await withInterfaces();
  try {
    await t.tick(100_000, 10_000);
    await t.tick(1_000_000, 10_000); // a burst
    await t.tick(100_000, 10_000);
    const end = t.clock.now() + 1;
    const history = await t.call(
      "GET",
      `/api/interfaces/eth0/history?start=${end - 3_600_000}&end=${end}&maxPoints=100`,
    );
    assert.equal(history.status, 200);
    assert.equal(history.json.resolution, "raw");
    assert.deepEqual(
      history.json.points.map((p: { rxBytesPerS: number }) => p.rxBytesPerS),
      [10_000, 100_000, 10_000],
    );
    assert.deepEqual(
      history.json.points.map((p: { errors: { rx: number } }) => p.errors.rx),
      [1, 0, 0],
      "errors are increases per point, not the kernel's totals",
    );
    const summary = await t.call(
      "GET",
      `/api/interfaces/summary?start=${end - 3_600_000}&end=${end}`,
    );
    const row = summary.json.interfaces[0];
    assert.equal(row.name, "eth0");
    assert.equal(row.primary, true);
    assert.equal(row.avg.rxBytesPerS, 1_200_000 / 30);
    assert.equal(row.peak.rxBytesPerS, 100_000);
    assert.equal(row.utilisationPct.peakRx, 100_000 * 8 / 1e9 * 100);
    assert.deepEqual(row.bytes, { rx: 1_200_000, tx: 30_000 });
    const csv = await t.call("GET", `/api/interfaces/export?format=csv&name=eth0&end=${end}`);
    const lines = csv.text.trim().split("\n");
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^interface,time,time_ms,elapsed_ms,rx_bytes,tx_bytes/);
    assert.match(lines[2], /^eth0,2026-01-01T00:00:20.000Z,\d+,10000,1000000,10000,/);
    assert.equal(csv.headers.get("content-type"), "text/csv; charset=utf-8");
    const json = await t.call("GET", `/api/interfaces/export?end=${end}`);
    assert.equal(json.json.samples.length, 3);
    assert.equal(
      (await t.call("GET", `/api/interfaces/summary?start=${end}&end=${end - 5}`)).status,
      400,
    );
  } finally {
    await t.close();
  }
});

Deno.test("interfaces api - settings: checked, applied at once and saved", async () => {
  const t = await withInterfaces();
  try {
    const bad = await t.call("PUT", "/api/interfaces/settings", { body: { intervalMs: 5 } });
    assert.equal(bad.status, 400);
    const badName = await t.call("PUT", "/api/interfaces/settings", {
      body: { include: ["eth0;reboot"] },
    });
    assert.equal(badName.status, 400);
    const put = await t.call("PUT", "/api/interfaces/settings", {
      body: { include: ["lo"], primary: "lo", intervalMs: 5_000 },
    });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { intervalMs: 5_000, include: ["lo"], exclude: [], primary: "lo" });
    assert.deepEqual(await t.store.interfaceSettings(), put.json);
    const list = await t.call("GET", "/api/interfaces");
    assert.equal(list.json.primary.by, "override");
    assert.equal(
      list.json.interfaces.find((i: { name: string }) => i.name === "lo").monitored,
      true,
    );
    const before = t.source.reads;
    await t.tick(0, 0); // 10 s at the new 5 s interval: two reads
    assert.equal(t.source.reads - before, 2);
    assert.deepEqual((await t.call("GET", "/api/interfaces/settings")).json, put.json);
  } finally {
    await t.close();
  }
});

Deno.test("interfaces api - /metrics has the interface counters as counters", async () => {
  const t = await withInterfaces();
  try {
    await t.tick(5_000, 7_000);
    await t.tick(5_000, 7_000);
    const text = (await t.call("GET", "/metrics")).text;
    assert.match(text, /# TYPE pingwatcher_interface_receive_bytes_total counter/);
    assert.match(text, /pingwatcher_interface_receive_bytes_total\{interface="eth0"\} 10000\n/);
    assert.match(text, /pingwatcher_interface_transmit_bytes_total\{interface="eth0"\} 14000\n/);
    assert.match(text, /pingwatcher_interface_transmit_drops_total\{interface="eth0"\} 2\n/);
    assert.match(
      text,
      /pingwatcher_interface_speed_bits_per_second\{interface="eth0"\} 1000000000/,
    );
    assert.doesNotMatch(text, /interface="lo"/, "skipped interfaces are not exported");
  } finally {
    await t.close();
  }
});

Deno.test("system api - figures, and health degraded by a failed flush", async () => {
  const t = await withInterfaces();
  try {
    const system = await t.call("GET", "/api/system");
    assert.equal(system.status, 200);
    assert.equal(system.json.os, Deno.build.os);
    assert.equal(system.json.cpuCount, navigator.hardwareConcurrency);
    assert.ok(system.json.process.rssBytes > 0);
    assert.ok(system.json.database.sizeBytes > 0);
    assert.equal(system.json.interfaces.state, "running");
    assert.deepEqual(Object.keys(system.json.rounds), ["started", "completed", "late", "skipped"]);
    const ok = await t.call("GET", "/api/system/health");
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.reasons, []);
    const real = t.store.storeStats.bind(t.store);
    t.store.storeStats = async () => ({ ...(await real()), failedFlushes: 1 });
    const degraded = await t.call("GET", "/api/system/health");
    assert.equal(degraded.status, 503);
    assert.equal(degraded.json.status, "degraded");
    assert.match(degraded.json.reasons[0], /1 failed store flushes/);
    Object.defineProperty(t.fake, "restarts", { value: 2 });
    const both = await t.call("GET", "/api/system/health");
    assert.deepEqual(both.json.reasons.map((r: string) => r.split(" (")[0]), [
      "2 prober restarts",
      "1 failed store flushes",
    ]);
    assert.equal((await t.call("GET", "/api/system")).json.prober.restarts, 2);
  } finally {
    await t.close();
  }
});

Deno.test("interfaces api - unsupported system: says why, settings still saved", async () => {
  const s = await setup();
  const monitor = await InterfaceMonitor.create({
    store: s.store,
    clock: s.clock,
    source: { ok: false, reason: "interface monitoring is not supported on windows" },
  });
  s.app.useInterfaces(monitor);
  try {
    const list = await s.call("GET", "/api/interfaces");
    assert.equal(list.json.state, "unsupported");
    assert.match(list.json.reason, /not supported on windows/);
    const put = await s.call("PUT", "/api/interfaces/settings", { body: { exclude: ["wlan*"] } });
    assert.equal(put.status, 200);
    assert.deepEqual((await s.store.interfaceSettings() as { exclude: string[] }).exclude, [
      "wlan*",
    ]);
  } finally {
    await s.close();
  }
});

Deno.test("serve flags - interface interval, lists, primary and off", () => {
  const args = parseServeArgs([
    "--interfaces-interval",
    "2.5",
    "--interfaces-include",
    "docker0,veth*",
    "--interfaces-include",
    "tun0",
    "--interfaces-exclude",
    "wlan0",
    "--interfaces-primary",
    "eth1",
  ]);
  assert.deepEqual(args.interfaces, {
    enabled: true,
    flags: {
      intervalMs: 2500,
      include: ["docker0", "veth*", "tun0"],
      exclude: ["wlan0"],
      primary: "eth1",
    },
  });
  assert.deepEqual(parseServeArgs([], { PINGWATCHER_INTERFACES_OFF: "1" }).interfaces, {
    enabled: false,
    flags: {},
  });
  assert.throws(() => parseServeArgs(["--interfaces-interval", "0.1"]), /interfaces-interval/);
  assert.throws(() => parseServeArgs(["--interfaces-primary", "eth*"]), /interfaces-primary/);
  assert.throws(() => parseServeArgs(["--interfaces-exclude", "a b"]), /interfaces-exclude/);
});

Deno.test("interfaces api - a source that never answers does not delay a single round", async () => {
  const s = await setup();
  const hanging = {
    platform: "test",
    read: () => new Promise<never>(() => {}),
    defaultRouteInterface: () => Promise.resolve(null),
  };
  const monitor = await InterfaceMonitor.create({
    store: s.store,
    clock: s.clock,
    source: { ok: true, source: hanging },
    flags: { intervalMs: 1000 },
  });
  s.app.useInterfaces(monitor);
  monitor.start();
  try {
    const created = await s.call("POST", "/api/targets", {
      body: { host: "127.0.0.1", interval: 1 },
    });
    assert.equal(created.status, 201);
    for (let i = 0; i < 20; i++) await s.clock.advance(1000);
    const c = s.app.service.engine.counters();
    assert.ok(c.roundsCompleted >= 18, `rounds kept coming (${c.roundsCompleted})`);
    assert.equal(c.roundsLate, 0);
    assert.equal(c.roundsSkipped, 0);
    const list = (await s.call("GET", "/api/interfaces")).json;
    assert.equal(list.interfaces.length, 0);
    assert.match(monitor.collector!.lastError!, /took over 1000 ms/);
  } finally {
    await monitor.stop(); // does not wait for the read that never settles
    await s.close();
  }
});
