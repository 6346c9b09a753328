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

const SR = { w: 600, h: 140 };

/**
 * The success rate as a light SVG area (one path per answered run, no chart library): it redraws
 * with every timeline update and must not hold up the timeline's own chart. The plot stretches to
 * the card's width; its labels are HTML so they are never stretched.
 */
function SuccessArea(props: { points: SuccessPoint[]; start: number; end: number }) {
  const span = Math.max(1, props.end - props.start);
  const x = (t: number) => ((t - props.start) / span) * SR.w;
  const y = (pct: number) => (1 - pct / 100) * SR.h;
  const runs: string[] = [];
  let run: [number, number][] = [];
  const close = () => {
    if (run.length) {
      const pts = run.length === 1 ? [[run[0][0] - 1, run[0][1]], [run[0][0] + 1, run[0][1]]] : run;
      const line = pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" L");
      runs.push(
        `M${pts[0][0].toFixed(1)},${SR.h} L${line} L${pts.at(-1)![0].toFixed(1)},${SR.h} Z`,
      );
    }
    run = [];
  };
  for (const p of props.points) {
    if (p.pct === null) close();
    else run.push([x(p.t), y(p.pct)]);
  }
  close();
  return (
    <div class="success-plot" data-testid="success-chart">
      <div class="y-labels" aria-hidden="true">
        <span>100 %</span>
        <span>50 %</span>
        <span>0 %</span>
      </div>
      <svg
        viewBox={`0 0 ${SR.w} ${SR.h}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="Share of answered probes to the final hop over time"
      >
        {[0, 50, 100].map((pct) => (
          <line key={pct} x1="0" x2={SR.w} y1={y(pct)} y2={y(pct)} class="grid-line" />
        ))}
        {runs.map((d, i) => <path key={i} d={d} class="success-fill" />)}
      </svg>
      <div class="x-labels" aria-hidden="true">
        <span>{formatTime(props.start)}</span>
        <span>{formatTime(props.end)}</span>
      </div>
    </div>
  );
}

function SuccessRate(props: DashboardProps) {
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
      {props.success.length === 0
        ? <p class="empty" data-testid="success-empty">No probes in this range yet.</p>
        : <SuccessArea points={props.success} start={props.range.start} end={props.range.end} />}
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
                data-seq={r.seq}
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
