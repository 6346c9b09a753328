// The SQLite store in its Worker (store/worker/) beyond the shared suites, which it passes as
// "sqlite worker": a store that cannot open says why on every call and still closes; a closed one
// refuses; many targets' summaries and long lists cross whole; log lines reach the opener's sink.
import assert from "node:assert/strict";
import { setLogSink } from "../../engine/mod.ts";
import { openStore } from "../../store/mod.ts";
import { canStartWorker, storeWorkerEntry } from "../../store/worker/start.ts";
import { OPTIONS, plainRound } from "./builders.ts";
import { tempDbPath } from "./backends.ts";

const ENTRY = new URL("../../store/worker/entry.ts", import.meta.url);

/**
 * A round of now: the Worker's store runs on the real clock, and a round from T0 (the builders'
 * date, months ago) is past raw retention, which the writer's first tick (1 s after it opens)
 * deletes. Such a round read back after that tick was gone (a CI failure under load).
 */
const roundNow = (targetId: number, seq: number) => ({
  ...plainRound(targetId, seq),
  startedAt: Date.now() + seq * 2500,
});

Deno.test("store worker - a database that cannot be opened fails every call with why, and closes", async () => {
  const store = await openStore("/nonexistent-pingwatcher-dir/sub/pw.db", { worker: ENTRY });
  await assert.rejects(store.listTargets(), /unable to open|no such file|cannot open/i);
  await assert.rejects(store.summary(), /unable to open|no such file|cannot open/i);
  await store.close();
  await assert.rejects(store.listTargets(), /closed/);
});

Deno.test("store worker - a closed store refuses appends and calls", async () => {
  const path = tempDbPath();
  const store = await openStore(path, { worker: ENTRY });
  const { id } = await store.addTarget({ host: "10.0.20.1", options: OPTIONS });
  store.appendRound(roundNow(id, 0));
  await store.close();
  assert.throws(() => store.appendRound(roundNow(id, 1)), /closed/);
  await assert.rejects(store.rounds(id, {}), /closed/);
  const reopened = await openStore(path, { worker: ENTRY });
  assert.equal((await reopened.rounds(id, {})).length, 1, "the round queued before close is kept");
  await reopened.close();
});

Deno.test("store worker - 1,200 targets' list and summary cross whole and in order", async () => {
  const store = await openStore(tempDbPath(), { worker: ENTRY });
  try {
    for (let i = 0; i < 1200; i++) {
      await store.addTarget({ host: `10.1.${i >> 8}.${i & 255}`, options: OPTIONS });
    }
    const targets = await store.listTargets();
    assert.deepEqual(
      targets.map((t) => t.host),
      targets.map((_, i) => `10.1.${i >> 8}.${i & 255}`),
    );
    for (const t of targets.slice(0, 3)) store.appendRound(roundNow(t.id, 0));
    await store.flush();
    const rows = await store.summary({ sparklineMinutes: 5 });
    assert.equal(rows.length, 1200);
    assert.deepEqual(rows.map((r) => r.targetId), targets.map((t) => t.id));
    assert.equal(rows[0].sent, 1);
    assert.equal(rows[1199].sent, 0);
    assert.ok(
      rows.every((r) => r.sparkline.avgUs.length === 5 && r.sparkline.lossPct.length === 5),
    );
  } finally {
    await store.close();
  }
});

Deno.test("store worker - its log lines go through the opener's sink", async () => {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  const store = await openStore(tempDbPath(), { worker: ENTRY });
  try {
    const round = plainRound(4242, 0); // no such target: the flush drops it and warns
    store.appendRound(round);
    await store.flush();
    assert.ok(lines.some((l) => l.includes("WARN") && l.includes("unknown targets")), lines.join());
  } finally {
    await store.close();
    setLogSink((line) => Deno.stderr.writeSync(new TextEncoder().encode(line + "\n")));
  }
});

Deno.test("store worker - run from its modules it starts from entry.ts; a bundle starts from itself", async () => {
  const main = new URL("../../main.ts", import.meta.url).href;
  assert.equal(storeWorkerEntry(main), ENTRY.href);
  assert.equal(canStartWorker(ENTRY), true);
  // A bundle: start.ts's code inside one file, whose Worker must be that file.
  const dir = await Deno.makeTempDir();
  try {
    const bundle = `${dir}/bundle.js`;
    const source = `${dir}/probe.ts`;
    const start = new URL("../../store/worker/start.ts", import.meta.url).href;
    await Deno.writeTextFile(
      source,
      `import { storeWorkerEntry } from ${JSON.stringify(start)};\n` +
        `console.log(storeWorkerEntry(import.meta.url));\n`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform=deno", "-o", bundle, source],
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const run = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", bundle] }).output();
    assert.equal(new TextDecoder().decode(run.stdout).trim(), new URL(`file://${bundle}`).href);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store worker - entry.ts needs the program's folder readable, not only its own", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const dir = await Deno.makeTempDir();
  try {
    const probe = `${dir}/probe.ts`;
    await Deno.writeTextFile(
      probe,
      `import { canStartWorker } from ${JSON.stringify(`${root}store/worker/start.ts`)};\n` +
        `console.log(canStartWorker(${JSON.stringify(ENTRY.href)}));\n`,
    );
    const check = (read: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-prompt", `--allow-read=${read}`, probe],
      })
        .output().then((out) => new TextDecoder().decode(out.stdout).trim());
    assert.equal(await check(root), "true");
    assert.equal(await check(`${root}store/worker`), "false");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
