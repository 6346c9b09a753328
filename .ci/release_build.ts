// Builds the PingWatcher binary with `deno compile`: for this machine (`--host`, what
// `deno task compile` runs) or for the five release targets (`--all`, `deno task compile:all`),
// then writes SHA256SUMS next to them. The permissions compiled in are the start task's, read
// from deno.json so the binary and `deno task start` cannot drift apart. The UI bundle (a text
// import of ui/dist/app.js) and the SQLite migrations (TypeScript modules) are part of the
// module graph, so every binary carries them; the store's Worker entry is included by name.
// `--dry-run` prints the commands without running them (deno compile downloads each target's
// runtime from dl.deno.land).
//
//   deno run -A .ci/release_build.ts --host [--out DIR]
//   deno run -A .ci/release_build.ts --all [--out DIR] [--dry-run]
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The release targets: Deno's target triple and the file name of the binary. */
export const TARGETS = [
  { target: "x86_64-unknown-linux-gnu", file: "pingwatcher-linux-x64" },
  { target: "aarch64-unknown-linux-gnu", file: "pingwatcher-linux-arm64" },
  { target: "x86_64-apple-darwin", file: "pingwatcher-macos-x64" },
  { target: "aarch64-apple-darwin", file: "pingwatcher-macos-arm64" },
  { target: "x86_64-pc-windows-msvc", file: "pingwatcher-windows-x64.exe" },
] as const;

/** The runtime flags of `deno task start` (--v8-flags and every --allow-*). */
export function startFlags(denoJson: string): string[] {
  const start: string = JSON.parse(denoJson).tasks.start;
  const run = start.slice(start.indexOf("deno run"));
  return run.split(/\s+/).filter((w) => w.startsWith("--allow-") || w.startsWith("--v8-flags="));
}

function compileArgs(flags: string[], output: string, target?: string): string[] {
  return [
    "compile",
    ...(target ? ["--target", target] : []),
    ...flags,
    // The store's Worker starts from its own entry (store/worker/start.ts), which no import
    // reaches: deno compile embeds a Worker's module only when told to.
    "--include",
    `${ROOT}store/worker/entry.ts`,
    "--output",
    output,
    `${ROOT}main.ts`,
  ];
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      host: { type: "boolean", default: false },
      all: { type: "boolean", default: false },
      out: { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.host === values.all) {
    console.error("release_build: give exactly one of --host or --all");
    return 2;
  }
  const flags = startFlags(await Deno.readTextFile(`${ROOT}deno.json`));
  const out = values.out ?? (values.host ? ROOT : `${ROOT}.ci/out/`);
  const dir = out.endsWith("/") ? out : `${out}/`;
  const builds = values.host
    ? [{ target: undefined, file: Deno.build.os === "windows" ? "pingwatcher.exe" : "pingwatcher" }]
    : TARGETS.map((t) => ({ target: t.target as string | undefined, file: t.file as string }));
  if (!values["dry-run"]) await Deno.mkdir(dir, { recursive: true });
  for (const build of builds) {
    const args = compileArgs(flags, `${dir}${build.file}`, build.target);
    console.log(`deno ${args.join(" ")}`);
    if (values["dry-run"]) continue;
    const status = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT }).spawn().status;
    if (!status.success) {
      console.error(`release_build: deno compile for ${build.target ?? "this machine"} failed`);
      return 1;
    }
  }
  if (values["dry-run"] || values.host) return 0;
  const sums = await Promise.all(
    builds.map(async (b) => `${await sha256(dir + b.file)}  ${b.file}`),
  );
  await Deno.writeTextFile(`${dir}SHA256SUMS`, sums.join("\n") + "\n");
  console.log(sums.join("\n"));
  return 0;
}

if (import.meta.main) Deno.exit(await main());
