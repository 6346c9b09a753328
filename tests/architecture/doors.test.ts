// The doors and layers of DESIGN.md, enforced: the product's own imports, and the checker itself
// on deliberately wrong imports (so a checker that finds nothing cannot pass by accident).
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkTree, doorsOf, doorViolations, importsOf, layerViolations } from "./imports.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

Deno.test("architecture - every import goes through a door and keeps to its layer", async () => {
  const violations = await checkTree(ROOT);
  const lines = violations.map((v) => `${v.from} -> ${v.to}: ${v.why}`);
  assert.deepEqual(lines, []);
});

Deno.test("architecture - the parser reads static, type-only, multi-line and dynamic imports", () => {
  const source = [
    `import { a } from "./a.ts";`,
    `import type { B } from "../store/b.ts";`,
    `export {\n  c,\n  d,\n} from "./c.ts";`,
    `import "./side.ts";`,
    `const ui = await import("../ui/serve.ts");`,
    `import { z } from "zod";`,
  ].join("\n");
  assert.deepEqual(importsOf("api/x.ts", source), [
    { from: "api/x.ts", to: "api/a.ts", typeOnly: false },
    { from: "api/x.ts", to: "store/b.ts", typeOnly: true },
    { from: "api/x.ts", to: "api/c.ts", typeOnly: false },
    { from: "api/x.ts", to: "api/side.ts", typeOnly: false },
    { from: "api/x.ts", to: "ui/serve.ts", typeOnly: false },
  ]);
});

Deno.test("architecture - a deliberately wrong import is caught by door and by layer", () => {
  const files = ["engine/mod.ts", "engine/types.ts", "api/mod.ts", "api/core/mod.ts"];
  const doors = doorsOf(files);
  const wrong = [
    ...importsOf("store/x.ts", `import type { Round } from "../engine/types.ts";`),
    ...importsOf("main.ts", `import { main } from "./api/core/mod.ts";`),
    ...importsOf("api/routes/t.ts", `import { core } from "../core/service.ts";`),
  ];
  assert.deepEqual(doorViolations(wrong, doors).map((v) => v.why), [
    "enter engine/ via engine/mod.ts",
    "enter api/ via api/mod.ts",
    "enter api/core/ via api/core/mod.ts",
  ]);
  const right = [
    ...importsOf("store/x.ts", `import type { Round } from "../engine/mod.ts";`),
    ...importsOf("api/routes/t.ts", `import { core } from "../core/mod.ts";`),
    ...importsOf("engine/cli.ts", `import { x } from "./types.ts";`),
  ];
  assert.deepEqual(doorViolations(right, doors), []);
  const layered = [
    ...importsOf("engine/x.ts", `import { openStore } from "../store/mod.ts";`),
    ...importsOf("store/x.ts", `import { handler } from "../api/mod.ts";`),
    ...importsOf("alerts/x.ts", `import { ApiError } from "../api/mod.ts";`),
    ...importsOf("ui/x.ts", `import { createHandler } from "../api/mod.ts";`),
    ...importsOf("ui/y.ts", `import type { TargetView } from "../api/wire.ts";`),
  ];
  assert.deepEqual(layerViolations(layered).map((v) => v.from), [
    "engine/x.ts",
    "store/x.ts",
    "alerts/x.ts",
    "ui/x.ts",
  ]);
});
