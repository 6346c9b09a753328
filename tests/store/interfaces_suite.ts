// The interface-traffic port every backend must have: samples in, raw/1-minute/1-hour reads with
// averages and peaks, summaries, exports, retention by tier, saved settings and reopening.
import assert from "node:assert/strict";
import { type InterfaceCounters, ManualClock, zeroCounters } from "../../engine/mod.ts";
import type { InterfaceSampleRecord } from "../../store/mod.ts";
import type { TestBackend } from "./backends.ts";

const T0 = Date.UTC(2026, 0, 10);
const DAY = 86_400_000;

function sample(
  name: string,
  at: number,
  deltas: Partial<InterfaceCounters>,
  elapsedMs = 10_000,
): InterfaceSampleRecord {
  return { name, at, elapsedMs, deltas: { ...zeroCounters(), ...deltas } };
}

/** An hour of 10-second samples at 1000 B/s received, with one 10-second burst at 1 MB/s. */
function steadyHour(name: string, start: number): InterfaceSampleRecord[] {
  const out: InterfaceSampleRecord[] = [];
  for (let i = 1; i <= 360; i++) {
    const burst = i === 100;
    out.push(sample(name, start + i * 10_000, {
      rxBytes: burst ? 10_000_000 : 10_000,
      txBytes: 5_000,
      rxPackets: 10,
      rxErrors: i === 50 ? 2 : 0,
      txDrops: i === 60 ? 3 : 0,
    }));
  }
  return out;
}

export function interfaceSuite(backend: TestBackend): void {
  const test = (title: string, work: () => Promise<void>) =>
    Deno.test(`interface store ${backend.name} - ${title}`, work);
  test("raw history keeps each sample's rate; names list what was stored", async () => {
    const clock = new ManualClock(T0 + 2 * 3_600_000);
    const store = backend.place()({ clock });
    try {
      store.appendInterfaceSamples(steadyHour("eth0", T0));
      store.appendInterfaceSamples([sample("wlan0", T0 + 10_000, { txBytes: 1 })]);
      assert.deepEqual(await store.interfaceNames(), ["eth0", "wlan0"]);
      const history = await store.interfaceHistory("eth0", {
        start: T0,
        end: T0 + 3_600_000 + 1,
        maxPoints: 1000,
      });
      assert.equal(history.resolution, "raw");
      assert.equal(history.points.length, 360);
      assert.equal(history.points[0].rxBytesPerS, 1000);
      assert.equal(history.points[99].rxBytesPerS, 1_000_000);
      assert.equal(history.points[0].txBytesPerS, 500);
      const none = await store.interfaceHistory("nosuch0", { start: T0, end: T0 + 1 });
      assert.deepEqual(none.points, []);
    } finally {
      await store.close();
    }
  });

  test("merged points and the hour tier keep the burst as a peak beside the average", async () => {
    const clock = new ManualClock(T0 + 2 * 3_600_000);
    const store = backend.place()({ clock });
    try {
      store.appendInterfaceSamples(steadyHour("eth0", T0));
      const merged = await store.interfaceHistory("eth0", {
        start: T0,
        end: T0 + 3_600_000 + 1,
        maxPoints: 60,
      });
      assert.equal(merged.resolution, "1m", "a minute per point: the minute tier");
      assert.ok(merged.points.length <= 60);
      const peak = Math.max(...merged.points.map((p) => p.rxPeakBytesPerS));
      assert.equal(peak, 1_000_000);
      const total = merged.points.reduce((sum, p) => sum + p.deltas.rxBytes, 0);
      assert.equal(total, 359 * 10_000 + 10_000_000);
      // A week's view is read from the hour tier: one bucket per hour (the last sample at the
      // hour's end falls into the next one).
      const week = await store.interfaceHistory("eth0", {
        start: T0 - 6 * DAY,
        end: T0 + DAY,
        maxPoints: 100,
      });
      assert.equal(week.resolution, "1h");
      assert.equal(week.points.length, 2);
      const [hour] = week.points;
      assert.equal(hour.samples, 359);
      assert.equal(hour.rxPeakBytesPerS, 1_000_000);
      assert.equal(hour.deltas.rxBytes, 358 * 10_000 + 10_000_000);
      assert.equal(hour.rxBytesPerS, hour.deltas.rxBytes / 3590, "average over measured time");
    } finally {
      await store.close();
    }
  });

  test("summary per interface: averages, peaks, errors and drops over the range", async () => {
    const clock = new ManualClock(T0 + 2 * 3_600_000);
    const store = backend.place()({ clock });
    try {
      store.appendInterfaceSamples(steadyHour("eth0", T0));
      store.appendInterfaceSamples([sample("wlan0", T0 + 20_000, { txBytes: 40_000 }, 20_000)]);
      const rows = await store.interfaceSummary({ start: T0, end: T0 + 3_600_000 + 1 });
      assert.deepEqual(rows.map((r) => r.name), ["eth0", "wlan0"]);
      const eth0 = rows[0];
      assert.equal(eth0.samples, 360);
      assert.equal(eth0.elapsedMs, 3_600_000);
      assert.equal(eth0.deltas.rxErrors, 2);
      assert.equal(eth0.deltas.txDrops, 3);
      assert.equal(eth0.rxPeakBytesPerS, 1_000_000);
      assert.equal(eth0.rxBytesPerS, (359 * 10_000 + 10_000_000) / 3600);
      assert.equal(rows[1].txBytesPerS, 2000);
    } finally {
      await store.close();
    }
  });

  test("raw samples for export, one interface or all, in time order", async () => {
    const clock = new ManualClock(T0 + 3_600_000);
    const store = backend.place()({ clock });
    try {
      store.appendInterfaceSamples([
        sample("eth0", T0 + 10_000, { rxBytes: 1 }),
        sample("eth1", T0 + 10_000, { rxBytes: 2 }),
        sample("eth0", T0 + 20_000, { rxBytes: 3 }, 9_999.5),
      ]);
      const eth0 = await store.interfaceSamples({ name: "eth0", start: T0, end: T0 + 60_000 });
      assert.deepEqual(eth0.map((s) => [s.at, s.elapsedMs, s.deltas.rxBytes]), [
        [T0 + 10_000, 10_000, 1],
        [T0 + 20_000, 9_999.5, 3],
      ]);
      const all = await store.interfaceSamples({ name: null, start: T0, end: T0 + 60_000 });
      assert.equal(all.length, 3);
      assert.deepEqual(new Set(all.map((s) => s.name)), new Set(["eth0", "eth1"]));
    } finally {
      await store.close();
    }
  });

  test("retention trims each tier by its own cutoff", async () => {
    const clock = new ManualClock(T0);
    const store = backend.place()({ clock, retention: { rawDays: 1, minuteDays: 2, hourDays: 3 } });
    try {
      store.appendInterfaceSamples([
        sample("eth0", T0 - 4 * DAY, { rxBytes: 1 }),
        sample("eth0", T0 - 2.5 * DAY, { rxBytes: 2 }),
        sample("eth0", T0 - 1.5 * DAY, { rxBytes: 4 }),
        sample("eth0", T0 - 1000, { rxBytes: 8 }),
      ]);
      await store.flush();
      let done = false;
      for (let i = 0; i < 20 && !done; i++) done = (await store.enforceRetention()).done;
      const raw = await store.interfaceSamples({ name: "eth0", start: 0, end: T0 });
      assert.deepEqual(raw.map((s) => s.deltas.rxBytes), [8]);
      const rows = async (start: number) =>
        (await store.interfaceSummary({ start, end: T0 })).map((r) => [r.resolution, r.deltas]);
      assert.deepEqual((await rows(T0 - 1.9 * DAY))[0][0], "1m");
      assert.equal(((await rows(T0 - 1.9 * DAY))[0][1] as InterfaceCounters).rxBytes, 12);
      const hours = await store.interfaceSummary({ start: T0 - 10 * DAY, end: T0 });
      assert.equal(hours[0].resolution, "1h");
      assert.equal(hours[0].deltas.rxBytes, 14, "the 4-day-old hour is gone");
    } finally {
      await store.close();
    }
  });

  test("settings are saved and read back", async () => {
    const store = backend.place()({ clock: new ManualClock(T0) });
    try {
      assert.equal(await store.interfaceSettings(), null);
      await store.putInterfaceSettings({ intervalMs: 5000, include: ["eth*"] });
      await store.putInterfaceSettings({ intervalMs: 7000, include: [] });
      assert.deepEqual(await store.interfaceSettings(), { intervalMs: 7000, include: [] });
    } finally {
      await store.close();
    }
  });

  if (backend.persistent) {
    test("queued samples are written on close and survive a reopen", async () => {
      const open = backend.place();
      const clock = new ManualClock(T0 + 60_000);
      const first = open({ clock });
      first.appendInterfaceSamples([sample("eth0", T0 + 10_000, { txBytes: 77 })]);
      await first.close();
      assert.throws(() => first.appendInterfaceSamples([]), /closed/);
      const second = open({ clock });
      try {
        const rows = await second.interfaceSamples({ name: "eth0", start: T0, end: T0 + 60_000 });
        assert.deepEqual(rows.map((s) => s.deltas.txBytes), [77]);
      } finally {
        await second.close();
      }
    });
  }
}
