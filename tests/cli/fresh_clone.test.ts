// The README's `deno run … main.ts trace HOST` must work on a fresh clone, before any build step:
// only the serving command imports the UI bundle (ui/dist/ is not tracked).
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { ROOT } from "./run.ts";

async function trackedFiles(): Promise<string[]> {
  const out = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: ROOT }).output();
  assert.equal(out.code, 0, "git ls-files failed");
  return new TextDecoder().decode(out.stdout).split("\0").filter(Boolean);
}

Deno.test("fresh clone - trace 127.0.0.1 --json runs without ui/dist", async () => {
  const clone = await Deno.makeTempDir({ prefix: "pingwatcher-clone-" });
  for (const file of await trackedFiles()) {
    assert.ok(!file.startsWith("ui/dist/"), "ui/dist is never tracked");
    try {
      await Deno.mkdir(dirname(join(clone, file)), { recursive: true });
      await Deno.copyFile(join(ROOT, file), join(clone, file));
    } catch (error) {
      // A file deleted in the work tree but still in the index is not part of a clone here.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "trace", "127.0.0.1", "--count", "2", "--json"],
    cwd: clone,
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const result = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(result.target, "127.0.0.1");
  assert.ok(Array.isArray(result.hops) && result.hops.length >= 1);
  assert.ok(!(await exists(join(clone, "ui/dist"))), "no build step ran");
  await Deno.remove(clone, { recursive: true });
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
