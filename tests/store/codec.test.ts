import assert from "node:assert/strict";
import {
  BlobSlab,
  checkRound,
  CodecError,
  decodeHops,
  encodeHops,
  encodeRound,
  readVarint,
  writeVarint,
} from "../../store/codec.ts";
import type { HopSample } from "../../engine/types.ts";
import { varietyRounds } from "./builders.ts";

function roundTrip(hops: HopSample[], destinationReached = true): Uint8Array {
  const { ips, data } = encodeHops(hops, destinationReached);
  assert.deepEqual(ips, hops.map((hop) => hop.ip));
  assert.deepEqual(decodeHops(data, ips), { hops, destinationReached });
  return data;
}

function hop(ttl: number, rttUs: number | null, extra: Partial<HopSample> = {}): HopSample {
  const kind = rttUs === null ? "timeout" : "ttlExceeded";
  return {
    ttl,
    kind,
    ip: rttUs === null ? null : `10.0.${ttl}.1`,
    rttUs,
    approximate: false,
    ...extra,
  };
}

Deno.test("codec - every round shape the store keeps decodes to what was encoded", () => {
  for (const round of varietyRounds(1)) roundTrip(round.hops, round.destinationReached);
});

Deno.test("codec - a typical 10-hop round packs into one header byte and 2-3 bytes per hop", () => {
  const hops = Array.from({ length: 10 }, (_, i) => hop(i + 1, 3000 * (i + 1) + 417));
  hops[9] = { ...hops[9], kind: "reply" };
  const data = roundTrip(hops);
  assert.ok(data.length <= 1 + 10 * 3, `${data.length} bytes`);
  const silent = roundTrip(Array.from({ length: 10 }, (_, i) => hop(i + 1, null)), false);
  assert.equal(silent.length, 11);
});

Deno.test("codec - the approximate flag is exact whichever way the majority goes", () => {
  const mostlyApproximate = [1, 2, 3, 4].map((ttl) =>
    hop(ttl, ttl * 1000, { approximate: ttl < 4 })
  );
  roundTrip(mostlyApproximate);
  const fewApproximate = [1, 2, 3, 4].map((ttl) =>
    hop(ttl, ttl * 1000, { approximate: ttl === 2 })
  );
  roundTrip(fewApproximate);
  roundTrip([hop(1, 1000, { approximate: true }), hop(2, 2000, { approximate: false })]);
});

Deno.test("codec - unreachable and error hops keep ip, rtt and code, known or not", () => {
  roundTrip([
    hop(1, 500),
    {
      ttl: 2,
      kind: "unreachable",
      ip: "10.0.2.1",
      rttUs: 2500,
      approximate: false,
      code: "no-route",
    },
    {
      ttl: 3,
      kind: "unreachable",
      ip: null,
      rttUs: null,
      approximate: false,
      code: "network-down",
    },
    {
      ttl: 4,
      kind: "unreachable",
      ip: "::1",
      rttUs: 7,
      approximate: true,
      code: "admin-prohibited",
    },
    { ttl: 5, kind: "error", ip: null, rttUs: null, approximate: false, code: "" },
    { ttl: 6, kind: "error", ip: null, rttUs: null, approximate: false, code: "日本語-code" },
    { ttl: 7, kind: "error", ip: null, rttUs: null, approximate: false },
  ], false);
});

Deno.test("codec - ttl gaps, ttl 0 and out-of-order ttls are kept", () => {
  roundTrip([hop(30, 1000, { kind: "reply" })]);
  roundTrip([hop(0, 1000), hop(1, 1100), hop(5, 1500), hop(3, null), hop(4, 1400)]);
});

Deno.test("codec - unusual RTTs: zero, fractional, negative zero, huge, non-finite", () => {
  for (const rttUs of [0, 1, 127, 128, 0.25, -0, -5, 2 ** 40, Number.MAX_SAFE_INTEGER, Infinity]) {
    roundTrip([hop(1, rttUs), hop(2, rttUs, { kind: "reply" })]);
  }
  const [nan] = decodeHops(encodeHops([hop(1, NaN)], true).data, ["10.0.1.1"]).hops;
  assert.ok(Number.isNaN(nan.rttUs));
});

Deno.test("codec - a round with no hops is just the header", () => {
  assert.equal(roundTrip([], false).length, 1);
  assert.equal(roundTrip([], true).length, 1);
});

Deno.test("codec - refuses hops it cannot represent", () => {
  assert.throws(() => encodeHops([hop(-1, 1000)], true), CodecError);
  assert.throws(() => encodeHops([hop(1.5, 1000)], true), CodecError);
  const strange = { ...hop(1, 1000), kind: "strange" } as unknown as HopSample;
  assert.throws(() => encodeHops([strange], true), CodecError);
});

Deno.test("codec - checkRound refuses what encodeRound refuses, and nothing else", () => {
  const rounds = varietyRounds(1);
  for (const round of rounds) {
    checkRound(round);
    encodeRound(round);
  }
  const [good] = rounds;
  const strange = { ...hop(1, 1000), kind: "strange" } as unknown as HopSample;
  const bad = [
    { ...good, targetId: 1.5 },
    { ...good, startedAt: NaN },
    { ...good, seq: Infinity },
    { ...good, address: null as unknown as string },
    { ...good, hops: [hop(-1, 1000)] },
    { ...good, hops: [hop(1, 1000), strange] },
  ];
  for (const round of bad) {
    const refusal = thrown(() => encodeRound(round));
    assert.ok(refusal, JSON.stringify(round));
    assert.deepEqual(thrown(() => checkRound(round)), refusal);
  }
});

/** The error `work` throws, as its class and message; null when it throws nothing. */
function thrown(work: () => unknown): string | null {
  try {
    work();
    return null;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

Deno.test("codec - blobs from a slab decode as their own do and never overwrite each other", () => {
  const slab = new BlobSlab();
  const rounds = varietyRounds(1);
  const blobs = [];
  // Enough rounds to fill several 64 KB buffers, and one blob larger than a buffer.
  for (let i = 0; i < 20_000; i++) {
    const round = rounds[i % rounds.length];
    blobs.push({ round, ...encodeHops(round.hops, round.destinationReached, slab) });
  }
  const long = Array.from({ length: 30_000 }, (_, i) => hop(i + 1, null));
  blobs.push({
    round: { ...rounds[0], hops: long, destinationReached: false },
    ...encodeHops(long, false, slab),
  });
  for (const { round, ips, data } of blobs) {
    assert.deepEqual(data, encodeHops(round.hops, round.destinationReached).data);
    assert.deepEqual(decodeHops(data, ips), {
      hops: round.hops,
      destinationReached: round.destinationReached,
    });
  }
  assert.ok(new Set(blobs.map(({ data }) => data.buffer)).size > 2);
});

Deno.test("codec - a blob is not changed by the next encoding", () => {
  const first = encodeHops([hop(1, 1000), hop(2, 2000)], true).data;
  const copy = first.slice();
  encodeHops([hop(1, 99_999), hop(2, null), hop(3, 5)], false);
  assert.deepEqual(first, copy);
});

Deno.test("codec - a blob that does not fit its path is refused, not misread", () => {
  const { ips, data } = encodeHops([hop(1, 1000), hop(2, 200_000)], true);
  assert.throws(() => decodeHops(data, ips.slice(1)), CodecError);
  assert.throws(() => decodeHops(data, [...ips, null]), CodecError);
  assert.throws(() => decodeHops(data.subarray(0, data.length - 1), ips), CodecError);
  assert.throws(() => decodeHops(Uint8Array.of(9), []), CodecError);
  assert.throws(() => decodeHops(Uint8Array.of(0, 7), [null]), CodecError);
  assert.throws(() => decodeHops(new Uint8Array(0), []), CodecError);
});

Deno.test("codec - varints round-trip across their byte boundaries", () => {
  const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21 - 1, 2 ** 21, 2 ** 31, 2 ** 32 + 5];
  for (const value of [...values, Number.MAX_SAFE_INTEGER]) {
    const out: number[] = [];
    writeVarint(out, value);
    const reader = { data: Uint8Array.from(out), pos: 0 };
    assert.equal(readVarint(reader), value);
    assert.equal(reader.pos, out.length);
  }
  const sizes = [127, 128, 16_383, 16_384].map((value) => {
    const out: number[] = [];
    writeVarint(out, value);
    return out.length;
  });
  assert.deepEqual(sizes, [1, 2, 2, 3]);
});
