// The program must run from one bundled file in an empty directory (the `deno compile` shape):
// no reads of repository files at run time.
import assert from "node:assert/strict";
import { selectProber } from "../../engine/probers/mod.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const probe = await selectProber("auto");
if (probe.ok) await probe.prober.close();

Deno.test({
  name: "bundle - main.ts bundled alone runs trace from an empty directory",
  ignore: !probe.ok,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const bundle = `${dir}/pingwatcher.js`;
      const built = await new Deno.Command(Deno.execPath(), {
        args: ["bundle", "--quiet", "--platform=deno", "-o", bundle, MAIN],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
      const run = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-run=mtr-packet,ping",
          "--allow-net",
          "--allow-env",
          "--allow-sys",
          bundle,
          "trace",
          "127.0.0.1",
          "--json",
          "--count",
          "2",
          "--interval",
          "0.1",
        ],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      const report = JSON.parse(new TextDecoder().decode(run.stdout));
      assert.equal(report.samples, 2);
      assert.equal(report.hops.at(-1).ip, "127.0.0.1");
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["pingwatcher.js"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
