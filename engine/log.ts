// The one logger. Library code logs through here, never through console.log.
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: LogLevel = "info";
let sink: (line: string) => void = (line) => {
  Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
};

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** The level set last (a Worker is started with its opener's). */
export function logLevel(): LogLevel {
  return threshold;
}

/** Redirects log lines (tests capture them; the CLI keeps stdout clean for --json). */
export function setLogSink(write: (line: string) => void): void {
  sink = write;
}

/** Writes a line already formatted and filtered elsewhere (a Worker's) through the sink. */
export function writeLogLine(line: string): void {
  sink(line);
}

function emit(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const extra = fields ? " " + JSON.stringify(fields) : "";
  sink(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${extra}`);
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => emit("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => emit("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => emit("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => emit("error", message, fields),
};
