// Colours for command output: only when stdout is a terminal, NO_COLOR is unset (any value,
// even empty, turns them off: https://no-color.org) and the output is not --json.

export interface Style {
  enabled: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function colorsWanted(io: { isTty: boolean; env: Record<string, string> }, json = false) {
  return io.isTty && !json && io.env.NO_COLOR === undefined;
}

export function styleFor(enabled: boolean): Style {
  const wrap = (code: string) => (text: string) => enabled ? `\x1b[${code}m${text}\x1b[0m` : text;
  return {
    enabled,
    green: wrap("32"),
    red: wrap("31"),
    yellow: wrap("33"),
    dim: wrap("2"),
    bold: wrap("1"),
  };
}

/** Pads to a width, ignoring colour codes. */
export function pad(text: string, width: number): string {
  // deno-lint-ignore no-control-regex
  const visible = text.replace(/\x1b\[[0-9;]*m/g, "").length;
  return text + " ".repeat(Math.max(0, width - visible));
}

/** A plain text table: columns padded to their widest cell. */
export function table(rows: string[][]): string {
  // deno-lint-ignore no-control-regex
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => plain(r[i] ?? "").length)));
  return rows.map((r) =>
    r.map((cell, i) => i === r.length - 1 ? cell : pad(cell, widths![i]))
      .join("  ").trimEnd()
  ).join("\n") + "\n";
}
