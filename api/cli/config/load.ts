// Reads pingwatcher.yaml (or JSON, which YAML 1.2 reads as it is) and validates it with the API's
// schemas (schema.ts), then with the checks that need the whole file (checks.ts). Every problem is
// collected, each pointing at its line and column, before the caller decides anything: the server
// exits 2 on them before probing, a reload keeps running on the previous file.
//
// js-yaml reads the file with YAML 1.2's core schema (a thousand targets in ~10 ms; the yaml
// package took ~70 ms to parse and ~30 ms to load, of the server's start); a problem's place
// comes from js-yaml's events of the text (positions.ts), read only when there is a problem.
import { load as loadYaml, YAMLException } from "js-yaml";
import { fieldLocator } from "./positions.ts";
import { ConfigError, type ConfigIssue, fieldName, type FieldPath, reasonOf } from "./errors.ts";
import { crossChecks } from "./checks.ts";
import { type ConfigFile, configFileSchema } from "./schema.ts";

export interface LoadedConfig {
  /** The path as given (errors name it this way). */
  path: string;
  data: ConfigFile;
  /** The line and column of a field (or of its nearest enclosing one that is in the file). */
  locate(path: FieldPath): { line: number; col: number };
  /** An issue at a field, for checks made later (e.g. against the database). */
  issueAt(path: FieldPath, reason: string): ConfigIssue;
}

/** Reads and validates the file; a missing file is null, any problem a ConfigError. */
export async function loadConfigFile(path: string): Promise<LoadedConfig | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (error instanceof Deno.errors.IsADirectory) {
      throw new ConfigError([{ file: path, line: 0, col: 0, field: "", reason: "is a directory" }]);
    }
    throw new ConfigError([{
      file: path,
      line: 0,
      col: 0,
      field: "",
      reason: `cannot be read: ${(error as Error).message}`,
    }]);
  }
  return parseConfigText(text, path);
}

/** The file's data (null for an empty file); text that is not YAML is a ConfigError. */
function readYaml(text: string, path: string): unknown {
  // js-yaml wants a document: a file of nothing but comments is an empty config.
  if (!/^\s*[^#\s]/m.test(text)) return null;
  try {
    return loadYaml(text, { filename: path });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const mark = error.mark;
    throw new ConfigError([{
      file: path,
      line: mark ? mark.line + 1 : 0,
      col: mark ? mark.column + 1 : 0,
      field: "",
      reason: `not valid YAML: ${error.reason}`,
    }]);
  }
}

/** Validates config text; `path` is only used to name the file in errors. */
export function parseConfigText(text: string, path: string): LoadedConfig {
  const raw = readYaml(text, path) ?? {};
  const locate = fieldLocator(text);
  const issueAt = (field: FieldPath, reason: string): ConfigIssue => ({
    file: path,
    ...locate(field),
    field: fieldName(field),
    reason,
  });
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap((issue) => {
      if (issue.code !== "unrecognized_keys") {
        return [issueAt(keyPath(issue.path), reasonOf(issue))];
      }
      return issue.keys.map((key) =>
        issueAt([...keyPath(issue.path), String(key)], "unknown field")
      );
    }));
  }
  const problems = crossChecks(parsed.data).map((p) => issueAt(p.path, p.reason));
  if (problems.length) throw new ConfigError(problems);
  return { path, data: parsed.data, locate, issueAt };
}

function keyPath(path: readonly PropertyKey[]): FieldPath {
  return path.map((part) => typeof part === "number" ? part : String(part));
}
