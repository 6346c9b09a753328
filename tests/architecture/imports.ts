// The house rules as code: every relative import of the product is read from its source and
// checked against the doors (a folder with a mod.ts is entered through it) and the layers
// (engine imports nothing above it; store knows no HTTP; alerts do not import api/ or ui/).
import { dirname, join, normalize, relative } from "node:path";

export interface Import {
  /** The importing file, relative to the root, with forward slashes. */
  from: string;
  /** The imported file, relative to the root. */
  to: string;
  /** `import type` / `export type`: erased at build time. */
  typeOnly: boolean;
}

export interface Violation {
  rule: "door" | "layer";
  from: string;
  to: string;
  why: string;
}

const STATIC = /(?:^|\n)\s*(import|export)(\s+type)?\s[^;]*?\sfrom\s*["']([^"']+)["']/g;
const BARE = /(?:^|\n)\s*import\s*["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Relative imports of one source file (npm:, node: and URLs are not ours to check). */
export function importsOf(file: string, source: string): Import[] {
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith(".")) return;
    const to = normalize(join(dirname(file), specifier)).replaceAll("\\", "/");
    found.push({ from: file, to, typeOnly });
  };
  for (const m of source.matchAll(STATIC)) add(m[3], m[2] !== undefined);
  for (const m of source.matchAll(BARE)) add(m[1], false);
  for (const m of source.matchAll(DYNAMIC)) add(m[1], false);
  return found;
}

/** Folders (relative, no trailing slash) that have a mod.ts: their door. */
export function doorsOf(files: string[]): Set<string> {
  return new Set(files.filter((f) => f.endsWith("/mod.ts")).map((f) => dirname(f)));
}

function inside(file: string, folder: string): boolean {
  return file.startsWith(folder + "/");
}

/** Second doors that only types may pass: the API's wire shapes, shared with the browser. */
export const TYPE_DOORS = ["api/wire.ts"];

/**
 * The doors main.ts opens for the store's Worker: start.ts (imports nothing) starts it before the
 * rest loads; started as the Worker (a bundle), main.ts loads the store's side through serve.ts
 * and nothing of api/.
 */
export const WORKER_DOORS = ["store/worker/start.ts", "store/worker/serve.ts"];

/**
 * The engine's second door for the store only: its shared ground (ground.ts), so that the store's
 * Worker loads neither the whole engine nor zod. engine/mod.ts exports the same names.
 */
export const GROUND_DOOR = { door: "engine/ground.ts", from: "store/" };

/**
 * A door is broken when a file reaches into a folder with a mod.ts that it is not inside, past
 * that mod.ts. The outermost such folder is the door: main.ts enters api/ through api/mod.ts, not
 * api/cli/mod.ts; api/routes/x.ts enters api/core/ through api/core/mod.ts.
 */
export function doorViolations(imports: Import[], doors: Set<string>): Violation[] {
  const out: Violation[] = [];
  for (const imp of imports) {
    if (imp.typeOnly && TYPE_DOORS.includes(imp.to)) continue;
    if (imp.from === "main.ts" && WORKER_DOORS.includes(imp.to)) continue;
    if (imp.to === GROUND_DOOR.door && imp.from.startsWith(GROUND_DOOR.from)) continue;
    const door = [...doors]
      .filter((d) => inside(imp.to, d) && !inside(imp.from, d))
      .sort((a, b) => a.length - b.length)[0];
    if (door === undefined || imp.to === `${door}/mod.ts`) continue;
    out.push({
      rule: "door",
      from: imp.from,
      to: imp.to,
      why: `enter ${door}/ via ${door}/mod.ts`,
    });
  }
  return out;
}

/** Which top-level folders each layer may import (besides itself). */
const LAYERS: Record<string, { allowed: string[]; why: string }> = {
  engine: { allowed: [], why: "engine/ imports nothing above it" },
  store: { allowed: ["engine"], why: "store/ knows only the engine's types (no HTTP, no alerts)" },
  alerts: { allowed: ["engine", "store"], why: "alerts/ do not import api/ or ui/" },
  api: { allowed: ["engine", "store", "alerts", "ui"], why: "api/ is the outside" },
};

function topOf(file: string): string {
  return file.includes("/") ? file.slice(0, file.indexOf("/")) : file;
}

/** Layer rules, and the browser's: ui/ may take only types from api/'s wire module. */
export function layerViolations(imports: Import[]): Violation[] {
  const out: Violation[] = [];
  for (const imp of imports) {
    const from = topOf(imp.from);
    const to = topOf(imp.to);
    if (from === to || from === "tests") continue;
    if (from === "ui") {
      if (to === "api" && imp.typeOnly && imp.to === "api/wire.ts") continue;
      out.push({
        rule: "layer",
        from: imp.from,
        to: imp.to,
        why: "ui/ runs in the browser: it takes only `import type` from api/wire.ts",
      });
      continue;
    }
    if (from === "main.ts") {
      if (imp.to === "api/mod.ts" || WORKER_DOORS.includes(imp.to)) continue;
      out.push({
        rule: "layer",
        from: imp.from,
        to: imp.to,
        why: "main.ts only dispatches (api/, or the store's Worker)",
      });
      continue;
    }
    const layer = LAYERS[from];
    if (layer && !layer.allowed.includes(to)) {
      out.push({ rule: "layer", from: imp.from, to: imp.to, why: layer.why });
    }
  }
  return out;
}

const PRODUCT = ["main.ts", "engine", "store", "api", "alerts", "ui"];
const SKIP = ["ui/dist/"];

/** Every product source file under root, relative with forward slashes. */
export async function productFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).replaceAll("\\", "/");
      if (SKIP.some((s) => rel.startsWith(s))) continue;
      if (entry.isDirectory) await walk(path);
      else if (/\.tsx?$/.test(entry.name)) files.push(rel);
    }
  }
  for (const top of PRODUCT) {
    const stat = await Deno.stat(join(root, top));
    if (stat.isDirectory) await walk(join(root, top));
    else files.push(top);
  }
  return files.sort();
}

/**
 * What loading `entry` loads before any of its code runs: the closure of its static imports (not
 * `import type`, not `import()`), as product files (relative to root) and the packages they name
 * (bare and npm: specifiers; node: built-ins are left out).
 */
export async function staticLoad(
  root: string,
  entry: string,
): Promise<{ files: Set<string>; packages: Set<string> }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = await Deno.readTextFile(join(root, file));
    const specifiers = [
      ...[...source.matchAll(STATIC)].filter((m) => m[2] === undefined).map((m) => m[3]),
      ...[...source.matchAll(BARE)].map((m) => m[1]),
    ];
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) {
        queue.push(normalize(join(dirname(file), specifier)).replaceAll("\\", "/"));
      } else if (!specifier.startsWith("node:")) packages.add(specifier);
    }
  }
  return { files, packages };
}

/** All violations in the tree at root. */
export async function checkTree(root: string): Promise<Violation[]> {
  const files = await productFiles(root);
  const imports: Import[] = [];
  for (const file of files) {
    imports.push(...importsOf(file, await Deno.readTextFile(join(root, file))));
  }
  return [...doorViolations(imports, doorsOf(files)), ...layerViolations(imports)];
}
