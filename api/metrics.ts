// What GET /metrics reports, as Prometheus metric families: per target (the final hop; every hop
// of the current route when the server runs with --metrics-all-hops), the engine's counters, the
// store's writer, the alert states and this process. Figures over the focus window come from the
// same query as /api/targets/{id}/hops, so both always agree.
import { ruleAppliesTo } from "../alerts/mod.ts";
import type { HistoryHopStats } from "../store/mod.ts";
import type { ProbeCount, TargetView } from "./core/mod.ts";
import type { ApiDeps } from "./deps.ts";
import { FamilySet, type Labels } from "./exposition.ts";
import { processStats } from "./process_stats.ts";
import { interfaceMetrics } from "./metrics_interfaces.ts";

export interface MetricsOptions {
  /** Series for every hop of each target's current route, not only its final hop. */
  allHops: boolean;
}

export interface MetricsQuery {
  /** Rounds in the focus window of the avg/min/max/jitter/loss figures. */
  focus: number;
}

const MS_PER_S = 1000;

/** A target as this process's agent measures it (several agents may share one database). */
function targetLabels(t: TargetView, agent: string): Labels {
  return { target_id: String(t.id), host: t.host, label: t.label ?? "", agent };
}

/** The RTT figures, loss and counters of one hop, declared once for the target and hop scopes. */
function hopFamilies(set: FamilySet, prefix: string, what: string, focus: number) {
  const window = `over the last ${focus} rounds`;
  const gauge = (name: string, help: string) => set.add(`${prefix}_${name}`, "gauge", help);
  const counter = (name: string, help: string) => set.add(`${prefix}_${name}`, "counter", help);
  return {
    last: gauge("rtt_last_seconds", `Round-trip time of ${what} in the newest round`),
    avg: gauge("rtt_avg_seconds", `Average round-trip time of ${what} ${window}`),
    min: gauge("rtt_min_seconds", `Lowest round-trip time of ${what} ${window}`),
    max: gauge("rtt_max_seconds", `Highest round-trip time of ${what} ${window}`),
    jitter: gauge(
      "rtt_jitter_seconds",
      `Mean absolute difference of consecutive round-trip times of ${what} ${window}`,
    ),
    loss: gauge("loss_ratio", `Share of probes to ${what} lost ${window} (0 to 1)`),
    sent: counter(
      "probes_sent_total",
      `Probes sent to ${what} since the process started (prober errors left out)`,
    ),
    lost: counter("probes_lost_total", `Probes to ${what} that nothing answered`),
    errors: counter(
      "probes_errors_total",
      `Probes to ${what} that could not be sent or whose fate is unknown`,
    ),
  };
}

type HopFamilies = ReturnType<typeof hopFamilies>;

function addHop(f: HopFamilies, labels: Labels, stats: HistoryHopStats | null, count: ProbeCount) {
  const seconds = (ms: number | null | undefined, add: (l: Labels, v: number) => void) => {
    if (ms !== null && ms !== undefined) add(labels, ms / MS_PER_S);
  };
  seconds(stats?.curMs, f.last);
  seconds(stats?.avgMs, f.avg);
  seconds(stats?.minMs, f.min);
  seconds(stats?.maxMs, f.max);
  seconds(stats?.jitterMs, f.jitter);
  if (stats && stats.lossPct !== null) f.loss(labels, stats.lossPct / 100);
  f.sent(labels, count.sent);
  f.lost(labels, count.lost);
  f.errors(labels, count.errors);
}

async function targetMetrics(
  set: FamilySet,
  deps: ApiDeps,
  options: MetricsOptions & MetricsQuery,
): Promise<TargetView[]> {
  const targets = (await deps.service.list()).filter((t) => !t.replay);
  const probing = set.add(
    "pingwatcher_target_probing",
    "gauge",
    "1 while the engine probes the target, 0 when paused or refused by the prober",
  );
  const final = hopFamilies(set, "pingwatcher_target", "the target's final hop", options.focus);
  const routeChanges = set.add(
    "pingwatcher_target_route_changes_total",
    "counter",
    "Route changes of the target recorded since the process started",
  );
  const perHop = options.allHops
    ? hopFamilies(set, "pingwatcher_hop", "the hop", options.focus)
    : null;
  // The figures are this agent's own: the counters are, and so are the stored rounds read here.
  const agent = deps.service.agent;
  const own = await deps.store.agentReads(agent) ?? deps.history;
  for (const target of targets) {
    const labels = targetLabels(target, agent);
    const counts = deps.service.counters.counts(target.id);
    const { hops } = await own.hopStats(target.id, { last: options.focus });
    probing(labels, target.status.probing ? 1 : 0);
    addHop(final, labels, hops.at(-1) ?? null, counts.final);
    routeChanges(labels, counts.routeChanges);
    if (!perHop) continue;
    for (const hop of hops) {
      const count = counts.hops.get(hop.hop) ?? { sent: 0, lost: 0, errors: 0 };
      addHop(perHop, { ...labels, hop: String(hop.hop) }, hop, count);
    }
  }
  return targets;
}

function alertMetrics(set: FamilySet, deps: ApiDeps, targets: TargetView[]): void {
  const alerts = deps.alerts;
  if (!alerts) return;
  const firing = set.add(
    "pingwatcher_alert_firing",
    "gauge",
    "1 while the rule fires for the target, 0 otherwise (enabled rules, targets they apply to)",
  );
  const now = new Set(alerts.active().map((a) => `${a.ruleId}:${a.targetId}`));
  for (const rule of alerts.evaluator.rules) {
    if (!rule.enabled) continue;
    for (const target of targets) {
      if (!ruleAppliesTo(rule, target.id)) continue;
      const labels = {
        rule_id: String(rule.id),
        rule: rule.name,
        ...targetLabels(target, deps.service.agent),
      };
      firing(labels, now.has(`${rule.id}:${target.id}`) ? 1 : 0);
    }
  }
}

function engineMetrics(set: FamilySet, deps: ApiDeps): void {
  const c = deps.service.engine.counters();
  const counter = (name: string, help: string, value: number) =>
    set.add(`pingwatcher_engine_${name}`, "counter", help)({}, value);
  const gauge = (name: string, help: string, value: number) =>
    set.add(`pingwatcher_engine_${name}`, "gauge", help)({}, value);
  counter(
    "rounds_due_total",
    "Rounds whose scheduled time came (started plus skipped)",
    c.roundsStarted + c.roundsSkipped,
  );
  counter("rounds_started_total", "Rounds started", c.roundsStarted);
  counter("rounds_completed_total", "Rounds finished and published", c.roundsCompleted);
  counter("rounds_late_total", "Rounds whose first probe left late", c.roundsLate);
  counter("rounds_skipped_total", "Rounds due but never started", c.roundsSkipped);
  gauge("targets", "Targets the engine probes", c.targets);
  gauge("probes_in_flight", "Probes sent and not answered or timed out yet", c.probesInFlight);
  gauge("probes_waiting", "Probes waiting for room under the in-flight limit", c.probesWaiting);
  const lateness = set.add(
    "pingwatcher_engine_round_lateness_seconds",
    "gauge",
    "Percentiles of how late rounds' first probes left, over the recent rounds",
  );
  if (c.latenessP50Ms !== null) lateness({ percentile: "50" }, c.latenessP50Ms / MS_PER_S);
  if (c.latenessP99Ms !== null) lateness({ percentile: "99" }, c.latenessP99Ms / MS_PER_S);
}

async function storeMetrics(set: FamilySet, deps: ApiDeps): Promise<void> {
  const s = await deps.store.storeStats();
  const flush = set.add(
    "pingwatcher_store_flush_duration_seconds",
    "summary",
    "Time taken by flushes of queued rounds (committed or failed)",
  );
  flush({}, s.flushMsTotal / MS_PER_S, "_sum");
  flush({}, s.flushes + s.failedFlushes, "_count");
  const gauge = (name: string, help: string) => set.add(`pingwatcher_store_${name}`, "gauge", help);
  const counter = (name: string, help: string) =>
    set.add(`pingwatcher_store_${name}`, "counter", help);
  if (s.lastFlushMs !== null) {
    gauge("last_flush_duration_seconds", "Duration of the newest flush")({}, s.lastFlushMs / 1e3);
  }
  counter("flush_failures_total", "Flushes that failed (their rounds stay queued)")(
    {},
    s.failedFlushes,
  );
  counter("rounds_written_total", "Rounds written since the process started")({}, s.roundsWritten);
  gauge("queue_rounds", "Rounds accepted and not written yet")({}, s.queuedRounds);
  counter(
    "dropped_rounds_total",
    "Rounds dropped because the queue was full while the database could not be written",
  )({}, s.droppedRounds);
  gauge("size_bytes", "Size of the stored data")({}, s.sizeBytes);
}

async function processMetrics(set: FamilySet): Promise<void> {
  const p = await processStats();
  const add = (name: string, type: "counter" | "gauge", help: string, value: number | null) => {
    if (value !== null) set.add(`pingwatcher_process_${name}`, type, help)({}, value);
  };
  add("cpu_seconds_total", "counter", "User and system CPU time spent", p.cpuSeconds);
  add("resident_memory_bytes", "gauge", "Resident memory size", p.residentBytes);
  add("open_fds", "gauge", "Open file descriptors", p.openFds);
  add(
    "start_time_seconds",
    "gauge",
    "Start time, seconds since the Unix epoch",
    p.startTimeSeconds,
  );
}

/** Every family, in a fixed order: targets, alerts, engine, store, interfaces, process. */
export async function collectMetrics(
  deps: ApiDeps,
  query: MetricsQuery,
): Promise<FamilySet> {
  const set = new FamilySet();
  const options = { ...(deps.metrics ?? { allHops: false }), ...query };
  const targets = await targetMetrics(set, deps, options);
  alertMetrics(set, deps, targets);
  engineMetrics(set, deps);
  await storeMetrics(set, deps);
  interfaceMetrics(set, deps);
  await processMetrics(set);
  return set;
}
