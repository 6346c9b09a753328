// `pingwatcher --db postgres://… --headless` starts on a fresh PostgreSQL database, serves the API,
// and keeps its files (alerts.json) in the data directory, not in dirname(URL).
import assert from "node:assert/strict";
import { PG_PASSWORD, PG_SKIP_REASON, pgServer } from "./pg_server.ts";

Deno.test({
  name: "postgres serve - the server starts and serves from a fresh PostgreSQL database",
  ignore: PG_SKIP_REASON !== null,
  async fn() {
    const server = pgServer()!;
    const url = server.url(server.createDatabase());
    const home = Deno.makeTempDirSync({ prefix: "pingwatcher-pg-serve-" });
    const cwd = Deno.makeTempDirSync({ prefix: "pingwatcher-pg-cwd-" });
    const main = new URL("../../main.ts", import.meta.url).pathname;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "--db", url, "--headless", "--port", "0"],
      cwd,
      env: { XDG_DATA_HOME: home, HOME: home, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let output = "";
    try {
      const decoder = new TextDecoder();
      // Log lines (the "listening" one too) go to stderr; stdout is collected beside them.
      const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      const stdout = (async () => {
        for await (const chunk of child.stdout) output += decoder.decode(chunk);
      })();
      let base: string | null = null;
      while (!base) {
        const { value, done } = await reader.read();
        if (done) break;
        output += value;
        base = /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? null;
      }
      assert.ok(base, `the server said where it listens:\n${output}`);
      const targets = await fetch(`${base}/api/targets`);
      assert.equal(targets.status, 200);
      assert.deepEqual(await targets.json(), { targets: [] });
      const created = await fetch(`${base}/api/targets`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ host: "127.0.0.1" }),
      });
      assert.ok(
        created.status < 300,
        `POST /api/targets: ${created.status} ${await created.text()}`,
      );
      const listed = await (await fetch(`${base}/api/targets`)).json();
      assert.equal(listed.targets.length, 1);
      assert.doesNotMatch(output, new RegExp(PG_PASSWORD), "the password is never logged");
      assert.deepEqual([...Deno.readDirSync(cwd)], [], "nothing is written beside a URL");
      child.kill("SIGTERM");
      await child.status;
      await stdout;
      reader.releaseLock();
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
      Deno.removeSync(home, { recursive: true });
      Deno.removeSync(cwd, { recursive: true });
    }
  },
});

Deno.test("postgres serve - a database server that is down: exit 6, the reason, no password", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const home = Deno.makeTempDirSync({ prefix: "pingwatcher-pg-down-" });
  try {
    const main = new URL("../../main.ts", import.meta.url).pathname;
    const url = `postgres://u:${PG_PASSWORD}@127.0.0.1:${port}/pw?sslmode=disable`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "--db", url, "--headless", "--port", "0"],
      env: { XDG_DATA_HOME: home, HOME: home, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 6, text);
    assert.match(text, /the database cannot be opened: .*ECONNREFUSED/);
    assert.doesNotMatch(text, new RegExp(PG_PASSWORD));
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
});
