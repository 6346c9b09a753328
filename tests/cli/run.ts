// Runs main.ts as a user does: a subprocess with the permissions of `deno task start`.
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const MAIN = ROOT + "main.ts";

/** The permission flags of `deno task start`, read from deno.json so they cannot drift. */
export async function taskPermissions(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(ROOT + "deno.json"));
  const start: string = config.tasks.start;
  return start.split(" ").filter((word) => word.startsWith("--allow-"));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMain(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<RunResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...(await taskPermissions()), MAIN, ...args],
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}
