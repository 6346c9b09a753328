// Builds the browser bundle ui/dist/app.js from ui/main.tsx with `deno bundle` (esbuild), unless
// the sources have not changed since the last build (a stamp of their hash sits beside it).
// ui/serve.ts embeds the result with a text import, so the program needs no files at run time.
// Usage: deno run -A ui/build.ts [--force]
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const UI_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(UI_DIR);
const DIST = join(UI_DIR, "dist");
const OUT = join(DIST, "app.js");
const STAMP = join(DIST, "stamp");

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && path !== DIST) out.push(...await sourceFiles(path));
    else if (entry.isFile && /\.(tsx?|css)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** SHA-256 over the UI sources, deno.json and deno.lock: what the bundle depends on. */
export async function sourceHash(): Promise<string> {
  const files = (await sourceFiles(UI_DIR)).sort();
  for (const extra of ["deno.json", "deno.lock"]) files.push(join(ROOT, extra));
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (const file of files) {
    parts.push(encoder.encode(relative(ROOT, file)));
    try {
      parts.push(await Deno.readFile(file));
    } catch {
      // deno.lock may be missing on a fresh clone: the hash simply differs.
    }
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function readText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

export async function buildUi(
  options: { force?: boolean; quiet?: boolean } = {},
): Promise<boolean> {
  const hash = await sourceHash();
  if (!options.force && (await readText(STAMP)) === hash && (await readText(OUT)) !== null) {
    return false;
  }
  await Deno.mkdir(DIST, { recursive: true });
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform=browser",
      "--minify",
      join(UI_DIR, "main.tsx"),
      "-o",
      OUT,
    ],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!result.success) throw new Error("deno bundle failed");
  await Deno.writeTextFile(STAMP, hash);
  if (!options.quiet) {
    const size = (await Deno.stat(OUT)).size;
    console.error(`ui: built ${relative(ROOT, OUT)} (${Math.round(size / 1024)} KiB)`);
  }
  return true;
}

if (import.meta.main) {
  try {
    await buildUi({ force: Deno.args.includes("--force") });
  } catch (error) {
    console.error(`ui: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
