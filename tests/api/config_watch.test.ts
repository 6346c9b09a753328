// Following the config file while the server runs (real timers, a short pollMs): an editor's
// save by rename is reloaded once, writes to another file in the same directory (the database's
// -wal beside pingwatcher.yaml) reload nothing, and a file that disappears and comes back is
// reloaded each time. The tests wait on onReload, never on the clock.
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigReloader, type ReloadOutcome } from "../../api/cli/config/mod.ts";
import { setup } from "./helpers.ts";

const POLL_MS = 10;
const DEBOUNCE_MS = 50;

function file(label: string): string {
  return `targets:\n  - host: 127.0.0.1\n    label: ${label}\n`;
}

/** A reloader on dir/pingwatcher.yaml whose outcomes are counted and can be waited for. */
async function following(
  run: (scene: {
    dir: string;
    path: string;
    reloads: ReloadOutcome[];
    nextReload(): Promise<ReloadOutcome>;
    label(): Promise<string>;
  }) => Promise<void>,
): Promise<void> {
  const t = await setup();
  const dir = await Deno.makeTempDir();
  const path = join(dir, "pingwatcher.yaml");
  await Deno.writeTextFile(path, file("v1"));
  const reloads: ReloadOutcome[] = [];
  const waiting: ((outcome: ReloadOutcome) => void)[] = [];
  const reloader = new ConfigReloader({
    location: { path, named: true },
    service: t.app.service,
    prober: t.fake,
    pollMs: POLL_MS,
    debounceMs: DEBOUNCE_MS,
    onReload: (outcome) => {
      reloads.push(outcome);
      waiting.shift()?.(outcome);
    },
  });
  try {
    assert.equal((await reloader.reload("start")).ok, true);
    reloads.length = 0;
    reloader.watch();
    await run({
      dir,
      path,
      reloads,
      nextReload: () => new Promise((resolve) => waiting.push(resolve)),
      label: async () => (await t.call("GET", "/api/targets")).json.targets[0].label,
    });
  } finally {
    reloader.stop();
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("config watch - an editor's save by rename over the file is reloaded once", async () => {
  await following(async ({ dir, path, reloads, nextReload, label }) => {
    const temp = join(dir, ".pingwatcher.yaml.swp");
    await Deno.writeTextFile(temp, file("v2"));
    const renamed = nextReload();
    await Deno.rename(temp, path);
    const outcome = await renamed;
    assert.deepEqual(outcome.result?.changed, ["127.0.0.1"]);
    assert.equal(await label(), "v2");

    // A plain save in place afterwards: had the rename been reloaded twice, three would be heard.
    const edited = nextReload();
    await Deno.writeTextFile(path, file("v3"));
    assert.deepEqual((await edited).result?.changed, ["127.0.0.1"]);
    assert.equal(await label(), "v3");
    assert.equal(reloads.length, 2, "one reload per save");
  });
});

Deno.test("config watch - the database's -wal written beside it reloads nothing", async () => {
  await following(async ({ dir, path, reloads, nextReload, label }) => {
    const wal = join(dir, "pingwatcher.db-wal");
    for (let i = 0; i < 50; i++) {
      await Deno.writeTextFile(wal, `frame ${i}\n`, { append: true });
    }
    // Not needed for this test to pass, but without it the test could not fail: a reload caused
    // by the writes above would merge into the edit's debounce below instead of being heard.
    await new Promise((resolve) => setTimeout(resolve, 5 * (POLL_MS + DEBOUNCE_MS)));
    const edited = nextReload();
    await Deno.writeTextFile(path, file("v2"));
    const outcome = await edited;
    assert.deepEqual(outcome.result?.changed, ["127.0.0.1"]);
    assert.equal(await label(), "v2");
    assert.equal(reloads.length, 1, "the edit's reload and nothing else");
  });
});

Deno.test("config watch - a file that disappears and comes back is reloaded", async () => {
  await following(async ({ path, reloads, nextReload, label }) => {
    const removed = nextReload();
    await Deno.remove(path);
    const gone = await removed;
    assert.equal(gone.ok, false, "a deleted file is reported and changes nothing");
    assert.match(gone.problems?.join("\n") ?? "", /does not exist/);
    assert.equal(await label(), "v1");

    const created = nextReload();
    await Deno.writeTextFile(path, file("v2"));
    const back = await created;
    assert.equal(back.ok, true);
    assert.deepEqual(back.result?.changed, ["127.0.0.1"]);
    assert.equal(await label(), "v2");
    assert.equal(reloads.length, 2, "one reload for the deletion, one for the new file");
  });
});
