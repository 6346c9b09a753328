// The UI takes the server's wire shapes from api/wire.ts, a module of types only, and draws
// every alert action from the registry's form descriptors: these checks keep both honest.
import assert from "node:assert/strict";
import { actionForms, actionSchema } from "../../alerts/mod.ts";
import {
  actionDraftOf,
  actionSpecOf,
  formFor,
  newActionDraft,
  Reader,
} from "../../ui/model/alerts_action_draft.ts";

const root = new URL("../../", import.meta.url);

Deno.test("ui wire - api/wire.ts holds only types, and the UI imports it as types", async () => {
  const wire = await Deno.readTextFile(new URL("api/wire.ts", root));
  const statements = wire.split("\n").filter((l) => /^(import|export)\b/.test(l));
  assert.ok(statements.length > 5);
  for (const line of statements) {
    assert.match(line, /^(import type|export type|export interface)\b/, line);
  }
  const ui = new URL("ui/", root);
  for await (const file of walk(ui)) {
    const source = await Deno.readTextFile(file);
    for (const m of source.matchAll(/^import (.*?) from "([^"]+)";/gms)) {
      if (!m[2].includes("/api/") && !m[2].includes("/alerts/") && !m[2].includes("/engine/")) {
        continue;
      }
      assert.match(m[0], /^import type /, `${file.pathname}: ${m[0].split("\n")[0]}`);
    }
  }
});

Deno.test("ui wire - every reply the UI reads is typed by a wire type, not a copy", async () => {
  let calls = 0;
  for await (const file of walk(new URL("ui/", root))) {
    if (file.pathname.endsWith("/ui/model/api.ts")) continue; // the client: generic in T
    const source = await Deno.readTextFile(file);
    const wire = new Set<string>();
    for (const m of source.matchAll(/^import type \{([^}]*)\} from "[./]*api\/wire\.ts";/gm)) {
      for (const name of m[1].split(",")) wire.add(name.trim().split(/\s+as\s+/).pop()!);
    }
    for (const m of source.matchAll(/\b(?:get|post|patch|del|request)<([^>(]+)>\(/g)) {
      calls++;
      assert.ok(wire.has(m[1].trim()), `${file.pathname}: ${m[0]} names no type from api/wire.ts`);
    }
    // A reply that is read (assigned or used in place) names its type.
    const untyped = source.match(/(?:=|\(|return)\s*await (?:get|post|patch|request)\(/);
    assert.equal(untyped, null, `${file.pathname}: a reply read without its wire type`);
  }
  assert.ok(calls > 10);
});

Deno.test("ui wire - the bundle carries no server code", async () => {
  const bundle = await Deno.readTextFile(new URL("ui/dist/app.js", root));
  for (const server of ["nodemailer", "node:sqlite", "Deno.Command", "ruleSpecSchema", "zod"]) {
    assert.ok(!bundle.includes(server), `the bundle mentions ${server}`);
  }
});

Deno.test("ui action draft - a new action starts from its descriptor", () => {
  const forms = actionForms();
  const email = newActionDraft(formFor(forms, "email"));
  assert.deepEqual(email.values, {
    to: "",
    cc: "",
    subjectPrefix: "",
    evidence: true,
    image: "png",
  });
  const hook = newActionDraft(formFor(forms, "webhook"));
  assert.deepEqual([hook.values.method, hook.values.evidence], ["POST", false]);
  const r = new Reader();
  const spec = actionSpecOf(
    { ...hook, values: { ...hook.values, url: " http://127.0.0.1:9/h ", headers: "A: 1\nB: two" } },
    "actions.0",
    r,
  );
  assert.deepEqual(r.errors, {});
  assert.deepEqual(
    actionSchema.parse(spec),
    actionSchema.parse({
      type: "webhook",
      url: "http://127.0.0.1:9/h",
      method: "POST",
      headers: { A: "1", B: "two" },
      evidence: false,
    }),
  );
});

Deno.test("ui action draft - an action whose form is unknown keeps its settings", () => {
  const spec = actionSchema.parse({ type: "command", argv: ["/bin/true", "-x"], retries: 1 });
  const draft = actionDraftOf(spec, []);
  assert.deepEqual(draft.form.fields, []);
  const again = actionSpecOf(draft, "actions.0", new Reader());
  assert.deepEqual(actionSchema.parse(again), spec);
});

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory && entry.name !== "dist") yield* walk(url);
    else if (/\.tsx?$/.test(entry.name)) yield url;
  }
}
