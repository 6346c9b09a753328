// A progress bar on stderr for long work (seed, export, cleanup): drawn only when stderr is a
// terminal, NO_COLOR is unset and the output is not --json; otherwise every call does nothing.
// With a total it shows a bar, percent and ETA; without one, the count so far.

export interface Progress {
  update(done: number, detail?: string): void;
  finish(done: number, detail?: string): void;
}

export interface ProgressOptions {
  writeError(text: string): void;
  stderrIsTty: boolean;
  env: Record<string, string>;
  json?: boolean;
  /** Monotonic ms (default performance.now). */
  now?: () => number;
  /** What is counted ("rounds", "rows"). */
  unit: string;
  total?: number | null;
}

const DRAW_EVERY_MS = 200;
const WIDTH = 30;

export function progressEnabled(options: Omit<ProgressOptions, "unit" | "writeError">): boolean {
  return options.stderrIsTty && !options.json && options.env.NO_COLOR === undefined;
}

export function progress(options: ProgressOptions): Progress {
  if (!progressEnabled(options)) return { update() {}, finish() {} };
  const now = options.now ?? (() => performance.now());
  const started = now();
  let lastDraw = -Infinity;
  let drawn = false;
  const draw = (done: number, detail?: string) => {
    drawn = true;
    const elapsedS = (now() - started) / 1000;
    const extra = detail ? `, ${detail}` : "";
    const total = options.total ?? null;
    if (total === null || total <= 0) {
      options.writeError(`\r\x1b[2K${done} ${options.unit}${extra} (${formatSeconds(elapsedS)})`);
      return;
    }
    const fraction = Math.min(1, done / total);
    const filled = Math.round(fraction * WIDTH);
    const etaS = fraction > 0 ? elapsedS * (1 - fraction) / fraction : 0;
    options.writeError(
      `\r\x1b[2K[${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ` +
        `${(fraction * 100).toFixed(1)}% ${done}/${total} ${options.unit}${extra}, ` +
        `ETA ${formatSeconds(etaS)}`,
    );
  };
  return {
    update(done, detail) {
      const t = now();
      if (t - lastDraw < DRAW_EVERY_MS) return;
      lastDraw = t;
      draw(done, detail);
    },
    finish(done, detail) {
      draw(done, detail);
      if (drawn) options.writeError("\n");
    },
  };
}

export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}
