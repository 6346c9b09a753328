// What each thread of the server loads at its start (the closure of static imports, which Deno
// loads before any code runs): every module loaded costs its source and code in that thread's
// heap for as long as the process lives (README, "Memory").
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { staticLoad } from "./imports.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

Deno.test("loads - the store's Worker loads the store and the engine's ground: no prober, no zod", async () => {
  const { files, packages } = await staticLoad(ROOT, "store/worker/entry.ts");
  assert.ok(files.has("store/sqlite/store.ts"), "the walk reaches the SQLite store");
  assert.deepEqual([...packages], [], "no npm package (zod, postgres) in the Worker");
  const beyond = [...files].filter((file) =>
    /^(api|alerts|ui)\//.test(file) || /^engine\/(mod|options|engine)\.ts$/.test(file) ||
    file.startsWith("engine/probers/") || file.startsWith("store/postgres/")
  );
  assert.deepEqual(beyond, []);
});

Deno.test("loads - the engine's thread loads neither storage backend (openStore loads the one it opens)", async () => {
  for (const entry of ["api/mod.ts", "api/cli/serve.ts"]) {
    const { files, packages } = await staticLoad(ROOT, entry);
    assert.ok(files.has("store/open.ts"), `${entry} reaches openStore`);
    const backends = [...files].filter((f) => /^store\/(sqlite|postgres)\//.test(f));
    assert.deepEqual(backends, [], entry);
    assert.ok(!packages.has("postgres"), `${entry} loads no PostgreSQL driver`);
  }
});
