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

/** The whole exposition; throws on a malformed or repeated family name (a programming error). */
export function renderExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new Error(`"${family.name}" is not a metric name`);
    if (seen.has(family.name)) throw new Error(`metric family ${family.name} appears twice`);
    seen.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const name = family.name + (sample.suffix ?? "");
      lines.push(`${name}${labelText(sample.labels)} ${formatValue(sample.value)}`);
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Collects families in the order they are declared; samples keep the order they are added. */
export class FamilySet {
  readonly #families: MetricFamily[] = [];

  /** Declares a family and returns the function that adds its samples. */
  add(
    name: string,
    type: MetricType,
    help: string,
  ): (labels: Labels, value: number, suffix?: MetricSample["suffix"]) => void {
    const family: MetricFamily = { name, type, help, samples: [] };
    this.#families.push(family);
    return (labels, value, suffix) => family.samples.push({ labels, value, suffix });
  }

  get families(): readonly MetricFamily[] {
    return this.#families;
  }

  text(): string {
    return renderExposition(this.#families);
  }
}
