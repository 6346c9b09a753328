// Line-by-line reading of a child's output stream.

/** Yields each complete line (without the newline); a last unterminated line is yielded too. */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of chunksOf(stream)) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
  buffered += decoder.decode();
  if (buffered.length > 0) yield buffered;
}

const BYOB_BUFFER_BYTES = 16 * 1024;

/**
 * The stream's chunks. A byte stream (a child's stdout) is read into one reused buffer: the
 * default reader allocates a fresh 64 KiB buffer per read, and a long-lived child answering
 * thousands of probes a second makes that tens of MB/s of garbage. Each chunk is only valid
 * until the next one is asked for.
 */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: "byob" });
  } catch {
    yield* stream; // not a byte stream
    return;
  }
  try {
    let buffer = new Uint8Array(BYOB_BUFFER_BYTES);
    while (true) {
      const { value, done } = await reader.read(buffer);
      if (done || !value) return;
      yield value;
      buffer = new Uint8Array(value.buffer);
    }
  } finally {
    reader.releaseLock();
  }
}

/** Collects a whole stream as text (for short-lived children). */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}
