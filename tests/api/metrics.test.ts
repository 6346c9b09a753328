// GET /metrics: the exposition writer on its own (escaping, order, a parse-back), then the route
// on the real handler with a FakeProber and a manual clock: values agree with
// /api/targets/{id}/hops, counters only go up across edits, the all-hops option, alert states and
// authentication.
import assert from "node:assert/strict";
import {
  escapeLabelValue,
  FamilySet,
  formatValue,
  renderExposition,
} from "../../api/exposition.ts";
import { cpuSecondsOf } from "../../api/process_stats.ts";
import { parseServeArgs } from "../../api/cli/serve_args.ts";
import { startAlerts } from "../../alerts/mod.ts";
import type { FakeHop } from "../../engine/probers/fake.ts";
import { captureLog, tempDir } from "../alerts/helpers.ts";
import { type ParsedExposition, parseExposition, sampleOf } from "./exposition_parse.ts";
import { DEST, type Setup, setup } from "./helpers.ts";

const ROUTE: FakeHop[] = [
  { ip: "10.0.0.1", rttMs: 1 },
  { ip: "10.0.0.2", rttMs: 2, lossPct: 20 },
  { rttMs: (p) => p.index % 2 ? 12 : 10 },
];
const TRICKY_LABEL = 'core "edge" \\ rack\nB';

Deno.test("metrics - label values escape backslash, quote and newline; a parser reads them back", () => {
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  const set = new FamilySet();
  const rtt = set.add("x_rtt_seconds", "gauge", "RTT \\ of\nthe hop");
  const sent = set.add("x_sent_total", "counter", "Sent");
  rtt({ host: TRICKY_LABEL, hop: "1" }, 0.0015);
  rtt({ host: "plain", hop: "2" }, NaN);
  sent({ host: "plain" }, 3);
  const text = set.text();
  assert.equal(
    text,
    "# HELP x_rtt_seconds RTT \\\\ of\\nthe hop\n# TYPE x_rtt_seconds gauge\n" +
      'x_rtt_seconds{host="core \\"edge\\" \\\\ rack\\nB",hop="1"} 0.0015\n' +
      'x_rtt_seconds{host="plain",hop="2"} NaN\n' +
      '# HELP x_sent_total Sent\n# TYPE x_sent_total counter\nx_sent_total{host="plain"} 3\n',
  );
  const parsed = parseExposition(text);
  assert.equal(sampleOf(parsed, "x_rtt_seconds", { host: TRICKY_LABEL }), 0.0015);
  assert.ok(Number.isNaN(sampleOf(parsed, "x_rtt_seconds", { hop: "2" })));
  assert.equal(parsed.help.get("x_rtt_seconds"), "RTT \\ of\nthe hop");
  assert.deepEqual([...parsed.type], [["x_rtt_seconds", "gauge"], ["x_sent_total", "counter"]]);
});

Deno.test("metrics - families keep their order; bad or repeated names are refused", () => {
  const gauge = (name: string) => ({ name, type: "gauge" as const, help: "h", samples: [] });
  const text = renderExposition([gauge("b_one"), gauge("a_two"), gauge("c_three")]);
  const order = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(order, ["b_one", "a_two", "c_three"], "declared order, not sorted");
  assert.throws(() => renderExposition([gauge("a"), gauge("a")]), /twice/);
  assert.throws(() => renderExposition([gauge("9lives")]), /metric name/);
  const badLabel = { ...gauge("ok"), samples: [{ labels: { "a-b": "x" }, value: 1 }] };
  assert.throws(() => renderExposition([badLabel]), /label name/);
  assert.deepEqual([Infinity, -Infinity, 1e-7, 42].map(formatValue), [
    "+Inf",
    "-Inf",
    "1e-7",
    "42",
  ]);
  assert.equal(renderExposition([]), "");
});

Deno.test("metrics - CPU time from /proc/self/stat, even with a name holding ') '", () => {
  const stat = "1234 (deno ) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9 0 77";
  assert.equal(cpuSecondsOf(stat), 3.25);
  assert.equal(cpuSecondsOf("garbage"), null);
});

Deno.test("metrics - the server option and its variable; a bad value fails at start", () => {
  assert.equal(parseServeArgs([]).metricsAllHops, false);
  assert.equal(parseServeArgs(["--metrics-all-hops"]).metricsAllHops, true);
  assert.equal(parseServeArgs([], { PINGWATCHER_METRICS_ALL_HOPS: "1" }).metricsAllHops, true);
  assert.equal(parseServeArgs([], { PINGWATCHER_METRICS_ALL_HOPS: "no" }).metricsAllHops, false);
  assert.throws(
    () => parseServeArgs([], { PINGWATCHER_METRICS_ALL_HOPS: "maybe" }),
    /metrics-all-hops/,
  );
});

async function withTarget(options: Parameters<typeof setup>[0] = {}) {
  const t = await setup({ network: { [DEST]: ROUTE }, ...options });
  const created = await t.call("POST", "/api/targets", {
    body: { host: DEST, label: TRICKY_LABEL, interval: 1, timeout: 0.5 },
  });
  assert.equal(created.status, 201);
  return { ...t, id: created.json.target.id as number };
}

async function scrape(t: Setup, query = ""): Promise<ParsedExposition> {
  const reply = await t.call("GET", `/metrics${query}`);
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return parseExposition(reply.text);
}

const seconds = (ms: number) => ms / 1000;

Deno.test("metrics - the final hop's figures equal /api/targets/{id}/hops; counters count rounds", async () => {
  const t = await withTarget();
  try {
    await t.clock.advance(30_500);
    const target = { target_id: String(t.id), host: DEST, label: TRICKY_LABEL };
    const metrics = await scrape(t);
    const hops = (await t.call("GET", `/api/targets/${t.id}/hops`)).json.hops;
    const final = hops.at(-1);
    assert.equal(final.hop, 3);
    const at = (name: string) => sampleOf(metrics, `pingwatcher_target_${name}`, target);
    assert.equal(at("rtt_avg_seconds"), seconds(final.avgMs));
    assert.equal(at("rtt_min_seconds"), seconds(final.minMs));
    assert.equal(at("rtt_max_seconds"), seconds(final.maxMs));
    assert.equal(at("rtt_jitter_seconds"), seconds(final.jitterMs));
    assert.equal(at("loss_ratio"), final.lossPct / 100);
    assert.ok(at("loss_ratio") > 0, "the 20 % loss at hop 2 carries to the destination");
    if (final.curMs === null) {
      assert.equal(
        metrics.samples.some((s) => s.name === "pingwatcher_target_rtt_last_seconds"),
        false,
      );
    } else assert.equal(at("rtt_last_seconds"), seconds(final.curMs));
    assert.equal(at("probing"), 1);
    const stored = await t.store.rounds(t.id, {});
    const answered = stored.filter((r) => r.destinationReached).length;
    assert.equal(at("probes_sent_total"), stored.length, "one final-hop probe per round");
    assert.equal(at("probes_lost_total"), stored.length - answered);
    assert.equal(at("probes_errors_total"), 0);
    assert.equal(at("route_changes_total"), 0);
    assert.equal(
      metrics.samples.some((s) => s.name.startsWith("pingwatcher_hop_")),
      false,
      "no per-hop series without the option",
    );
    const focused = await scrape(t, "?focus=3");
    const three = (await t.call("GET", `/api/targets/${t.id}/hops?focus=3`)).json.hops.at(-1);
    assert.equal(
      sampleOf(focused, "pingwatcher_target_rtt_avg_seconds", target),
      seconds(three.avgMs),
    );
    assert.equal((await t.call("GET", "/metrics?focus=0")).status, 400);
    assert.equal((await t.call("GET", "/metrics?nope=1")).status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("metrics - engine, store and process series; engine counters equal /api/version", async () => {
  const t = await withTarget();
  try {
    await t.clock.advance(10_500);
    await t.store.flush();
    const metrics = await scrape(t);
    const counters = (await t.call("GET", "/api/version")).json.counters;
    const engine = (name: string) => sampleOf(metrics, `pingwatcher_engine_${name}`);
    assert.equal(engine("rounds_started_total"), counters.roundsStarted);
    assert.equal(engine("rounds_completed_total"), counters.roundsCompleted);
    assert.equal(engine("rounds_skipped_total"), counters.roundsSkipped);
    assert.equal(engine("rounds_late_total"), counters.roundsLate);
    assert.equal(engine("rounds_due_total"), counters.roundsStarted + counters.roundsSkipped);
    assert.equal(engine("targets"), 1);
    assert.ok(engine("probes_in_flight") >= 0);
    const stats = await t.store.storeStats();
    assert.equal(sampleOf(metrics, "pingwatcher_store_rounds_written_total"), stats.roundsWritten);
    assert.ok(stats.roundsWritten >= 10);
    assert.equal(sampleOf(metrics, "pingwatcher_store_queue_rounds"), 0);
    assert.equal(sampleOf(metrics, "pingwatcher_store_size_bytes"), stats.sizeBytes);
    assert.ok(sampleOf(metrics, "pingwatcher_store_flush_duration_seconds_count") >= 1);
    assert.equal(metrics.type.get("pingwatcher_store_flush_duration_seconds"), "summary");
    assert.ok(sampleOf(metrics, "pingwatcher_process_resident_memory_bytes") > 1e6);
    assert.ok(sampleOf(metrics, "pingwatcher_process_cpu_seconds_total") > 0);
    assert.ok(sampleOf(metrics, "pingwatcher_process_open_fds") > 2);
    const started = sampleOf(metrics, "pingwatcher_process_start_time_seconds");
    assert.ok(started <= Date.now() / 1000 && started > Date.now() / 1000 - 3600);
    for (const name of metrics.type.keys()) {
      assert.ok(name.startsWith("pingwatcher_"), name);
      assert.ok(metrics.help.has(name), `HELP for ${name}`);
      if (metrics.type.get(name) === "counter") assert.match(name, /_total$/);
    }
  } finally {
    await t.close();
  }
});

Deno.test("metrics - counters only go up across edits, pause and resume; route changes count", async () => {
  const t = await withTarget();
  try {
    const target = { target_id: String(t.id) };
    const counter = async (name: string) =>
      sampleOf(await scrape(t), `pingwatcher_target_${name}`, target);
    await t.clock.advance(5_500);
    const first = await counter("probes_sent_total");
    assert.equal(first, (await t.store.rounds(t.id, {})).length);
    assert.ok(first >= 5);
    const patched = await t.call("PATCH", `/api/targets/${t.id}`, {
      body: { interval: 2, label: "renamed" },
    });
    assert.equal(patched.status, 200);
    await t.clock.advance(4_000);
    const afterEdit = await counter("probes_sent_total");
    assert.ok(afterEdit > first, `${afterEdit} > ${first}: not reset by the edit`);
    const labelled = await scrape(t);
    assert.equal(
      labelled.samples.find((s) => s.name === "pingwatcher_target_probing")?.labels.label,
      "renamed",
    );
    t.fake.setRoute(DEST, [{ ip: "10.0.0.1", rttMs: 1 }, { ip: "10.0.0.9", rttMs: 2 }, {
      rttMs: 3,
    }]);
    await t.clock.advance(20_000);
    const changes = (await t.call("GET", `/api/targets/${t.id}/route_changes`)).json.routeChanges;
    assert.ok(changes.length >= 1);
    assert.equal(await counter("route_changes_total"), changes.length);
    await t.call("POST", `/api/targets/${t.id}/pause`);
    await t.clock.advance(4_000);
    const paused = await counter("probes_sent_total");
    assert.ok(paused > afterEdit);
    assert.equal(await counter("probing"), 0);
    await t.clock.advance(4_000);
    assert.equal(await counter("probes_sent_total"), paused, "paused: nothing more sent");
    await t.call("POST", `/api/targets/${t.id}/resume`);
    await t.clock.advance(4_000);
    assert.ok(await counter("probes_sent_total") > paused, "resumed: counting on from there");
    assert.equal(await counter("route_changes_total"), changes.length);
    assert.equal((await t.call("DELETE", `/api/targets/${t.id}`)).status, 204);
    const gone = await scrape(t);
    assert.equal(gone.samples.some((s) => s.labels.target_id === String(t.id)), false);
  } finally {
    await t.close();
  }
});

Deno.test("metrics - with all hops, every hop of the route as in /api/targets/{id}/hops", async () => {
  const t = await withTarget({ metrics: { allHops: true } });
  try {
    await t.clock.advance(20_500);
    const metrics = await scrape(t);
    const hops = (await t.call("GET", `/api/targets/${t.id}/hops`)).json.hops;
    const counts = t.app.service.counters.counts(t.id);
    const rounds = (await t.store.rounds(t.id, {})).length;
    assert.equal(hops.length, 3);
    for (const hop of hops) {
      const labels = { target_id: String(t.id), hop: String(hop.hop) };
      const at = (name: string) => sampleOf(metrics, `pingwatcher_hop_${name}`, labels);
      assert.equal(at("rtt_avg_seconds"), seconds(hop.avgMs));
      assert.equal(at("rtt_max_seconds"), seconds(hop.maxMs));
      assert.equal(at("loss_ratio"), hop.lossPct / 100);
      assert.equal(at("probes_sent_total"), counts.hops.get(hop.hop)!.sent);
      assert.equal(at("probes_sent_total"), rounds, "every round probes every hop");
    }
    const lost = sampleOf(metrics, "pingwatcher_hop_probes_lost_total", { hop: "2" });
    assert.ok(lost > 0 && lost === counts.hops.get(2)!.lost);
    assert.equal(sampleOf(metrics, "pingwatcher_hop_probes_lost_total", { hop: "1" }), 0);
    const families = [...metrics.type.keys()].filter((n) => n.startsWith("pingwatcher_target"));
    assert.ok(families.length >= 10, "the final-hop series stay");
  } finally {
    await t.close();
  }
});

Deno.test("metrics - an alert's firing state per rule and target, 1 then 0", async () => {
  captureLog();
  const t = await withTarget({ network: { [DEST]: [{ ip: "10.0.0.1" }, { rttMs: 3 }] } });
  const alerts = await startAlerts({
    engine: t.app.service,
    store: t.store,
    clock: t.clock,
    dataDir: tempDir(),
  });
  t.app.useAlerts(alerts);
  try {
    const rule = (await t.call("POST", "/api/alerts/rules", {
      body: {
        name: 'loss "high"',
        condition: { metric: "lossPct", op: ">=", threshold: 50 },
        focusSamples: 3,
        trigger: { consecutive: 2 },
      },
    })).json.rule;
    const firing = async () => {
      await alerts.idle();
      return sampleOf(await scrape(t), "pingwatcher_alert_firing", {
        rule_id: String(rule.id),
        rule: 'loss "high"',
        target_id: String(t.id),
      });
    };
    await t.clock.advance(5_000);
    assert.equal(await firing(), 0);
    t.fake.setRoute(DEST, [{ ip: "10.0.0.1" }, { lossPct: 100 }]);
    await t.clock.advance(10_000);
    assert.equal(await firing(), 1);
    t.fake.setRoute(DEST, [{ ip: "10.0.0.1" }, { rttMs: 3 }]);
    await t.clock.advance(10_000);
    assert.equal(await firing(), 0);
  } finally {
    await alerts.stop();
    await t.close();
  }
});

Deno.test("metrics - authenticated like the API once a token exists", async () => {
  const t = await withTarget();
  try {
    assert.equal(
      (await t.call("GET", "/metrics")).status,
      200,
      "open on loopback without credentials",
    );
    const token = (await t.call("POST", "/api/auth/tokens", { body: { name: "prometheus" } }))
      .json.token.token;
    const none = await t.call("GET", "/metrics");
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="pingwatcher"');
    const bad = await t.call("GET", "/metrics", { headers: { authorization: "Bearer pw_wrong" } });
    assert.equal(bad.status, 401);
    const good = await t.call("GET", "/metrics", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(good.status, 200);
    assert.match(good.text, /^pingwatcher_target_probing\{target_id="1"/m);
    const doc = (await t.call("GET", "/api/openapi.json", {
      headers: { authorization: `Bearer ${token}` },
    })).json;
    assert.ok(doc.paths["/metrics"].get, "documented in the OpenAPI document");
  } finally {
    await t.close();
  }
});
