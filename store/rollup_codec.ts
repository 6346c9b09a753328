// One rollup bucket's per-hop aggregates and their packed form. A rollup row (one per target,
// bucket and route) holds every hop of that route in one blob, so a 10-hop target costs one row per
// minute, not ten. Everything is additive (counts, sums, histogram) or min/max, so buckets merge.
//
// Blob: varint hop count, then per hop: ttl, byte length of the rest (so a reader skips hops it
// does not want), flags (bit 0 approximate), sent, lost, errors, reached, minutes, up minutes,
// and when something answered: min, max, sum, sum of squares, jitter sum (numbers, see
// writeNumber), jitter count, then the histogram as (bucket index delta, count) pairs.
import type { HopSample } from "../engine/ground.ts";
import { CodecError } from "./codec.ts";
import { bucketOf, HISTOGRAM_BUCKETS } from "./histogram.ts";

export interface HopAggregate {
  ttl: number;
  /** Probes that were sent (errors excluded); lost = sent without an answer. */
  sent: number;
  lost: number;
  /** Prober errors: neither sent nor lost (as engine/stats.ts). */
  errors: number;
  /** Rounds in which this hop was the destination's reply. */
  reached: number;
  /** Minutes in which this hop was probed, and those in which it answered (for uptime). */
  minutes: number;
  upMinutes: number;
  approximate: boolean;
  minUs: number;
  maxUs: number;
  sumUs: number;
  sumSqUs: number;
  /** Sum and count of |difference| between consecutive answered RTTs of this hop. */
  jitterSumUs: number;
  jitterCount: number;
  histogram: Uint32Array;
}

export function emptyHop(ttl: number): HopAggregate {
  return {
    ttl,
    sent: 0,
    lost: 0,
    errors: 0,
    reached: 0,
    minutes: 0,
    upMinutes: 0,
    approximate: false,
    minUs: Infinity,
    maxUs: -Infinity,
    sumUs: 0,
    sumSqUs: 0,
    jitterSumUs: 0,
    jitterCount: 0,
    histogram: new Uint32Array(HISTOGRAM_BUCKETS),
  };
}

export function received(hop: HopAggregate): number {
  return hop.sent - hop.lost;
}

/**
 * Adds one hop sample. `previousUs` is the hop's previous answered RTT (for jitter), `reached`
 * whether this sample is the destination's answer. RTTs are counted in whole microseconds.
 */
export function addSample(
  hop: HopAggregate,
  sample: HopSample,
  context: { previousUs: number | null; reached: boolean },
): void {
  if (sample.kind === "error") {
    hop.errors++;
    return;
  }
  hop.sent++;
  if (context.reached) hop.reached++;
  if (sample.rttUs === null || !Number.isFinite(sample.rttUs)) {
    hop.lost++;
    return;
  }
  const rttUs = Math.max(0, Math.round(sample.rttUs));
  if (rttUs < hop.minUs) hop.minUs = rttUs;
  if (rttUs > hop.maxUs) hop.maxUs = rttUs;
  hop.sumUs += rttUs;
  hop.sumSqUs += rttUs * rttUs;
  hop.approximate ||= sample.approximate;
  hop.histogram[bucketOf(rttUs)]++;
  if (context.previousUs !== null) {
    hop.jitterSumUs += Math.abs(rttUs - context.previousUs);
    hop.jitterCount++;
  }
}

export function mergeHop(into: HopAggregate, from: HopAggregate): void {
  into.sent += from.sent;
  into.lost += from.lost;
  into.errors += from.errors;
  into.reached += from.reached;
  into.minutes += from.minutes;
  into.upMinutes += from.upMinutes;
  into.approximate ||= from.approximate;
  if (from.minUs < into.minUs) into.minUs = from.minUs;
  if (from.maxUs > into.maxUs) into.maxUs = from.maxUs;
  into.sumUs += from.sumUs;
  into.sumSqUs += from.sumSqUs;
  into.jitterSumUs += from.jitterSumUs;
  into.jitterCount += from.jitterCount;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) into.histogram[i] += from.histogram[i];
}

export function encodeRollup(hops: Iterable<HopAggregate>): Uint8Array {
  const list = [...hops].sort((a, b) => a.ttl - b.ttl);
  const out = BLOB.reset();
  out.varint(list.length);
  for (const hop of list) {
    const record = encodeHop(hop, RECORD.reset());
    out.varint(hop.ttl);
    out.varint(record.pos);
    out.append(record);
  }
  return out.bytes.slice(0, out.pos);
}

/**
 * A growable byte buffer, reused from call to call: a flush encodes a rollup blob for every bucket
 * it touched, and building them as number arrays (then copying) was most of the flush's garbage.
 */
class ByteWriter {
  bytes = new Uint8Array(512);
  pos = 0;
  #view = new DataView(this.bytes.buffer);

  reset(): this {
    this.pos = 0;
    return this;
  }

  #reserve(count: number): void {
    if (this.pos + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + count));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  /** Unsigned LEB128 with arithmetic, byte for byte as codec.ts's writeVarint. */
  varint(value: number): void {
    this.#reserve(10);
    let rest = value;
    while (rest >= 128) {
      this.bytes[this.pos++] = (rest % 128) + 128;
      rest = Math.floor(rest / 128);
    }
    this.bytes[this.pos++] = rest;
  }

  float64(value: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  append(other: ByteWriter): void {
    this.#reserve(other.pos);
    this.bytes.set(other.bytes.subarray(0, other.pos), this.pos);
    this.pos += other.pos;
  }
}

const BLOB = new ByteWriter();
const RECORD = new ByteWriter();

function encodeHop(hop: HopAggregate, out: ByteWriter): ByteWriter {
  out.varint(hop.approximate ? 1 : 0);
  out.varint(hop.sent);
  out.varint(hop.lost);
  out.varint(hop.errors);
  out.varint(hop.reached);
  out.varint(hop.minutes);
  out.varint(hop.upMinutes);
  if (received(hop) === 0) return out;
  writeNumber(out, hop.minUs);
  writeNumber(out, hop.maxUs);
  writeNumber(out, hop.sumUs);
  writeNumber(out, hop.sumSqUs);
  writeNumber(out, hop.jitterSumUs);
  out.varint(hop.jitterCount);
  let previous = 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    if (hop.histogram[i] === 0) continue;
    out.varint(i - previous);
    out.varint(hop.histogram[i]);
    previous = i;
  }
  return out;
}

/** A cursor over one blob; varints read inline (this runs for every row a query reads). */
class BlobReader {
  pos = 0;
  constructor(readonly data: Uint8Array) {}

  varint(): number {
    const data = this.data;
    let byte = data[this.pos++];
    if (byte < 128) return byte;
    let value = byte & 127, scale = 128;
    for (let i = 1; i < 8; i++) {
      byte = data[this.pos++];
      if (byte === undefined) throw new CodecError("truncated varint in a rollup blob");
      value += (byte & 127) * scale;
      if (byte < 128) return value;
      scale *= 128;
    }
    throw new CodecError("varint too long in a rollup blob");
  }

  number(): number {
    const head = this.varint();
    if (head !== 1) return head / 2;
    if (this.pos + 8 > this.data.length) throw new CodecError("truncated rollup number");
    const view = new DataView(this.data.buffer, this.data.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getFloat64(0, true);
  }
}

/**
 * Adds the blob's hops into `into` (keyed by ttl), creating aggregates as needed. `wanted`
 * limits which TTLs are read: the others are skipped by their length prefix.
 */
export function mergeRollup(
  into: Map<number, HopAggregate>,
  data: Uint8Array,
  wanted?: (ttl: number) => boolean,
): void {
  const reader = new BlobReader(data);
  const count = reader.varint();
  for (let h = 0; h < count; h++) {
    const ttl = reader.varint();
    const length = reader.varint();
    const end = reader.pos + length;
    if (end > data.length) throw new CodecError("truncated rollup blob");
    if (wanted && !wanted(ttl)) {
      reader.pos = end;
      continue;
    }
    let hop = into.get(ttl);
    if (!hop) into.set(ttl, hop = emptyHop(ttl));
    readHopInto(reader, hop);
    if (reader.pos !== end) throw new CodecError("a rollup hop record has the wrong length");
  }
  if (reader.pos !== data.length) throw new CodecError("trailing bytes in a rollup blob");
}

function readHopInto(reader: BlobReader, hop: HopAggregate): void {
  hop.approximate ||= (reader.varint() & 1) === 1;
  const sent = reader.varint(), lost = reader.varint();
  hop.sent += sent;
  hop.lost += lost;
  hop.errors += reader.varint();
  hop.reached += reader.varint();
  hop.minutes += reader.varint();
  hop.upMinutes += reader.varint();
  if (sent - lost === 0) return;
  const minUs = reader.number(), maxUs = reader.number();
  if (minUs < hop.minUs) hop.minUs = minUs;
  if (maxUs > hop.maxUs) hop.maxUs = maxUs;
  hop.sumUs += reader.number();
  hop.sumSqUs += reader.number();
  hop.jitterSumUs += reader.number();
  hop.jitterCount += reader.varint();
  const histogram = hop.histogram;
  let index = 0, counted = 0;
  while (counted < sent - lost) {
    index += reader.varint();
    if (index >= HISTOGRAM_BUCKETS) throw new CodecError("histogram bucket out of range");
    const n = reader.varint();
    if (n === 0) throw new CodecError("empty histogram entry");
    histogram[index] += n;
    counted += n;
  }
}

/** Whole numbers as varint(2n); others (sums of squares past 2^52) as a marker and a float64. */
function writeNumber(out: ByteWriter, value: number): void {
  if (Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER / 2) {
    out.varint(value * 2);
    return;
  }
  out.varint(1);
  out.float64(value);
}

export interface HopHead {
  ttl: number;
  sent: number;
  lost: number;
  reached: number;
  sumUs: number;
}

/** Reads only each hop's counts and RTT sum (no histogram): enough for a final-hop sparkline. */
export function rollupHeads(data: Uint8Array): HopHead[] {
  const reader = new BlobReader(data);
  const count = reader.varint();
  const heads: HopHead[] = [];
  for (let h = 0; h < count; h++) {
    const ttl = reader.varint();
    const length = reader.varint();
    const end = reader.pos + length;
    reader.varint(); // flags
    const sent = reader.varint(), lost = reader.varint();
    reader.varint(); // errors
    const reached = reader.varint();
    reader.varint(); // minutes
    reader.varint(); // up minutes
    let sumUs = 0;
    if (sent - lost > 0) {
      reader.number(); // min
      reader.number(); // max
      sumUs = reader.number();
    }
    heads.push({ ttl, sent, lost, reached, sumUs });
    reader.pos = end;
  }
  return heads;
}
