// The rule state machine and the rule schema are pure: loading them must not load nodemailer
// (or anything else an action needs only when it runs). The static import graph comes from
// `deno info --json`; type-only imports are erased at run time, and dynamic imports happen only
// when an action runs, so neither counts.
import assert from "node:assert/strict";

interface InfoDependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}
interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

async function importGraph(entry: string, withDynamic = false): Promise<Set<string>> {
  const path = new URL(`../../${entry}`, import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  const modules = new Map<string, InfoModule>(
    (info.modules as InfoModule[]).map((m) => [m.specifier, m]),
  );
  const redirects: Record<string, string> = info.redirects ?? {};
  const seen = new Set<string>();
  const stack = [info.roots[0] as string];
  while (stack.length) {
    const popped = stack.pop()!;
    const specifier = redirects[popped] ?? popped;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      if (dep.code && (withDynamic || !dep.isDynamic)) stack.push(dep.code.specifier);
    }
  }
  return seen;
}

for (const entry of ["alerts/machine.ts", "alerts/rule.ts"]) {
  Deno.test(`alerts imports - ${entry} loads no nodemailer, store, api or service`, async () => {
    const graph = [...await importGraph(entry)];
    assert.ok(graph.some((s) => s.includes("zod")) || entry.endsWith("machine.ts"));
    assert.deepEqual(graph.filter((s) => s.includes("nodemailer")), []);
    const above = graph.filter((s) =>
      /\/(store|api|ui)\/|\/alerts\/(service|dispatch)\.ts$/.test(s)
    );
    assert.deepEqual(above, []);
  });
}

Deno.test("alerts imports - the action list does not lead back to the rule schema", async () => {
  const graph = [...await importGraph("alerts/actions/registry.ts")];
  assert.deepEqual(
    graph.filter((s) => /\/alerts\/(rule|machine|service|evaluator)\.ts$/.test(s)),
    [],
  );
});

Deno.test("alerts imports - the walk does see nodemailer where actions run", async () => {
  const graph = [...await importGraph("alerts/actions/registry.ts", true)];
  assert.ok(graph.some((s) => s.includes("nodemailer")), "loaded when an email is sent");
  const dispatch = [...await importGraph("alerts/dispatch.ts", true)];
  assert.ok(dispatch.some((s) => s.includes("nodemailer")));
});
