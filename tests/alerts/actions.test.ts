// Actions against real local peers: a Deno.serve webhook receiver, real programs, real files.
import assert from "node:assert/strict";
import { pngSize } from "../../alerts/png/render.ts";
import { join } from "node:path";
import { buildEvidence, roundsCsv } from "../../alerts/actions/evidence.ts";
import { ACTIONS, actionSchema, type ActionSpecInput } from "../../alerts/actions/registry.ts";
import type { WebhookPayload } from "../../alerts/actions/webhook.ts";
import type { ActionContext } from "../../alerts/actions/types.ts";
import { resolveAlertsConfig } from "../../alerts/config.ts";
import { runAction } from "../../alerts/runner.ts";
import type { AlertEvent } from "../../alerts/types.ts";
import { ManualClock, systemClock } from "../../engine/clock.ts";
import type { Clock } from "../../engine/types.ts";
import type { NewTimelineComment, TimelineComment } from "../../store/alerts_types.ts";
import { driveUntil, rounds } from "../engine/helpers.ts";
import { event, T0, tempDir } from "./helpers.ts";

const LINES = [
  "10.0.0.1:1 10.0.0.2:2 10.0.0.9:3",
  "10.0.0.1:1 10.0.0.2:2 * ?",
  "10.0.0.1:1 10.0.0.2:2 10.0.0.9:4",
];

function harness(options: { clock?: Clock; config?: unknown } = {}) {
  const dataDir = tempDir();
  const comments: TimelineComment[] = [];
  const clock = options.clock ?? systemClock;
  const context: Omit<ActionContext, "signal"> = {
    clock,
    config: resolveAlertsConfig(options.config ?? {}, dataDir),
    evidence: () => {
      const window = { start: T0, end: T0 + 3000 };
      const rs = rounds(LINES).map((r) => ({ ...r, startedAt: r.startedAt + T0 }));
      return Promise.resolve(buildEvidence(event(), rs, window));
    },
    addTimelineComment(c: NewTimelineComment) {
      const comment = {
        ...c,
        id: comments.length + 1,
        eventId: c.eventId ?? null,
        source: c.source ?? "alert" as const,
        createdAt: 0,
      };
      comments.push(comment);
      return Promise.resolve(comment);
    },
  };
  const stop = new AbortController().signal;
  const run = (input: ActionSpecInput, e: AlertEvent = event()) => {
    const spec = actionSchema.parse(input);
    return runAction(ACTIONS[spec.type], spec, e, { index: 0, context, stop });
  };
  return { dataDir, comments, run, context };
}

Deno.test("webhook - POSTs the documented JSON payload with custom headers and evidence", async () => {
  const received: { method: string; headers: Headers; body: Record<string, unknown> }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push({ method: req.method, headers: req.headers, body: await req.json() });
    return new Response(null, { status: 204 });
  });
  const h = harness();
  const result = await h.run({
    type: "webhook",
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    method: "PUT",
    headers: { authorization: "Bearer s3cret", "x-team": "netops" },
    evidence: true,
  });
  await server.shutdown();
  assert.deepEqual([result.ok, result.attempts, result.output], [true, 1, "HTTP 204"]);
  const [hit] = received;
  assert.equal(hit.method, "PUT");
  assert.equal(hit.headers.get("authorization"), "Bearer s3cret");
  assert.equal(hit.headers.get("x-team"), "netops");
  assert.equal(hit.headers.get("content-type"), "application/json");
  const body = hit.body as unknown as WebhookPayload;
  assert.equal(body.version, 1);
  assert.deepEqual(body.event, event());
  assert.match(body.evidence!.timelineSvg, /^<svg /);
  assert.equal(body.evidence!.hopTable.length, 3);
  assert.match(body.evidence!.csv, /^time,ts_ms,seq,hop,ip,kind,rtt_ms,approximate\n/);
});

Deno.test("webhook - a failing receiver is retried with backoff until it answers 2xx", async () => {
  let calls = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    calls++;
    return new Response(calls < 3 ? "busy" : "ok", { status: calls < 3 ? 503 : 200 });
  });
  // The real clock (the receiver is real I/O), with every backoff wait it is asked for noted.
  const waits: number[] = [];
  const clock: Clock = {
    ...systemClock,
    sleep(ms, signal) {
      if (ms !== 10_000) waits.push(ms); // 10 s is each attempt's timeout, not a backoff
      return systemClock.sleep(ms, signal);
    },
  };
  const h = harness({ clock });
  const spec = {
    type: "webhook" as const,
    url: `http://127.0.0.1:${server.addr.port}/`,
    retries: 3,
    retryBackoffMs: 5,
  };
  const result = await h.run(spec);
  assert.deepEqual([result.ok, result.attempts, calls], [true, 3, 3]);
  assert.deepEqual(waits, [5, 10], "the backoff doubles between attempts");
  calls = -100;
  const failed = await h.run({ ...spec, retries: 1 });
  assert.deepEqual([failed.ok, failed.attempts], [false, 2]);
  assert.equal(failed.error, "HTTP 503: busy");
  await server.shutdown();
});

Deno.test("webhook - a receiver that never answers times out on the clock", async () => {
  let hang!: () => void;
  const hanging = new Promise<void>((resolve) => hang = resolve);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await hanging;
    return new Response("late");
  });
  const clock = new ManualClock(T0);
  const h = harness({ clock });
  const url = `http://127.0.0.1:${server.addr.port}/`;
  const result = await driveUntil(
    clock,
    h.run({ type: "webhook", url, timeoutMs: 2000, retries: 0 }),
  );
  assert.deepEqual([result.ok, result.error], [false, "timed out after 2000 ms"]);
  hang();
  await server.shutdown();
});

Deno.test("log file - one JSON line per event in the log directory", async () => {
  const h = harness();
  await h.run({ type: "logFile" }, event("firing"));
  await h.run({ type: "logFile" }, event("recovered", { id: 8 }));
  const text = Deno.readTextFileSync(join(h.dataDir, "alerts", "alerts.jsonl"));
  const lines = text.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(lines.map((l) => [l.kind, l.id, l.targetHost]), [
    ["firing", 7, "10.0.0.9"],
    ["recovered", 8, "10.0.0.9"],
  ]);
  assert.throws(() => actionSchema.parse({ type: "logFile", file: "../../etc/passwd" }));
});

Deno.test("command - runs an allowed program without a shell, event data in the environment", async () => {
  const h = harness({ config: { commandAllowlist: ["/usr/bin/env"] } });
  const tricky = event("firing", { ruleName: "loss; rm -rf / $(id)" });
  const result = await h.run({ type: "command", argv: ["/usr/bin/env"] }, tricky);
  assert.equal(result.ok, true, result.error ?? "");
  const env = Object.fromEntries(result.output!.split("\n").map((l) => l.split(/=(.*)/s, 2)));
  assert.equal(env.PINGWATCHER_EVENT_KIND, "firing");
  assert.equal(env.PINGWATCHER_RULE_NAME, "loss; rm -rf / $(id)", "passed verbatim, never run");
  assert.equal(env.PINGWATCHER_TARGET_HOST, "10.0.0.9");
  assert.equal(env.PINGWATCHER_AGENT, "local");
  assert.equal(env.PINGWATCHER_HOP, "3");
  assert.equal(env.PINGWATCHER_VALUE, "60");
  assert.equal(JSON.parse(env.PINGWATCHER_EVENT_JSON).id, 7);
  assert.equal(env.HOME, undefined, "the server's environment is not handed on");
});

Deno.test("command - programs not on the allowlist never start", async () => {
  const h = harness({ config: { commandAllowlist: ["/usr/bin/env"] } });
  const result = await h.run({ type: "command", argv: ["/bin/sh", "-c", "touch /tmp/x"] });
  assert.equal(result.ok, false);
  assert.match(result.error!, /not in the alerts config's commandAllowlist/);
});

Deno.test("command - a failing program's output is kept; a hanging one is killed at the timeout", async () => {
  const h = harness({ config: { commandAllowlist: ["/usr/bin/ls", "/usr/bin/sleep"] } });
  const failed = await h.run({ type: "command", argv: ["/usr/bin/ls", "/no/such/dir"] });
  assert.equal(failed.ok, false);
  assert.match(failed.error!, /exit code 2[\s\S]*No such file/);
  const clock = new ManualClock(T0);
  const slow = harness({ clock, config: { commandAllowlist: ["/usr/bin/sleep"] } });
  const result = await driveUntil(
    clock,
    slow.run({ type: "command", argv: ["/usr/bin/sleep", "60"], timeoutMs: 1000 }),
  );
  assert.deepEqual([result.ok, result.error], [false, "timed out after 1000 ms"]);
});

Deno.test("comment - annotates the target's timeline at the event's moment", async () => {
  const h = harness();
  const result = await h.run({ type: "comment", prefix: "[netops]" });
  assert.equal(result.ok, true);
  assert.deepEqual(h.comments.map((c) => [c.targetId, c.at, c.eventId]), [[1, T0 + 60_000, 7]]);
  assert.equal(h.comments[0].text, `[netops] ${event().message}`);
});

Deno.test("save image - a PNG by default: the rendered timeline and hop table", async () => {
  const h = harness();
  const result = await h.run({ type: "saveImage" });
  assert.equal(result.ok, true, result.error ?? "");
  const path = result.output!.replace(/^saved /, "");
  assert.match(path, /\.png$/);
  const png = Deno.readFileSync(path);
  const size = pngSize(png);
  assert.ok(size, "a PNG file");
  assert.equal(size.width, 900);
  assert.ok(size.height > 300, `height ${size.height}`);
});

Deno.test("save image - SVG on request, with the timeline and hop table", async () => {
  const h = harness();
  const result = await h.run({ type: "saveImage", format: "svg" });
  assert.equal(result.ok, true, result.error ?? "");
  const path = result.output!.replace(/^saved /, "");
  assert.ok(path.startsWith(join(h.dataDir, "alert-images")));
  const svg = Deno.readTextFileSync(path);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<circle cx=/, "the RTTs of the hop (single samples between losses)");
  assert.match(svg, /<title>lost<\/title>/, "the lost sample is marked");
  assert.match(svg, /10\.0\.0\.2/, "the hop table");
  assert.match(svg, /FIRING: loss on the path on lab target/);
});

Deno.test("evidence - CSV of every hop sample in the window", () => {
  const csv = roundsCsv(rounds(LINES.slice(0, 2)));
  assert.equal(
    csv,
    "time,ts_ms,seq,hop,ip,kind,rtt_ms,approximate\n" +
      "1970-01-01T00:00:00.000Z,0,0,1,10.0.0.1,ttlExceeded,1,false\n" +
      "1970-01-01T00:00:00.000Z,0,0,2,10.0.0.2,ttlExceeded,2,false\n" +
      "1970-01-01T00:00:00.000Z,0,0,3,10.0.0.9,reply,3,false\n" +
      "1970-01-01T00:00:01.000Z,1000,1,1,10.0.0.1,ttlExceeded,1,false\n" +
      "1970-01-01T00:00:01.000Z,1000,1,2,10.0.0.2,ttlExceeded,2,false\n" +
      "1970-01-01T00:00:01.000Z,1000,1,3,,timeout,,false\n",
  );
});
