// Reads pingwatcher.yaml (or JSON, which YAML 1.2 reads as it is) and validates it with the API's
// schemas (schema.ts), then with the checks that need the whole file (checks.ts). Every problem is
// collected, each pointing at its line and column, before the caller decides anything: the server
// exits 2 on them before probing, a reload keeps running on the previous file.
import { type Document, isMap, LineCounter, parseDocument } from "yaml";
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

/** The YAML document of `text` with a line counter for its offsets. */
function parseYaml(
  text: string,
): { doc: Document; pos(offset: number): { line: number; col: number } } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return { doc, pos: (offset: number) => lines.linePos(offset) };
}

/** Validates config text; `path` is only used to name the file in errors. */
export function parseConfigText(text: string, path: string): LoadedConfig {
  let parsedYaml: ReturnType<typeof parseYaml> | null = parseYaml(text);
  const { doc, pos } = parsedYaml;
  if (doc.errors.length) {
    throw new ConfigError(doc.errors.map((error) => ({
      file: path,
      ...pos(error.pos[0]),
      field: "",
      reason: `not valid YAML: ${error.message.split("\n")[0]}`,
    })));
  }
  // The document (a node per scalar: megabytes for a thousand targets) is dropped once the file
  // is validated and parsed again from the text only if a later check asks for a position.
  const locate = (field: FieldPath) => {
    parsedYaml ??= parseYaml(text);
    return locateIn(parsedYaml.doc, field, parsedYaml.pos);
  };
  const issueAt = (field: FieldPath, reason: string): ConfigIssue => ({
    file: path,
    ...locate(field),
    field: fieldName(field),
    reason,
  });
  const raw = doc.toJS() ?? {};
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
  parsedYaml = null;
  return { path, data: parsed.data, locate, issueAt };
}

/** The node at a path (a key's own position for map entries), else its nearest ancestor's. */
function locateIn(
  doc: Document,
  field: FieldPath,
  pos: (offset: number) => { line: number; col: number },
): { line: number; col: number } {
  for (let depth = field.length; depth >= 0; depth--) {
    const parentPath = field.slice(0, depth - 1);
    const last = field[depth - 1];
    const parent = depth === 0
      ? null
      : parentPath.length
      ? doc.getIn(parentPath, true)
      : doc.contents;
    if (depth > 0 && isMap(parent)) {
      // The key itself: for `interval: 0.01` the error points at `interval`, like an editor.
      const pair = parent.items.find((item) =>
        (item.key as { value?: unknown } | null)?.value === last
      );
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return pos(range[0]);
      continue;
    }
    const node = depth === 0 ? doc.contents : doc.getIn(field.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return pos(range[0]);
  }
  return { line: 1, col: 1 };
}

function keyPath(path: readonly PropertyKey[]): FieldPath {
  return path.map((part) => typeof part === "number" ? part : String(part));
}
