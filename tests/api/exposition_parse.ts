// An independent reader of the Prometheus text format for the tests: it reads back what
// api/exposition.ts wrote (label escapes included) and finds samples by name and labels.

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: ParsedSample[];
}

function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  const value = Number(text);
  if (text === "" || Number.isNaN(value)) throw new Error(`bad value "${text}"`);
  return value;
}

/** Reads `{a="x",b="y\"z"}` from `line` at `i` (just after the "{"); returns labels and the end. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start;
  while (line[i] !== "}") {
    const eq = line.indexOf("=", i);
    const name = line.slice(i, eq);
    if (line[eq + 1] !== '"') throw new Error(`unquoted label value in ${line}`);
    let value = "";
    let j = eq + 2;
    for (; line[j] !== '"'; j++) {
      if (j >= line.length) throw new Error(`unterminated label value in ${line}`);
      if (line[j] !== "\\") {
        value += line[j];
        continue;
      }
      const next = line[++j];
      value += next === "n" ? "\n" : next;
    }
    labels[name] = value;
    i = j + 1;
    if (line[i] === ",") i++;
  }
  return { labels, end: i + 1 };
}

export function parseExposition(text: string): ParsedExposition {
  const out: ParsedExposition = { help: new Map(), type: new Map(), samples: [] };
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const text = meta[1] === "HELP"
        ? meta[3].replace(/\\(\\|n)/g, (_, c) => c === "n" ? "\n" : "\\")
        : meta[3];
      (meta[1] === "HELP" ? out.help : out.type).set(meta[2], text);
      continue;
    }
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (!name) throw new Error(`bad line: ${line}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) {
      const parsed = parseLabels(line, name.length + 1);
      labels = parsed.labels;
      rest = line.slice(parsed.end);
    }
    out.samples.push({ name, labels, value: parseValue(rest.trim()) });
  }
  return out;
}

/** The one sample of `name` whose labels include `labels`; throws if there is none or several. */
export function sampleOf(
  parsed: ParsedExposition,
  name: string,
  labels: Record<string, string> = {},
): number {
  const found = parsed.samples.filter((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  );
  if (found.length !== 1) {
    throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  }
  return found[0].value;
}
