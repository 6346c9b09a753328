// Config file errors in one format, like a compiler's: `FILE:LINE:COL FIELD: REASON`, where FIELD
// is the path inside the file (`targets[2].interval`) and REASON is said in the operator's words
// (`must be >= 0.1`) rather than the validator's.
import type { z } from "zod";

export type FieldPath = readonly (string | number)[];

export interface ConfigIssue {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole. */
  line: number;
  col: number;
  /** `targets[2].interval`, or "" for the whole file. */
  field: string;
  reason: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ConfigError";
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : issue.file;
  return issue.field ? `${where} ${issue.field}: ${issue.reason}` : `${where}: ${issue.reason}`;
}

/** `["targets", 2, "interval"]` → `targets[2].interval`. */
export function fieldName(path: FieldPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

/** A zod issue's reason, in the form the README documents. */
export function reasonOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_small":
      return bound(issue.origin, issue.minimum, issue.inclusive ?? false, ">");
    case "too_big":
      return bound(issue.origin, issue.maximum, issue.inclusive ?? false, "<");
    case "invalid_type": {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      if (received === "undefined") return "is required";
      const got = received ? ` (got ${received})` : "";
      return `must be ${article(issue.expected)}${got}`;
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return "unknown field";
    default:
      return issue.message;
  }
}

function bound(
  origin: string,
  limit: number | bigint,
  inclusive: boolean,
  sign: ">" | "<",
): string {
  const op = sign + (inclusive ? "=" : "");
  if (origin === "string") {
    return sign === ">"
      ? `must have at least ${limit} character(s)`
      : `must have at most ${limit} character(s)`;
  }
  if (origin === "array") {
    return sign === ">"
      ? `must have at least ${limit} item(s)`
      : `must have at most ${limit} item(s)`;
  }
  return `must be ${op} ${limit}`;
}

function article(type: string): string {
  if (type === "object") return "a mapping (key: value)";
  if (type === "array") return "a list";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
