// AS lookups through DNS TXT records (origin.asn.cymru.com convention), on a stand-in resolver:
// no test ever queries a real DNS server (the lab's dnsmasq serves them in tests/netlab/).
import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { AsLookup, asQueryName, parseAsTxt } from "../../engine/asn.ts";
import { renderTable, traceJson } from "../../api/cli/trace_output.ts";
import { hopStats } from "../../engine/stats.ts";
import { rounds } from "./helpers.ts";

Deno.test("as lookup - query names for IPv4 and IPv6", () => {
  assert.equal(asQueryName("198.18.2.2"), "2.2.18.198.origin.asn.cymru.com");
  assert.equal(
    asQueryName("2001:db8::1"),
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.origin6.asn.cymru.com",
  );
});

Deno.test("as lookup - TXT answers as the service writes them", () => {
  assert.deepEqual(parseAsTxt("64500 | 198.18.2.0/24 | ZZ | lab | 2026-11-29"), {
    asn: 64500,
    prefix: "198.18.2.0/24",
    country: "ZZ",
    registry: "lab",
  });
  assert.equal(parseAsTxt("64500 64501 | 2001:db8::/32 | | |")?.asn, 64500);
  assert.equal(parseAsTxt("no | data"), null);
  assert.equal(parseAsTxt("64500 | not a prefix"), null);
});

Deno.test("as lookup - cached for its TTL; no record cached shorter; a failure not at all", async () => {
  const clock = new ManualClock(1_000_000);
  const asked: string[] = [];
  let fail = false;
  const lookup = new AsLookup({
    clock,
    lookup: (name) => {
      asked.push(name);
      if (fail) return Promise.reject(new Error("SERVFAIL"));
      if (name.startsWith("9.")) return Promise.reject(new Deno.errors.NotFound("NXDOMAIN"));
      return Promise.resolve(["64500 | 198.18.2.0/24 | ZZ | lab | 2026-11-29"]);
    },
    positiveTtlMs: 60_000,
    negativeTtlMs: 10_000,
  });
  assert.equal((await lookup.lookup("198.18.2.2"))?.asn, 64500);
  assert.equal((await lookup.lookup("198.18.2.2"))?.asn, 64500);
  assert.equal(await lookup.lookup("198.18.2.9"), null);
  assert.equal(asked.length, 2, "the second lookup came from the cache");
  await clock.advance(10_001);
  assert.equal(lookup.cached("198.18.2.9"), undefined, "no record: asked again after 10 s");
  assert.equal(lookup.cached("198.18.2.2")?.asn, 64500);
  await clock.advance(50_000);
  fail = true;
  assert.equal(await lookup.lookup("198.18.2.2"), null);
  assert.equal(lookup.cached("198.18.2.2"), undefined, "a failed query is not an answer");
});

Deno.test("as lookup - report column and JSON field, only when asked for", () => {
  const stats = hopStats(rounds(["10.0.0.1:1 10.0.0.9:3"]));
  const asOf = (ip: string) =>
    ip === "10.0.0.1" ? { asn: 64500, prefix: "10.0.0.0/24", country: null, registry: null } : null;
  const table = renderTable(stats, { color: false, nameOf: () => undefined, asOf });
  assert.match(table, / AS +Loss%/);
  assert.match(table, /AS64500 10\.0\.0\.0\/24/);
  assert.match(table, /10\.0\.0\.9 .*AS\?\?\?/);
  const meta = { target: "x", address: "10.0.0.9", prober: "fake", protocol: "icmp" as const };
  const json = traceJson({ ...meta, samples: 1 }, stats, () => null, asOf);
  assert.deepEqual(json.hops.map((h) => h.as?.asn ?? null), [64500, null]);
  const off = traceJson({ ...meta, samples: 1 }, stats, () => null);
  assert.equal("as" in off.hops[0], false);
  assert.doesNotMatch(renderTable(stats, { color: false, nameOf: () => undefined }), /AS/);
});

Deno.test("as lookup - trace asks nothing unless -z/--as-lookup is given", async () => {
  const { runTrace } = await import("../../api/cli/trace.ts");
  const { FakeProber, straightRoute } = await import("../../engine/probers/fake.ts");
  const { driveUntil } = await import("./helpers.ts");
  for (const flags of [[], ["-z"]]) {
    const clock = new ManualClock();
    const fake = new FakeProber({
      clock,
      network: { "10.0.0.9": straightRoute(["10.0.0.1", "10.0.0.9"]) },
    });
    const asked: string[] = [];
    const out: string[] = [];
    const code = await driveUntil(
      clock,
      runTrace(["10.0.0.9", "--json", "--count", "2", ...flags], {
        write: (text) => out.push(text),
        writeError: () => {},
        isTty: false,
        selectProber: () => Promise.resolve({ ok: true, prober: fake }),
        addressLookup: () => Promise.resolve(["10.0.0.9"]),
        clock,
        reverseDns: false,
        txtLookup: (name) => {
          asked.push(name);
          return Promise.resolve(["64500 | 10.0.0.0/24 | ZZ | lab | 2026-11-29"]);
        },
      }),
    );
    assert.equal(code, 0);
    const doc = JSON.parse(out.join(""));
    if (flags.length === 0) {
      assert.deepEqual(asked, [], "off by default: no query leaves");
      assert.equal("as" in doc.hops[0], false);
    } else {
      assert.deepEqual(asked.sort(), [
        "1.0.0.10.origin.asn.cymru.com",
        "9.0.0.10.origin.asn.cymru.com",
      ]);
      assert.equal(doc.hops[0].as.asn, 64500);
    }
  }
});
