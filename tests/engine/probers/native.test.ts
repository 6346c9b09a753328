// The native prober on loopback (raw sockets need root; the lab tests cover routers and delay).
import assert from "node:assert/strict";
import { proberLimitation, selectProber } from "../../../engine/probers/mod.ts";
import type { Prober, ProbeRequest, Protocol } from "../../../engine/types.ts";

const isRoot = Deno.build.os === "linux" && Deno.uid() === 0;
const ignore = !isRoot;
if (ignore) console.log("native.test.ts: skipped (raw ICMP sockets need root on Linux)");

const ECHO: ProbeRequest = {
  address: "127.0.0.1",
  ipVersion: 4,
  ttl: 64,
  protocol: "icmp",
  sizeBytes: 56,
  timeoutMs: 2000,
};

async function withNative(fn: (prober: Prober) => Promise<void>): Promise<void> {
  const selection = await selectProber("native");
  assert.ok(selection.ok, selection.ok ? "" : selection.reason);
  try {
    await fn(selection.prober);
  } finally {
    await selection.prober.close();
  }
}

Deno.test({
  name: "native prober - loopback answers over IPv4 and IPv6, each matched to its own probe",
  ignore,
  fn: () =>
    withNative(async (prober) => {
      const addresses = Array.from({ length: 300 }, (_, i) => `127.1.${i >> 8}.${i & 255 || 1}`);
      const results = await Promise.all([
        ...addresses.map((address) => prober.probe({ ...ECHO, address })),
        prober.probe({ ...ECHO, address: "::1", ipVersion: 6 }),
      ]);
      results.forEach((result, i) => {
        const address = addresses[i] ?? "::1";
        assert.equal(result.kind, "reply", `${address}: ${JSON.stringify(result)}`);
        if (result.kind !== "reply") return;
        assert.equal(result.ip, address);
        assert.ok(result.rttUs >= 0 && result.rttUs < 2_000_000);
      });
    }),
});

Deno.test({
  name: "native prober - cancelled and closed probes end as errors, never as loss",
  ignore,
  fn: async () => {
    await withNative(async (prober) => {
      const abort = new AbortController();
      const cancelled = prober.probe(ECHO, abort.signal);
      abort.abort();
      assert.deepEqual(await cancelled, {
        kind: "error",
        code: "aborted",
        message: "the probe was cancelled",
      });
      assert.equal((await prober.probe(ECHO)).kind, "reply", "still probing after a cancel");
    });
    const selection = await selectProber("native");
    assert.ok(selection.ok);
    const inFlight = selection.prober.probe(ECHO);
    await selection.prober.close();
    assert.equal((await inFlight).kind, "error");
    assert.equal((await selection.prober.probe(ECHO)).kind, "error", "closed");
  },
});

Deno.test({
  name: "native prober - UDP and TCP go through mtr-packet, which it reports it can send",
  ignore,
  fn: () =>
    withNative(async (prober) => {
      assert.deepEqual(["icmp", "udp", "tcp"].map((p) => prober.cannotSend?.(p as Protocol)), [
        null,
        null,
        null,
      ]);
      assert.equal(proberLimitation(prober, { protocol: "udp", finalHopOnly: false }), null);
      const udp = await prober.probe({ ...ECHO, protocol: "udp", port: 33434 });
      assert.equal(udp.kind, "reply", JSON.stringify(udp));
    }),
});

Deno.test("native prober - without raw sockets auto explains and moves on", async () => {
  const selection = await selectProber("native", { rawSockets: false });
  assert.equal(selection.ok, false);
  assert.match(selection.ok ? "" : selection.reason, /^native: raw ICMP sockets need root/);
});
