// GET /api/summary's body, written as UTF-8 bytes a slice of rows at a time. A row is its head
// (JSON.stringify of everything but the sparkline) and then its sparkline's two arrays of 60
// values, written digit by digit from the store's typed arrays. Made as JS arrays of numbers and
// stringified, 5,000 sparklines were 10,000 arrays kept until the last row was sent: garbage that
// outlived the reply, copied and promoted by the collector while the engine probed.
import type { Sparkline } from "../../store/mod.ts";
import { flushMicrotasks as yieldToEventLoop } from "../../engine/mod.ts";
import { JSON_HEADERS } from "../errors.ts";

/** A row as written: its head, then (when it has figures) its sparkline. */
export interface RowParts {
  head: object;
  sparkline: Sparkline | null;
}

/** `{...fields, "targets": [rows]}`, `sliceRows` rows per chunk, a task boundary between them. */
export function summaryBody<T>(
  fields: Record<string, unknown>,
  items: readonly T[],
  parts: (item: T) => RowParts,
  sliceRows: number,
): Response {
  const head = JSON.stringify(fields);
  const writer = new ByteWriter();
  let at = -1;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at < 0) {
        at = 0;
        writer.text(`${head === "{}" ? "{" : `${head.slice(0, -1)},`}"targets":[`);
        return controller.enqueue(writer.take());
      }
      if (at >= items.length) {
        writer.text("]}");
        controller.enqueue(writer.take());
        return controller.close();
      }
      // A task boundary between slices: due timers and I/O callbacks run here.
      if (at > 0) await yieldToEventLoop();
      const end = Math.min(items.length, at + sliceRows);
      for (; at < end; at++) {
        if (at > 0) writer.byte(COMMA);
        writeRow(writer, parts(items[at]));
      }
      controller.enqueue(writer.take());
    },
  }, { highWaterMark: 0 });
  return new Response(body, { status: 200, headers: JSON_HEADERS });
}

/** One row's JSON: its head's fields, then `"sparkline":{...}` when it has one. */
export function writeRow(writer: ByteWriter, row: RowParts): void {
  const head = JSON.stringify(row.head);
  if (!row.sparkline) return writer.text(head);
  const { start, stepMs, avgUs, lossPct } = row.sparkline;
  writer.text(
    `${head.length > 2 ? `${head.slice(0, -1)},` : "{"}"sparkline":{"start":${
      JSON.stringify(start)
    },"stepMs":${JSON.stringify(stepMs)},"avgMs":[`,
  );
  writer.values(avgUs, 1000);
  writer.text(`],"lossPct":[`);
  writer.values(lossPct, 1);
  writer.text("]}}");
}

const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
/** The most bytes one value takes: JSON's longest number text, and its comma. */
const VALUE_BYTES = 26;

/** A non-negative integer below 1e15 in decimal at `at`; returns the end. */
function writeDigits(buffer: Uint8Array, at: number, value: number): number {
  if (value < 10) {
    buffer[at] = ZERO + value;
    return at + 1;
  }
  let n = 1;
  for (let p = 10; p <= value; p *= 10) n++;
  for (let i = at + n - 1; i >= at; i--) {
    const rest = Math.floor(value / 10);
    buffer[i] = ZERO + value - rest * 10;
    value = rest;
  }
  return at + n;
}

/** A growing byte buffer; `take` hands over what was written and starts afresh. */
export class ByteWriter {
  #buffer = new Uint8Array(64 * 1024);
  #at = 0;
  readonly #encoder = new TextEncoder();

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(this.#buffer.length * 2, this.#at + bytes));
    grown.set(this.#buffer.subarray(0, this.#at));
    this.#buffer = grown;
  }

  byte(value: number): void {
    this.#room(1);
    this.#buffer[this.#at++] = value;
  }

  bytes(value: Uint8Array): void {
    this.#room(value.length);
    this.#buffer.set(value, this.#at);
    this.#at += value.length;
  }

  /** Any text, as UTF-8 (at most 3 bytes per UTF-16 unit). */
  text(value: string): void {
    this.#room(value.length * 3);
    this.#at += this.#encoder.encodeInto(value, this.#buffer.subarray(this.#at)).written;
  }

  /**
   * `values[i] / divisor` as JSON writes them, comma-separated; the store's NaN (none) as null.
   * Whole µs in ms (divisor 1000) and 2-decimal percentages (divisor 1) — what the store keeps —
   * are written digit by digit: JSON's shortest text of such a quotient is its plain decimal.
   * Anything else goes through JSON.stringify.
   */
  values(values: Float64Array, divisor: 1000 | 1): void {
    this.#room(values.length * VALUE_BYTES);
    const buffer = this.#buffer;
    let at = this.#at;
    // Hundredths for percentages (k / 100), thousandths for ms (µs / 1000).
    const scale = divisor === 1000 ? 1 : 100;
    const places = divisor === 1000 ? 1000 : 100;
    for (let i = 0; i < values.length; i++) {
      if (i > 0) buffer[at++] = COMMA;
      const value = values[i];
      if (value !== value) { // NaN is the one value unequal to itself
        buffer[at++] = 0x6e, buffer[at++] = 0x75, buffer[at++] = 0x6c, buffer[at++] = 0x6c;
        continue;
      }
      const n = Math.round(value * scale);
      if (!(n >= 0 && n < 1e15 && n / places === value / divisor)) {
        at += this.#encoder.encodeInto(JSON.stringify(value / divisor), buffer.subarray(at))
          .written;
        continue;
      }
      const whole = Math.floor(n / places);
      let fraction = n - whole * places;
      at = writeDigits(buffer, at, whole);
      if (fraction === 0) continue;
      buffer[at++] = DOT;
      for (let unit = places / 10; fraction > 0; unit /= 10) {
        const digit = Math.floor(fraction / unit);
        buffer[at++] = ZERO + digit;
        fraction -= digit * unit;
      }
    }
    this.#at = at;
  }

  /** What was written since the last take (a copy sized to it; the buffer is reused). */
  take(): Uint8Array {
    const out = this.#buffer.slice(0, this.#at);
    this.#at = 0;
    return out;
  }
}
