// The Prometheus text exposition format, version 0.0.4: each family's HELP and TYPE lines, then
// its samples, families in the order given. Pure text building; names are checked here so a bad
// name fails in the unit tests rather than in somebody's scraper.

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type MetricType = "counter" | "gauge" | "summary";

export type Labels = Readonly<Record<string, string>>;

export interface MetricSample {
  labels: Labels;
  value: number;
  /** Appended to the family name: "_sum" and "_count" for a summary. */
  suffix?: "_sum" | "_count";
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: MetricSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Backslash, double quote and line feed are the three characters a label value escapes. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes backslash and line feed (quotes stay as they are). */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as Prometheus parses it (Go ParseFloat plus +Inf, -Inf and NaN). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (!entries.length) return "";
  const parts = entries.map(([name, value]) => {
    if (!LABEL_NAME.test(name) || name.startsWith("__")) {
      throw new Error(`"${name}" is not a label name`);
    }
    return `${name}="${escapeLabelValue(value)}"`;
  });
  return `{${parts.join(",")}}`;
}

function checkNames(names: Iterable<string>): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!METRIC_NAME.test(name)) throw new Error(`"${name}" is not a metric name`);
    if (seen.has(name)) throw new Error(`metric family ${name} appears twice`);
    seen.add(name);
  }
}

function headerLines(family: { name: string; type: MetricType; help: string }): string {
  return `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
}

/** The whole exposition; throws on a malformed or repeated family name (a programming error). */
export function renderExposition(families: readonly MetricFamily[]): string {
  checkNames(families.map((family) => family.name));
  const lines: string[] = [];
  for (const family of families) {
    lines.push(headerLines(family));
    for (const sample of family.samples) {
      const name = family.name + (sample.suffix ?? "");
      lines.push(`${name}${labelText(sample.labels)} ${formatValue(sample.value)}\n`);
    }
  }
  return lines.join("");
}

/** A family as FamilySet keeps it: per sample the label text (shared by a hop's samples) and value. */
interface CollectedFamily {
  name: string;
  type: MetricType;
  help: string;
  labels: string[];
  values: number[];
  /** Per sample, only once a sample had a suffix. */
  suffixes: (MetricSample["suffix"] | undefined)[] | null;
}

/** Rendered text is handed out in pieces of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Collects families in the order they are declared; samples keep the order they are added. With
 * every hop of a thousand targets that is some 50,000 samples: each keeps only its value and a
 * reference to its label text (made once per labels object), and stream() renders the text piece
 * by piece as it is sent, so the exposition (megabytes) never sits in memory whole.
 */
export class FamilySet {
  readonly #families: CollectedFamily[] = [];
  #lastLabels: Labels | null = null;
  #lastText = "";

  /** Declares a family and returns the function that adds its samples. */
  add(
    name: string,
    type: MetricType,
    help: string,
  ): (labels: Labels, value: number, suffix?: MetricSample["suffix"]) => void {
    const family: CollectedFamily = { name, type, help, labels: [], values: [], suffixes: null };
    this.#families.push(family);
    return (labels, value, suffix) => {
      if (labels !== this.#lastLabels) {
        this.#lastText = labelText(labels);
        this.#lastLabels = labels;
      }
      if (suffix !== undefined) family.suffixes ??= new Array(family.values.length);
      family.suffixes?.push(suffix);
      family.labels.push(this.#lastText);
      family.values.push(value);
    };
  }

  /** Throws on a malformed or repeated family name (a programming error). */
  text(): string {
    return [...this.#pieces()].join("");
  }

  /**
   * The exposition as UTF-8, rendered piece by piece as the reader pulls. Names are checked
   * here, before anything is sent, so a programming error never ends a response half-way.
   */
  stream(): ReadableStream<Uint8Array> {
    const pieces = this.#pieces();
    const encoder = new TextEncoder();
    return new ReadableStream({
      pull(controller) {
        const next = pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    }, { highWaterMark: 0 });
  }

  /** Checks the names now, then renders on demand. */
  #pieces(): Generator<string> {
    checkNames(this.#families.map((family) => family.name));
    return this.#render();
  }

  *#render(): Generator<string> {
    let piece = "";
    for (const family of this.#families) {
      piece += headerLines(family);
      const { name, labels, values, suffixes } = family;
      for (let i = 0; i < values.length; i++) {
        piece += `${name}${suffixes?.[i] ?? ""}${labels[i]} ${formatValue(values[i])}\n`;
        if (piece.length >= CHUNK_CHARS) {
          yield piece;
          piece = "";
        }
      }
    }
    if (piece) yield piece;
  }
}
