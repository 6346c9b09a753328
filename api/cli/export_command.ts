// `pingwatcher export`: a target's rounds (a range) or a session as CSV or JSON, streamed from
// the server's or the database's export code (api/export_format.ts) to stdout or a file, a page
// at a time, so a range of any size needs little memory.
import { type CliIo, type Command, parseCommandLine, UsageError } from "./command.ts";
import {
  BackendError,
  type CliBackend,
  SOURCE_EXIT,
  SOURCE_FLAGS,
  SOURCE_USAGE,
} from "./backend.ts";
import { withBackend } from "./backend_run.ts";
import { progress } from "./progress.ts";
import { idArg, timeRange } from "./time_arg.ts";

export const EXPORT_USAGE = `Usage: pingwatcher export (--target ID | --session ID) [options]

Streams rounds as CSV (one row per hop sample: ${"target_id,ts,time,seq,ttl,kind,ip,rtt_us,..."})
or JSON (the document POST /api/import reads back as a replay target).

  --target ID          the target to export
  --session ID         a session (its own target and range) instead
  --format csv|json    default json
  --since TIME         from this time: epoch ms, ISO 8601, or an age like 15m, 2h, 7d
  --until TIME         up to this time (exclusive); default now
  --output FILE        write to FILE instead of stdout (refused if it exists, unless --force)
  --force              overwrite FILE
${SOURCE_USAGE}

On a terminal a progress bar shows on stderr (not with NO_COLOR).
Exit codes: 0 done, 1 refused (no such target or session, no database, FILE exists, the
export failed: a partly written FILE is removed), 2 bad command line, 6 the server cannot be
reached.`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    ...SOURCE_FLAGS,
    target: { type: "string" },
    session: { type: "string" },
    format: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    output: { type: "string", short: "o" },
    force: { type: "boolean" },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if ((values.target === undefined) === (values.session === undefined)) {
    throw new UsageError("give either --target ID or --session ID");
  }
  const format = values.format ?? "json";
  if (format !== "csv" && format !== "json") {
    throw new UsageError(`--format: "${format}" is not csv or json`);
  }
  const range = timeRange(values, Date.now());
  if (values.session !== undefined && (range.start !== undefined || range.end !== undefined)) {
    throw new UsageError("a session has its own range: --since/--until go with --target");
  }
  const selection = values.session !== undefined
    ? { sessionId: idArg("--session", values.session), format }
    : { targetId: idArg("--target", values.target), format, ...range };
  const output = values.output ?? null;
  if (output !== null && !values.force && exists(output)) {
    io.writeError(`pingwatcher export: ${output} exists (pass --force to overwrite)\n`);
    return 1;
  }
  return await withBackend(
    values,
    { env: io.env, write: false, command: "export", writeError: io.writeError },
    async (backend) => {
      const stream = await backend.exportStream(
        selection as Parameters<CliBackend["exportStream"]>[0],
      );
      const bar = progress({ ...io, unit: "MB", total: null });
      const span = { start: range.start ?? null, end: range.end ?? Date.now() };
      const onChunk = (bytes: number, text: string) => {
        const at = lastTime(text);
        if (span.start === null && at !== null) span.start = at;
        const pct = at !== null && span.start !== null && span.end > span.start
          ? `${
            Math.min(100, ((at - span.start) / (span.end - span.start)) * 100).toFixed(0)
          }% of the range`
          : undefined;
        bar.update(Number((bytes / 1e6).toFixed(1)), pct);
      };
      const bytes = output === null
        ? await toStdout(stream, io, onChunk)
        : await toFile(stream, output, onChunk);
      bar.finish(Number((bytes / 1e6).toFixed(1)));
      if (output !== null) io.writeError(`wrote ${bytes} bytes to ${output} (${backend.via})\n`);
      return 0;
    },
  );
}

/** The newest round time a chunk names (CSV: 2nd column; JSON: "startedAt"). */
function lastTime(text: string): number | null {
  const json = text.lastIndexOf('"startedAt":');
  if (json >= 0) return Number(/^"startedAt":(\d+)/.exec(text.slice(json))?.[1] ?? NaN) || null;
  const csv = /\n\d+,(\d{10,16}),[^\n]*\n?$/.exec(text.slice(-400));
  return csv ? Number(csv[1]) : null;
}

async function toStdout(
  stream: ReadableStream<Uint8Array>,
  io: CliIo,
  onChunk: (bytes: number, text: string) => void,
): Promise<number> {
  let bytes = 0;
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    bytes += chunk.byteLength;
    const text = decoder.decode(chunk, { stream: true });
    io.write(text);
    onChunk(bytes, text);
  }
  io.write(decoder.decode());
  return bytes;
}

async function toFile(
  stream: ReadableStream<Uint8Array>,
  path: string,
  onChunk: (bytes: number, text: string) => void,
): Promise<number> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  let bytes = 0;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of stream) {
      let written = 0;
      while (written < chunk.byteLength) written += await file.write(chunk.subarray(written));
      bytes += chunk.byteLength;
      onChunk(bytes, decoder.decode(chunk, { stream: true }));
    }
  } catch (error) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw new BackendError(
      SOURCE_EXIT.refused,
      `the export stopped: ${(error as Error).message}; ${path} removed`,
    );
  }
  file.close();
  return bytes;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

export const exportCommand: Command = {
  name: "export",
  summary: "a target's rounds or a session as CSV/JSON to stdout or a file (export --help)",
  usage: EXPORT_USAGE,
  run,
};
