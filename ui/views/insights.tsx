// Insights for the timeline's range: uptime, percentiles, jitter, MOS. Shows whatever numbers
// the server computed, labelled and formatted.
import type { InsightsReply } from "../../api/wire.ts";
import { formatDuration, formatMs, formatPct } from "../model/format.ts";

const LABELS: Record<string, string> = {
  sent: "Probes sent",
  received: "Replies",
  hopCount: "Hops",
  uptimePct: "Uptime %",
  availabilityPct: "Uptime %",
  lossPct: "Loss %",
  p50Ms: "p50 ms",
  p90Ms: "p90 ms",
  p95Ms: "p95 ms",
  p99Ms: "p99 ms",
  avgMs: "Avg ms",
  minMs: "Min ms",
  maxMs: "Max ms",
  jitterMs: "Jitter ms",
  mos: "MOS",
  samples: "Samples",
  routeChanges: "Route changes",
  // Nested figures (api/check_figures.ts, api/outage_figures.ts) by their full key.
  "checks.successRatePct": "Success rate %",
  "outages.count": "Outages",
  "outages.downtimeMs": "Downtime",
  "outages.uptimePct": "Uptime (outages) %",
};

/** `checks` repeats sent/received/min/avg/max under ace's names: only its success rate is new. */
const HIDDEN = /^checks\.(?!successRatePct$)/;

function flatten(value: object, prefix = ""): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "number") out.push([prefix + k, v]);
    else if (v && typeof v === "object" && !Array.isArray(v) && prefix === "") {
      out.push(...flatten(v, `${k}.`));
    }
  }
  return out;
}

function show(key: string, v: number): string {
  const base = key.split(".").pop()!;
  if (key === "outages.downtimeMs") return formatDuration(v);
  if (/Pct$/.test(base)) return formatPct(v, 2);
  if (/Ms$/.test(base)) return formatMs(v);
  if (base === "mos") return v.toFixed(2);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function Insights(
  props: { insights: InsightsReply | null; error: string | null; onRefresh: () => void },
) {
  const entries = props.insights
    ? flatten(props.insights).filter(([k]) =>
      !/(^|\.)(id|targetId|start|end|at|hop)$/.test(k) && !HIDDEN.test(k)
    )
    : [];
  const findings = props.insights?.findings ?? [];
  return (
    <aside class="insights" aria-label="Insights">
      <div class="panel-head">
        <h3>Insights</h3>
        <button type="button" class="link" onClick={props.onRefresh}>refresh</button>
      </div>
      {props.error && <p class="muted">{props.error}</p>}
      {!props.insights && !props.error && <p class="muted">For the timeline's range.</p>}
      <dl>
        {entries.map(([k, v]) => (
          <div key={k} class="kv">
            <dt>{LABELS[k] ?? LABELS[k.split(".").pop()!] ?? k}</dt>
            <dd>{show(k, v)}</dd>
          </div>
        ))}
      </dl>
      {findings.length > 0 && (
        <ul class="findings" aria-label="Findings">
          {findings.map((f, i) => <li key={i} class={`finding ${f.severity}`}>{f.message}</li>)}
        </ul>
      )}
    </aside>
  );
}
