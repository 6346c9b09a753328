// The target page's dashboard: success rate over time, the RTT histogram of the selected range
// and the recent raw results, paged. Data by props; charts through the one Chart wrapper.
import { useMemo } from "preact/hooks";
import type { HistogramBucketMs, ResultRow, SuccessPoint } from "../model/dashboard.ts";
import { formatMs, formatPct, formatTime } from "../model/format.ts";
import type { Theme } from "../model/settings.ts";
import { Chart, type ChartOptions } from "./chart.tsx";

export interface DashboardProps {
  theme: Theme;
  range: { start: number; end: number };
  success: SuccessPoint[];
  histogram: HistogramBucketMs[] | null;
  results: ResultRow[];
  page: number;
  hasOlder: boolean;
  allHops: boolean;
  error: string | null;
  onOlder: () => void;
  onNewer: () => void;
  onAllHops: (all: boolean) => void;
}

function base(theme: Theme, height: number): ChartOptions {
  const dark = theme === "dark";
  return {
    chart: {
      height,
      animations: { enabled: false },
      background: "transparent",
      foreColor: dark ? "#c9d1d9" : "#333",
      toolbar: { show: false },
      zoom: { enabled: false },
    },
    theme: { mode: dark ? "dark" : "light" },
    dataLabels: { enabled: false },
    grid: { borderColor: dark ? "#30363d" : "#e1e4e8" },
  };
}

function SuccessRate(props: DashboardProps) {
  const answered = props.success.filter((p) => p.pct !== null);
  const series = useMemo(() => [{
    name: "success %",
    data: props.success.map((p) => ({ x: p.t, y: p.pct })) as { x: number; y: number }[],
  }], [props.success]);
  const options = useMemo((): ChartOptions => ({
    ...base(props.theme, 180),
    chart: { ...base(props.theme, 180).chart, type: "area" },
    colors: ["#3fb950"],
    stroke: { width: 1.5, curve: "straight" },
    fill: { opacity: 0.25 },
    xaxis: {
      type: "datetime",
      min: props.range.start,
      max: props.range.end,
      labels: { datetimeUTC: false },
    },
    yaxis: {
      min: 0,
      max: 100,
      tickAmount: 4,
      labels: { formatter: (v: number) => `${Math.round(v)} %` },
    },
    tooltip: { x: { format: "yyyy-MM-dd HH:mm:ss" } },
    noData: { text: "No probes in this range" },
  }), [props.theme, props.range.start, props.range.end]);
  const sent = props.success.reduce((n, p) => n + p.sent, 0);
  const ok = props.success.reduce((n, p) => n + (p.pct === null ? 0 : p.sent * p.pct / 100), 0);
  return (
    <section class="dash-card" aria-label="Success rate over time">
      <h3>
        Success rate{" "}
        <span class="muted" data-testid="success-overall">
          {sent ? `${formatPct((100 * ok) / sent)} % of ${sent} probes` : "no probes in this range"}
        </span>
      </h3>
      {answered.length === 0 && props.success.length === 0
        ? <p class="empty" data-testid="success-empty">No probes in this range yet.</p>
        : (
          <Chart
            options={options}
            series={series}
            label="Share of answered probes to the final hop over time"
            testId="success-chart"
            benchMark={false}
          />
        )}
    </section>
  );
}

function bucketLabel(b: HistogramBucketMs): string {
  return b.upperMs === null
    ? `≥ ${formatMs(b.lowerMs)}`
    : `${formatMs(b.lowerMs)}–${formatMs(b.upperMs)}`;
}

function Histogram(props: DashboardProps) {
  const buckets = props.histogram ?? [];
  const series = useMemo(() => [{
    name: "replies",
    data: buckets.map((b) => ({ x: bucketLabel(b), y: b.count })),
  }], [props.histogram]);
  const options = useMemo((): ChartOptions => ({
    ...base(props.theme, 180),
    chart: { ...base(props.theme, 180).chart, type: "bar" },
    colors: ["#2f6fdf"],
    plotOptions: { bar: { columnWidth: "92%" } },
    xaxis: { type: "category", title: { text: "RTT ms (final hop)" }, labels: { rotate: -45 } },
    yaxis: { min: 0, forceNiceScale: true, labels: { formatter: (v: number) => `${v}` } },
  }), [props.theme]);
  const total = buckets.reduce((n, b) => n + b.count, 0);
  return (
    <section class="dash-card" aria-label="RTT histogram">
      <h3>
        RTT histogram{" "}
        <span class="muted" data-testid="histogram-total">
          {total ? `${total} replies` : ""}
        </span>
      </h3>
      {total === 0
        ? <p class="empty" data-testid="histogram-empty">No answers in this range yet.</p>
        : (
          <Chart
            options={options}
            series={series}
            label="How many replies fell in each RTT bucket"
            testId="histogram-chart"
            benchMark={false}
          />
        )}
    </section>
  );
}

function kindText(r: ResultRow): string {
  if (r.kind === "timeout") return "lost (timeout)";
  if (r.kind === "unreachable") return `unreachable${r.code ? ` (${r.code})` : ""}`;
  if (r.kind === "error") return `error${r.code ? ` (${r.code})` : ""}`;
  return r.kind === "ttlExceeded" ? "TTL exceeded" : "reply";
}

function RecentResults(props: DashboardProps) {
  return (
    <section class="dash-card wide" aria-label="Recent results">
      <h3>Recent results</h3>
      <div class="toolbar">
        <label class="inline">
          <input
            type="checkbox"
            checked={props.allHops}
            onChange={(e) => props.onAllHops((e.target as HTMLInputElement).checked)}
          />
          every hop
        </label>
        <button type="button" disabled={props.page <= 1} onClick={props.onNewer}>
          ◀ newer
        </button>
        <span data-testid="results-page">page {props.page}</span>
        <button type="button" disabled={!props.hasOlder} onClick={props.onOlder}>
          older ▶
        </button>
      </div>
      <div class="table-scroll">
        <table class="results" aria-label="Recent raw results">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col" class="num">Hop</th>
              <th scope="col">Address</th>
              <th scope="col" class="num">RTT ms</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {props.results.length === 0 && (
              <tr>
                <td colSpan={5} class="empty">No rounds in this range yet.</td>
              </tr>
            )}
            {props.results.map((r) => (
              <tr
                key={`${r.seq}-${r.hop}`}
                data-testid="result-row"
                class={r.rttMs === null ? "lost" : ""}
              >
                <td>{formatTime(r.at)}</td>
                <td class="num">{r.hop}</td>
                <td class="ip">{r.ip ?? "*"}</td>
                <td class={r.rttMs === null ? "num err" : "num"}>
                  {r.rttMs === null ? "ERR" : formatMs(r.rttMs)}
                </td>
                <td>{kindText(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Dashboard(props: DashboardProps) {
  return (
    <div class="dashboard">
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <SuccessRate {...props} />
      <Histogram {...props} />
      <RecentResults {...props} />
    </div>
  );
}
