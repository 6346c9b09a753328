// Reading /proc and /sys. Deno lets a program read those only with --allow-all (denoland/deno
// #27564), whatever --allow-read says, and PingWatcher runs with narrower permissions. So the
// reader tries the files directly once and, when Deno refuses, reads them through one
// `grep -sH "" PATH...` per call (--allow-run=grep): every line comes back as "PATH:line", and
// files that cannot be read (speed of a virtual link) are simply missing.

/** The text of each path, or null when it could not be read. */
export type ReadFiles = (paths: string[]) => Promise<Map<string, string | null>>;

export async function directRead(paths: string[]): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  await Promise.all(paths.map(async (path) => {
    try {
      found.set(path, await Deno.readTextFile(path));
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      found.set(path, null);
    }
  }));
  return found;
}

/** Splits grep -H output back into files (longest path first, so no path shadows another). */
export function parseGrepOutput(text: string, paths: string[]): Map<string, string | null> {
  const lines = new Map<string, string[]>(paths.map((p) => [p, []]));
  const byLength = [...paths].sort((a, b) => b.length - a.length);
  for (const line of text.split("\n")) {
    const path = byLength.find((p) => line.startsWith(`${p}:`));
    if (path) lines.get(path)!.push(line.slice(path.length + 1));
  }
  return new Map(paths.map((p) => {
    const got = lines.get(p)!;
    return [p, got.length ? got.join("\n") + "\n" : null];
  }));
}

export function grepRead(command = "grep"): ReadFiles {
  return async (paths) => {
    if (paths.length === 0) return new Map();
    const output = await new Deno.Command(command, {
      args: ["-sH", "", "--", ...paths],
      stdout: "piped",
      stderr: "null",
    }).output();
    // Exit 2 only says some file could not be read; the rest is still there.
    return parseGrepOutput(new TextDecoder().decode(output.stdout), paths);
  };
}

/** Direct reads while Deno allows them, else grep from then on. */
export function autoRead(): ReadFiles {
  let reader: ReadFiles | null = null;
  return async (paths) => {
    if (reader) return await reader(paths);
    try {
      const found = await directRead(paths);
      reader = directRead;
      return found;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotCapable)) throw error;
      reader = grepRead();
      return await reader(paths);
    }
  };
}
