import assert from "node:assert/strict";
import { flushMicrotasks, ManualClock } from "../../engine/clock.ts";
import { NO_NAME, type PtrLookup, ReverseDns } from "../../engine/dns.ts";
import { hopStats } from "../../engine/stats.ts";
import { renderTable } from "../../api/cli/trace_output.ts";
import { driveUntil, rounds } from "./helpers.ts";

const LIFETIMES = { positiveTtlMs: 60_000, negativeTtlMs: 20_000, failureRetryMs: 5_000 };

/** A PTR lookup answering from a table; "fail" rejects, "hang" waits for the abort. */
function table(answers: Record<string, string[] | "fail" | "hang">) {
  const asked: string[] = [];
  const lookup: PtrLookup = (ip, signal) => {
    asked.push(ip);
    const answer = answers[ip] ?? [];
    if (answer === "fail") return Promise.reject(new Error("SERVFAIL"));
    if (answer === "hang") {
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      );
    }
    return Promise.resolve(answer);
  };
  return { asked, lookup };
}

function setup(answers: Record<string, string[] | "fail" | "hang">, concurrency = 4) {
  const clock = new ManualClock();
  const ptr = table(answers);
  const resolved: [string, string | null][] = [];
  const dns = new ReverseDns({
    clock,
    lookup: ptr.lookup,
    timeoutMs: 2000,
    concurrency,
    onResolved: (ip, name) => resolved.push([ip, name]),
    ...LIFETIMES,
  });
  const settle = () => driveUntil(clock, dns.idle(), { stepMs: 500 });
  return { clock, dns, asked: ptr.asked, resolved, settle };
}

Deno.test("reverse dns - a name is looked up once and kept for its positive lifetime", async () => {
  const t = setup({ "10.0.0.1": ["gw.pwlab.test", "other.pwlab.test"] });
  assert.equal(t.dns.name("10.0.0.1"), undefined, "not looked up yet");
  t.dns.request("10.0.0.1");
  t.dns.request("10.0.0.1");
  await t.settle();
  assert.equal(t.dns.name("10.0.0.1"), "gw.pwlab.test", "the first PTR");
  assert.deepEqual(t.resolved, [["10.0.0.1", "gw.pwlab.test"]]);
  await t.clock.advance(LIFETIMES.positiveTtlMs - 1);
  t.dns.request("10.0.0.1");
  await t.settle();
  assert.deepEqual(t.asked, ["10.0.0.1"], "cached: one lookup for three requests");
  await t.clock.advance(1);
  t.dns.request("10.0.0.1");
  await t.settle();
  assert.deepEqual(t.asked, ["10.0.0.1", "10.0.0.1"], "looked up again once expired");
});

Deno.test("reverse dns - no PTR record is a cached null (shown as NO_NAME) for the negative lifetime", async () => {
  const t = setup({ "10.0.0.2": [] });
  t.dns.request("10.0.0.2");
  await t.settle();
  assert.equal(t.dns.name("10.0.0.2"), null);
  assert.deepEqual(t.resolved, [["10.0.0.2", null]]);
  await t.clock.advance(LIFETIMES.negativeTtlMs - 1);
  t.dns.request("10.0.0.2");
  await t.settle();
  assert.equal(t.asked.length, 1);
  await t.clock.advance(1);
  t.dns.request("10.0.0.2");
  await t.settle();
  assert.equal(t.asked.length, 2);
  const text = renderTable(hopStats(rounds(["10.0.0.2:1 10.0.0.3:2"])), {
    color: false,
    nameOf: (ip) => t.dns.name(ip),
  });
  const [, hop1, hop2] = text.split("\n");
  assert.ok(hop1.includes(NO_NAME), "no PTR: the placeholder");
  assert.ok(!hop2.includes(NO_NAME), "not looked up: blank");
});

Deno.test("reverse dns - a failed lookup is not 'no name': the old answer stays, retried later", async () => {
  const answers: Record<string, string[] | "fail"> = { "10.0.0.1": ["gw.pwlab.test"] };
  const t = setup(answers);
  t.dns.request("10.0.0.1");
  await t.settle();
  await t.clock.advance(LIFETIMES.positiveTtlMs);
  answers["10.0.0.1"] = "fail";
  t.dns.request("10.0.0.1");
  await t.settle();
  assert.equal(t.dns.name("10.0.0.1"), "gw.pwlab.test", "kept through a resolver failure");
  assert.equal(t.resolved.length, 1, "a failure reports nothing");
  await t.clock.advance(LIFETIMES.failureRetryMs - 1);
  t.dns.request("10.0.0.1");
  await t.settle();
  assert.equal(t.asked.length, 2, "no retry before failureRetryMs");
  await t.clock.advance(1);
  answers["10.0.0.1"] = ["gw2.pwlab.test"];
  t.dns.request("10.0.0.1");
  await t.settle();
  assert.equal(t.asked.length, 3);
  assert.equal(t.dns.name("10.0.0.1"), "gw2.pwlab.test");
});

Deno.test("reverse dns - a first lookup that fails leaves the name unknown, not null", async () => {
  const t = setup({ "10.0.0.5": "fail" });
  t.dns.request("10.0.0.5");
  await t.settle();
  assert.equal(t.dns.name("10.0.0.5"), undefined);
});

Deno.test("reverse dns - a lookup that hangs is given up after its timeout", async () => {
  const t = setup({ "10.0.0.7": "hang" });
  t.dns.request("10.0.0.7");
  let idle = false;
  t.dns.idle().then(() => idle = true);
  await t.clock.advance(1999);
  assert.equal(idle, false);
  await t.clock.advance(1);
  await flushMicrotasks();
  assert.equal(idle, true);
  assert.equal(t.dns.name("10.0.0.7"), undefined);
  t.dns.request("10.0.0.7");
  assert.equal(t.asked.length, 1, "a failure waits failureRetryMs before the next try");
});

Deno.test("reverse dns - lookups run at most `concurrency` at a time and request never waits", async () => {
  const t = setup({ "10.0.0.1": "hang", "10.0.0.2": "hang", "10.0.0.3": ["c.pwlab.test"] }, 2);
  for (const ip of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) t.dns.request(ip);
  await flushMicrotasks();
  assert.deepEqual(t.asked, ["10.0.0.1", "10.0.0.2"], "the third waits for a free lookup");
  await t.settle();
  assert.deepEqual(t.asked, ["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
  assert.equal(t.dns.name("10.0.0.3"), "c.pwlab.test");
});

Deno.test("reverse dns - seeded answers need no lookup until they expire", async () => {
  const t = setup({ "10.0.0.1": ["new.pwlab.test"] });
  const now = t.clock.now();
  t.dns.seed("10.0.0.1", "old.pwlab.test", now - LIFETIMES.positiveTtlMs + 1000);
  t.dns.seed("10.0.0.2", null, now);
  t.dns.request("10.0.0.1");
  t.dns.request("10.0.0.2");
  await t.settle();
  assert.deepEqual(t.asked, []);
  assert.equal(t.dns.name("10.0.0.1"), "old.pwlab.test");
  assert.equal(t.dns.name("10.0.0.2"), null);
  await t.clock.advance(1000);
  t.dns.request("10.0.0.1");
  await t.settle();
  assert.equal(t.dns.name("10.0.0.1"), "new.pwlab.test");
});
