// Packs one round's hops into a small blob. Hop addresses are not in it: they live in the interned
// path (one ip or null per hop, in hop order), so the blob holds only what changes every round.
//
// Layout: varint header, then one record per hop.
//   header: bit 0 destinationReached, bit 1 "fast hops are approximate". Other bits must be 0.
//   hop: varint v, tag = v % 4, rest = floor(v / 4)
//     tag 0: ttlExceeded, rttUs = rest        (ttl = previous + 1, no code)
//     tag 1: reply, rttUs = rest              (same)
//     tag 2: extended, rest = flags, then [ttl varint] [rtt varint | float64] [code] [mpls]
//     tag 3: timeout (rest = 0), rttUs null, approximate false
//   code: varint index into KNOWN_CODES (1-based); 0 = varint byte length + UTF-8 text.
//   mpls (flag 256): varint count, then per entry varint label, byte tc*2+s, byte ttl. Programs
//   from before MPLS reject such a hop (unknown flags) rather than misread it.
// The common hop (an integer RTT under 0.5 s) takes 2 or 3 bytes; a timeout takes 1.
import type { HopSample, MplsLabel, ProbeKind, Round } from "../engine/ground.ts";

/** What a round keeps besides its columns: the path (per-hop ip) and the packed blob. */
export interface EncodedHops {
  ips: (string | null)[];
  data: Uint8Array;
}

export interface DecodedHops {
  hops: HopSample[];
  destinationReached: boolean;
}

const KINDS: ProbeKind[] = ["ttlExceeded", "reply", "timeout", "unreachable", "error"];

/** Append-only: an index, once written to disk, must keep its meaning. */
const KNOWN_CODES = [
  "unreachable",
  "no-route",
  "network-down",
  "host-unreachable",
  "net-unreachable",
  "port-unreachable",
  "aborted",
  "closed",
  "prober-failed",
  "prober-restarted",
  "prober-unavailable",
  "prober-crash-suspect",
  "permission-denied",
  "ping-failed",
];

const HEADER_REACHED = 1;
const HEADER_APPROXIMATE = 2;
const TAG_EXTENDED = 2;
const TAG_TIMEOUT = 3;
const FLAG_APPROXIMATE = 8; // bits 0-2 hold the kind index
const FLAG_RTT = 16;
const FLAG_TTL = 32;
const FLAG_CODE = 64;
const FLAG_RTT_FLOAT = 128;
const FLAG_MPLS = 256;
const MAX_FLAGS = 511;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CodecError";
  }
}

/**
 * Hands out encoded blobs as views of shared 64 KB buffers: an ArrayBuffer per thousands of rounds
 * instead of one per round, each a backing store V8 tracks and sweeps (the SQLite store alone, a
 * round every 2.5 s for 1,000 targets: 15.1 → 14.4 µs of CPU a round). A view's `.buffer` is not
 * its own; its bytes are never rewritten.
 */
export class BlobSlab {
  #buffer = new Uint8Array(0);
  #used = 0;

  copy(bytes: number[]): Uint8Array {
    if (this.#used + bytes.length > this.#buffer.length) {
      this.#buffer = new Uint8Array(Math.max(SLAB_BYTES, bytes.length));
      this.#used = 0;
    }
    const view = this.#buffer.subarray(this.#used, this.#used + bytes.length);
    view.set(bytes);
    this.#used += bytes.length;
    return view;
  }
}

const SLAB_BYTES = 64 * 1024;
/** encodeHops writes here first (it never runs twice at once). */
const scratch: number[] = [];

/** `slab`: where the blob's bytes go (default: a Uint8Array of its own). */
export function encodeHops(
  hops: HopSample[],
  destinationReached: boolean,
  slab?: BlobSlab,
): EncodedHops {
  checkHops(hops);
  const approximateDefault = fastApproximateMajority(hops);
  const out = scratch;
  out.length = 0;
  writeVarint(
    out,
    (destinationReached ? HEADER_REACHED : 0) |
      (approximateDefault ? HEADER_APPROXIMATE : 0),
  );
  let previousTtl = 0;
  for (const hop of hops) {
    encodeHop(out, hop, { sequential: hop.ttl === previousTtl + 1, approximateDefault });
    previousTtl = hop.ttl;
  }
  return { ips: hops.map((hop) => hop.ip), data: slab ? slab.copy(out) : new Uint8Array(out) };
}

/** Throws what encodeHops throws for hops it cannot encode; encodes nothing. */
function checkHops(hops: HopSample[]): void {
  for (const hop of hops) {
    if (!Number.isSafeInteger(hop.ttl) || hop.ttl < 0) {
      throw new CodecError(`ttl must be a non-negative integer, got ${hop.ttl}`);
    }
    if (!KINDS.includes(hop.kind)) throw new CodecError(`unknown hop kind ${hop.kind}`);
  }
}

/**
 * Throws what appendRound throws for a malformed round, without encoding it: the store's Worker
 * host checks a round at its caller this way and leaves the encoding to the Worker.
 */
export function checkRound(round: Round): void {
  checkRoundFields(round);
  checkHops(round.hops);
}

/** Checks and encodes a round; throws what appendRound throws for a malformed one. */
export function encodeRound(round: Round, slab?: BlobSlab): EncodedHops {
  checkRoundFields(round);
  return encodeHops(round.hops, round.destinationReached, slab);
}

function checkRoundFields(round: Round): void {
  if (!Number.isSafeInteger(round.targetId)) throw new RangeError("round.targetId: not an integer");
  if (!Number.isFinite(round.startedAt)) throw new RangeError("round.startedAt: not a number");
  if (!Number.isFinite(round.seq)) throw new RangeError("round.seq: not a number");
  if (typeof round.address !== "string") throw new TypeError("round.address: not a string");
}

export function decodeHops(data: Uint8Array, ips: readonly (string | null)[]): DecodedHops {
  const reader = { data, pos: 0 };
  const header = readVarint(reader);
  if (header > 3) throw new CodecError(`unknown round header ${header}`);
  const approximateDefault = (header & HEADER_APPROXIMATE) !== 0;
  const hops: HopSample[] = [];
  let previousTtl = 0;
  while (reader.pos < data.length) {
    if (hops.length >= ips.length) throw new CodecError("more hops in the blob than in the path");
    const hop = decodeHop(reader, {
      ttl: previousTtl + 1,
      ip: ips[hops.length],
      approximateDefault,
    });
    hops.push(hop);
    previousTtl = hop.ttl;
  }
  if (hops.length !== ips.length) {
    throw new CodecError(`the blob holds ${hops.length} hops, the path ${ips.length}`);
  }
  return { hops, destinationReached: (header & HEADER_REACHED) !== 0 };
}

function isFast(hop: HopSample): boolean {
  return (hop.kind === "ttlExceeded" || hop.kind === "reply") && hop.code === undefined &&
    hop.rttUs !== null && isVarintValue(hop.rttUs) && !hop.mpls?.length;
}

/** The ping prober marks every intermediate hop approximate: let the header say it once. */
function fastApproximateMajority(hops: HopSample[]): boolean {
  let balance = 0;
  for (const hop of hops) if (isFast(hop)) balance += hop.approximate ? 1 : -1;
  return balance > 0;
}

function encodeHop(
  out: number[],
  hop: HopSample,
  context: { sequential: boolean; approximateDefault: boolean },
): void {
  if (context.sequential && isFast(hop) && hop.approximate === context.approximateDefault) {
    writeVarint(out, hop.rttUs! * 4 + (hop.kind === "reply" ? 1 : 0));
    return;
  }
  const plainTimeout = hop.kind === "timeout" && hop.rttUs === null && !hop.approximate &&
    hop.code === undefined && !hop.mpls?.length;
  if (context.sequential && plainTimeout) {
    writeVarint(out, TAG_TIMEOUT);
    return;
  }
  const kindIndex = KINDS.indexOf(hop.kind); // a known kind: checkHops ran first
  const floatRtt = hop.rttUs !== null && !isVarintValue(hop.rttUs);
  let flags = kindIndex;
  if (hop.approximate) flags |= FLAG_APPROXIMATE;
  if (hop.rttUs !== null) flags |= FLAG_RTT;
  if (!context.sequential) flags |= FLAG_TTL;
  if (hop.code !== undefined) flags |= FLAG_CODE;
  if (floatRtt) flags |= FLAG_RTT_FLOAT;
  if (hop.mpls?.length) flags |= FLAG_MPLS;
  writeVarint(out, flags * 4 + TAG_EXTENDED);
  if (!context.sequential) writeVarint(out, hop.ttl);
  if (hop.rttUs !== null) {
    if (floatRtt) writeFloat64(out, hop.rttUs);
    else writeVarint(out, hop.rttUs);
  }
  if (hop.code !== undefined) writeCode(out, hop.code);
  if (hop.mpls?.length) writeMpls(out, hop.mpls);
}

function writeMpls(out: number[], labels: MplsLabel[]): void {
  writeVarint(out, labels.length);
  for (const entry of labels) {
    writeVarint(out, entry.label);
    out.push((entry.tc & 7) * 2 + (entry.s ? 1 : 0), entry.ttl & 255);
  }
}

function readMpls(reader: Reader): MplsLabel[] {
  const count = readVarint(reader);
  if (count > 64) throw new CodecError(`implausible MPLS stack of ${count}`);
  const labels: MplsLabel[] = [];
  for (let i = 0; i < count; i++) {
    const label = readVarint(reader);
    if (reader.pos + 2 > reader.data.length) throw new CodecError("truncated MPLS stack");
    const bits = reader.data[reader.pos++];
    const ttl = reader.data[reader.pos++];
    labels.push({ label, tc: bits >> 1, s: (bits & 1) === 1, ttl });
  }
  return labels;
}

function decodeHop(
  reader: Reader,
  context: { ttl: number; ip: string | null; approximateDefault: boolean },
): HopSample {
  const value = readVarint(reader);
  const tag = value % 4;
  const rest = Math.floor(value / 4);
  const { ttl, ip } = context;
  if (tag < TAG_EXTENDED) {
    const kind = tag === 0 ? "ttlExceeded" : "reply";
    return { ttl, kind, ip, rttUs: rest, approximate: context.approximateDefault };
  }
  if (tag === TAG_TIMEOUT) {
    if (rest !== 0) throw new CodecError(`unknown hop record ${value}`);
    return { ttl, kind: "timeout", ip, rttUs: null, approximate: false };
  }
  const kind = KINDS[rest & 7];
  if (kind === undefined || rest > MAX_FLAGS) throw new CodecError(`unknown hop flags ${rest}`);
  const hop: HopSample = {
    ttl: rest & FLAG_TTL ? readVarint(reader) : ttl,
    kind,
    ip,
    rttUs: null,
    approximate: (rest & FLAG_APPROXIMATE) !== 0,
  };
  if (rest & FLAG_RTT) hop.rttUs = rest & FLAG_RTT_FLOAT ? readFloat64(reader) : readVarint(reader);
  if (rest & FLAG_CODE) hop.code = readCode(reader);
  if (rest & FLAG_MPLS) hop.mpls = readMpls(reader);
  return hop;
}

function writeCode(out: number[], code: string): void {
  const index = KNOWN_CODES.indexOf(code);
  writeVarint(out, index + 1);
  if (index >= 0) return;
  const bytes = encoder.encode(code);
  writeVarint(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}

function readCode(reader: Reader): string {
  const index = readVarint(reader);
  if (index > 0) {
    const known = KNOWN_CODES[index - 1];
    if (known === undefined) throw new CodecError(`unknown code index ${index}`);
    return known;
  }
  const length = readVarint(reader);
  if (reader.pos + length > reader.data.length) throw new CodecError("truncated code");
  const text = decoder.decode(reader.data.subarray(reader.pos, reader.pos + length));
  reader.pos += length;
  return text;
}

interface Reader {
  data: Uint8Array;
  pos: number;
}

/** Whole numbers small enough that `value * 4 + tag` stays exact. */
function isVarintValue(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER / 8 &&
    !Object.is(value, -0);
}

/** Unsigned LEB128 with arithmetic (not bit operators, which stop at 32 bits). */
export function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

export function readVarint(reader: Reader): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (reader.pos >= reader.data.length) throw new CodecError("truncated varint");
    const byte = reader.data[reader.pos++];
    value += (byte & 127) * scale;
    if (byte < 128) return value;
    scale *= 128;
  }
  throw new CodecError("varint too long");
}

function writeFloat64(out: number[], value: number): void {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  for (const byte of bytes) out.push(byte);
}

function readFloat64(reader: Reader): number {
  if (reader.pos + 8 > reader.data.length) throw new CodecError("truncated float");
  const view = new DataView(reader.data.buffer, reader.data.byteOffset + reader.pos, 8);
  reader.pos += 8;
  return view.getFloat64(0, true);
}
