// GET /metrics against the real tools: `promtool check metrics` lints what the handler writes, and
// a real Prometheus server (Debian `prometheus`) scrapes a real PingWatcher server that probes
// 127.0.0.1 with the real prober, with a bearer token; the series Prometheus stored must hold the
// values PingWatcher reported. Without the binaries (or a working prober) the tests are skipped
// and the reason is printed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { runServe } from "../../api/cli/serve.ts";
import { startAlerts } from "../../alerts/mod.ts";
import { selectProber } from "../../engine/mod.ts";
import { captureLog, tempDir } from "../alerts/helpers.ts";
import { parseExposition, sampleOf } from "./exposition_parse.ts";
import { DEST, setup } from "./helpers.ts";

const PROMTOOL = "/usr/bin/promtool";
const PROMETHEUS = "/usr/bin/prometheus";
const LABEL = 'loop "back" \\ one';

async function missing(paths: string[]): Promise<string | null> {
  for (const path of paths) {
    try {
      await Deno.stat(path);
    } catch {
      return `${path} is missing (Debian package prometheus)`;
    }
  }
  return null;
}

const promtoolSkip = await missing([PROMTOOL]);
const prometheusSkip = await missing([PROMETHEUS]);
if (promtoolSkip) console.log(`prometheus.test.ts: promtool check skipped: ${promtoolSkip}`);
if (prometheusSkip) {
  console.log(`prometheus.test.ts: real Prometheus test skipped: ${prometheusSkip}`);
}

async function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(PROMTOOL, {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, output: decode(stdout) + decode(stderr) };
}

Deno.test({
  name: "prometheus - promtool check metrics passes on every family (all hops, an alert rule)",
  ignore: promtoolSkip !== null,
  async fn() {
    captureLog();
    const t = await setup({ metrics: { allHops: true } });
    const alerts = await startAlerts({
      engine: t.app.service,
      store: t.store,
      clock: t.clock,
      dataDir: tempDir(),
    });
    t.app.useAlerts(alerts);
    try {
      await t.call("POST", "/api/targets", {
        body: { host: DEST, label: LABEL, interval: 1, timeout: 0.5 },
      });
      await t.call("POST", "/api/alerts/rules", {
        body: { name: "slow\nrule", condition: { metric: "avgMs", op: ">", threshold: 100 } },
      });
      await t.clock.advance(5_500);
      await alerts.idle();
      const text = (await t.call("GET", "/metrics")).text;
      for (
        const family of [
          "pingwatcher_hop_rtt_avg_seconds",
          "pingwatcher_alert_firing",
          "pingwatcher_store_flush_duration_seconds",
          "pingwatcher_process_open_fds",
        ]
      ) assert.match(text, new RegExp(`^# TYPE ${family} `, "m"));
      const { code, output } = await promtoolCheck(text);
      assert.equal(output, "", "promtool has nothing to say");
      assert.equal(code, 0);
      const broken = await promtoolCheck("pingwatcher_x 1\n");
      assert.notEqual(broken.code, 0, "and it does complain when something is wrong");
    } finally {
      await alerts.stop();
      await t.close();
    }
  },
});

/** Polls `probe` until it returns a value (not undefined) or `ms` pass; then fails with `what`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function scrapeConfig(target: string, token: string): string {
  return [
    "global:",
    "  scrape_interval: 1s",
    "  scrape_timeout: 1s",
    "scrape_configs:",
    "  - job_name: pingwatcher",
    "    metrics_path: /metrics",
    "    authorization:",
    "      type: Bearer",
    `      credentials: ${token}`,
    "    static_configs:",
    `      - targets: ["${target}"]`,
    "",
  ].join("\n");
}

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(base: string, promql: string): Promise<Vector[]> {
  const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = await response.json();
  if (body.status !== "success") throw new Error(JSON.stringify(body));
  return body.data.result;
}

Deno.test({
  name: "prometheus - a real Prometheus scrapes a real server and stores what it reported",
  ignore: prometheusSkip !== null,
  async fn() {
    const selected = await selectProber("auto");
    if (!selected.ok) {
      console.log(`prometheus.test.ts: real Prometheus test skipped: ${selected.reason}`);
      return;
    }
    const dir = await Deno.makeTempDir({ prefix: "pingwatcher-prometheus-" });
    const token = "pw_prometheus_test_token";
    const auth = { authorization: `Bearer ${token}` };
    let stop!: () => void;
    const interrupted = new Promise<void>((resolve) => stop = resolve);
    let listened!: (url: string) => void;
    const url = new Promise<string>((resolve) => listened = resolve);
    const running = runServe(
      ["--port", "0", "--db", join(dir, "pw.db"), "--headless", "--metrics-all-hops"],
      {
        write: () => {},
        writeError: () => {},
        env: { PINGWATCHER_TOKEN: token },
        selectProber: () => Promise.resolve(selected),
        interrupted,
        onListen: listened,
      },
    );
    let prometheus: Deno.ChildProcess | null = null;
    let log = "";
    try {
      const base = await url;
      const created = await fetch(`${base}/api/targets`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ host: "127.0.0.1", label: LABEL, interval: 0.5, timeout: 1 }),
      });
      assert.equal(created.status, 201);
      const id = String((await created.json()).target.id);
      const scrape = async () => {
        const response = await fetch(`${base}/metrics`, { headers: auth });
        assert.equal(response.status, 200);
        return parseExposition(await response.text());
      };
      await until("three rounds of 127.0.0.1", 30_000, async () => {
        const sent = sampleOf(await scrape(), "pingwatcher_target_probes_sent_total", {
          target_id: id,
        });
        return sent >= 3 ? sent : undefined;
      });
      // Paused, the target's figures stop moving: whatever Prometheus scrapes from now on must
      // equal what PingWatcher reports.
      const paused = await fetch(`${base}/api/targets/${id}/pause`, {
        method: "POST",
        headers: auth,
      });
      assert.equal(paused.status, 200);
      await paused.body?.cancel();
      const reportedText = await (await fetch(`${base}/metrics`, { headers: auth })).text();
      if (!promtoolSkip) assert.equal((await promtoolCheck(reportedText)).code, 0);
      const reported = parseExposition(reportedText);
      const sent = sampleOf(reported, "pingwatcher_target_probes_sent_total", { target_id: id });
      const avg = sampleOf(reported, "pingwatcher_target_rtt_avg_seconds", { target_id: id });
      const hopSent = sampleOf(reported, "pingwatcher_hop_probes_sent_total", {
        target_id: id,
        hop: "1",
      });
      assert.ok(avg > 0 && avg < 0.1, `loopback answers fast: ${avg}`);

      const port = freePort();
      await Deno.writeTextFile(
        join(dir, "prometheus.yml"),
        scrapeConfig(new URL(base).host, token),
      );
      prometheus = new Deno.Command(PROMETHEUS, {
        args: [
          `--config.file=${join(dir, "prometheus.yml")}`,
          `--storage.tsdb.path=${join(dir, "tsdb")}`,
          `--web.listen-address=127.0.0.1:${port}`,
          "--log.level=warn",
        ],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const logDone = prometheus.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (chunk) => void (log += chunk) }),
      );
      const prom = `http://127.0.0.1:${port}`;
      const selector = `{job="pingwatcher",target_id="${id}"}`;
      const stored = await until(`the series in Prometheus (log: ${log})`, 60_000, async () => {
        const found = await query(prom, `pingwatcher_target_probes_sent_total${selector}`);
        return found.length ? found : undefined;
      });
      assert.equal(stored.length, 1);
      assert.equal(Number(stored[0].value[1]), sent);
      assert.equal(stored[0].metric.label, LABEL, "the escaped label value arrives intact");
      assert.equal(stored[0].metric.host, "127.0.0.1");
      const avgStored = await query(prom, `pingwatcher_target_rtt_avg_seconds${selector}`);
      assert.equal(Number(avgStored[0].value[1]), avg);
      const hopStored = await query(prom, `pingwatcher_hop_probes_sent_total{hop="1"}`);
      assert.equal(Number(hopStored[0].value[1]), hopSent);
      const up = await query(prom, 'up{job="pingwatcher"}');
      assert.equal(up[0].value[1], "1", "scraped with the bearer token");
      const processes = await query(prom, "pingwatcher_process_resident_memory_bytes");
      assert.ok(Number(processes[0].value[1]) > 1e6);
      prometheus.kill("SIGTERM");
      await prometheus.status;
      await logDone.catch(() => {});
      prometheus = null;
    } finally {
      if (prometheus) {
        try {
          prometheus.kill("SIGKILL");
        } catch {
          // Already gone.
        }
        await prometheus.status;
      }
      stop();
      await running;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
