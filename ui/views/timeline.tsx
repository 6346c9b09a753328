// Timeline: one chart per chosen hop (final hop by default) with latency, loss in red and the
// percentile band from rollups; presets, zoom and pan; route-change and comment annotations.
import { useMemo, useState } from "preact/hooks";
import { Chart, type ChartOptions, type ChartSeries } from "./chart.tsx";
import { CommentList } from "./comments.tsx";
import { RangeToolbar } from "./range_toolbar.tsx";
import { formatTime } from "../model/format.ts";
import type { Comment } from "../model/comments.ts";
import type { Theme } from "../model/settings.ts";
import type { HopKey, TimeRange } from "../model/timeline.ts";
import type { RouteChangeEntry, TimelinePoint } from "../model/types.ts";
import type { Outage } from "../model/outages.ts";
import { outageAnnotations } from "./outage_spans.ts";
import type { AddressChangeEntry } from "../../api/wire.ts";

export interface TimelineProps {
  theme: Theme;
  range: TimeRange;
  presets: readonly { id: string; label: string }[];
  shownHops: HopKey[];
  hopChoices: number[];
  series: Record<string, TimelinePoint[]>;
  routeChanges: RouteChangeEntry[];
  /** Dynamic-DNS address changes: annotated like route changes. */
  addressChanges?: AddressChangeEntry[];
  comments: Comment[];
  /** Outages in the range: shaded spans. */
  outages?: Outage[];
  /** The trace graph's focus when it is a time range: shaded on the charts. */
  focusRange: { start: number; end: number } | null;
  error: string | null;
  onPreset: (id: string) => void;
  onRange: (start: number, end: number) => void;
  onPan: (fraction: number) => void;
  onZoom: (factor: number) => void;
  onToggleHop: (hop: HopKey) => void;
  onPickTime: (atMs: number) => void;
  onFocusRange: (start: number, end: number) => void;
  onComment: (atMs: number, text: string) => void;
  onRemoveComment: (comment: Comment) => void;
}

function toSeries(points: TimelinePoint[], band: boolean): ChartSeries {
  const latency = points.map((p) => ({ x: p.t, y: p.avgMs }));
  const loss = points.map((p) => ({ x: p.t, y: p.lossPct > 0 ? p.lossPct : null }));
  const out: ChartSeries = [];
  if (band) {
    out.push({
      name: "p5–p95",
      type: "rangeArea",
      data: points.map((p) => ({
        x: p.t,
        y: p.lowMs !== null && p.highMs !== null ? [p.lowMs, p.highMs] : null,
      })) as unknown as { x: number; y: number[] }[],
    });
  }
  out.push({ name: "latency ms", type: "line", data: latency as { x: number; y: number }[] });
  out.push({ name: "loss %", type: "column", data: loss as { x: number; y: number }[] });
  return out;
}

function annotationsOf(
  changes: RouteChangeEntry[],
  comments: Comment[],
  focus: { start: number; end: number } | null,
  outages: Outage[] = [],
  moved: AddressChangeEntry[] = [],
): ApexAnnotations {
  return {
    xaxis: [
      ...outageAnnotations(outages),
      ...(focus
        ? [{
          x: focus.start,
          x2: focus.end,
          fillColor: "#2f81f7",
          opacity: 0.15,
          borderColor: "#2f81f7",
          label: { text: "focus", style: { background: "#2f81f7", color: "#fff" } },
        }]
        : []),
      ...changes.map((c) => ({
        x: c.at,
        borderColor: "#e8a33d",
        strokeDashArray: 4,
        label: { text: "route change", style: { background: "#e8a33d", color: "#111" } },
      })),
      ...moved.map((c) => ({
        x: c.at,
        borderColor: "#1abc9c",
        strokeDashArray: 2,
        label: { text: `address → ${c.after}`, style: { background: "#1abc9c", color: "#111" } },
      })),
      ...comments.map((c) => {
        // An alert's comment is told apart from a person's by its colour.
        const color = c.source === "user" ? "#4a90d9" : "#a371f7";
        return {
          x: c.at,
          borderColor: color,
          label: { text: c.text, style: { background: color, color: "#fff" } },
        };
      }),
    ],
  };
}

function chartOptions(
  props: TimelineProps,
  hopLabel: string,
  band: boolean,
): ChartOptions {
  const dark = props.theme === "dark";
  const colors = band ? ["#5b8def", "#2f6fdf", "#d93b3b"] : ["#2f6fdf", "#d93b3b"];
  return {
    chart: {
      type: "line",
      height: 220,
      animations: { enabled: false },
      background: "transparent",
      foreColor: dark ? "#c9d1d9" : "#333",
      zoom: { enabled: true, type: "x", autoScaleYaxis: true },
      toolbar: { show: true, tools: { download: false, pan: false, reset: false } },
      selection: { enabled: true },
      events: {
        zoomed: (_c: unknown, o: { xaxis?: { min?: number; max?: number } }) => {
          if (o?.xaxis?.min !== undefined && o.xaxis.max !== undefined) {
            props.onRange(o.xaxis.min, o.xaxis.max);
          }
        },
        selection: (_c: unknown, o: { xaxis?: { min: number; max: number } }) => {
          if (o?.xaxis) props.onFocusRange(o.xaxis.min, o.xaxis.max);
        },
      },
    },
    theme: { mode: dark ? "dark" : "light" },
    colors,
    stroke: { width: band ? [0, 1.5, 0] : [1.5, 0], curve: "straight" },
    fill: { opacity: band ? [0.25, 1, 0.9] : [1, 0.9] },
    dataLabels: { enabled: false },
    legend: { show: true, position: "top", horizontalAlign: "left" },
    markers: { size: 0 },
    plotOptions: { bar: { columnWidth: "90%" } },
    xaxis: {
      type: "datetime",
      min: props.range.start,
      max: props.range.end,
      labels: { datetimeUTC: false },
    },
    yaxis: [
      ...(band ? [{ seriesName: "latency ms", show: false }] : []),
      {
        seriesName: "latency ms",
        title: { text: `${hopLabel} ms` },
        min: 0,
        forceNiceScale: true,
        labels: { formatter: (v: number) => (v === null ? "" : v.toFixed(v < 10 ? 1 : 0)) },
      },
      {
        seriesName: "loss %",
        opposite: true,
        min: 0,
        max: 100,
        title: { text: "loss %" },
        labels: { formatter: (v: number) => `${Math.round(v)}` },
      },
    ],
    tooltip: { shared: true, x: { format: "yyyy-MM-dd HH:mm:ss" } },
    grid: { borderColor: dark ? "#30363d" : "#e1e4e8" },
    noData: { text: "No samples in this range" },
  };
}

function HopChart(props: TimelineProps & { hop: HopKey }) {
  const points = props.series[String(props.hop)] ?? [];
  const band = props.range.end - props.range.start > 3_600_000 &&
    points.some((p) => p.lowMs !== null && p.highMs !== null && p.highMs > p.lowMs);
  const hopLabel = props.hop === "last" ? "final hop" : `hop ${props.hop}`;
  const series = useMemo(() => toSeries(points, band), [points, band]);
  const options = useMemo(
    () => chartOptions(props, hopLabel, band),
    [props.theme, props.range.start, props.range.end, band, hopLabel],
  );
  const annotations = useMemo(
    () =>
      annotationsOf(
        props.routeChanges,
        props.comments,
        props.focusRange,
        props.outages,
        props.addressChanges,
      ),
    [
      props.routeChanges,
      props.comments,
      props.focusRange?.start,
      props.focusRange?.end,
      props.outages,
      props.addressChanges,
    ],
  );
  // Combination charts cannot change their series types in place: a new key re-creates it.
  return (
    <section class="hop-chart" aria-label={`Timeline of ${hopLabel}`}>
      <Chart
        key={band ? "band" : "plain"}
        options={options}
        series={series}
        annotations={annotations}
        onPickTime={props.onPickTime}
        label={`Latency and loss of ${hopLabel} over time`}
        testId={`timeline-${props.hop}`}
      />
    </section>
  );
}

export function Timeline(props: TimelineProps) {
  const [comment, setComment] = useState("");
  const [picked, setPicked] = useState<number | null>(null);
  const pick = (at: number) => {
    setPicked(at);
    props.onPickTime(at);
  };
  return (
    <div class="timeline">
      <RangeToolbar
        label="Timeline range"
        range={props.range}
        presets={props.presets}
        onPreset={props.onPreset}
        onPan={props.onPan}
        onZoom={props.onZoom}
        rangeTestId="timeline-range"
      >
        <label class="inline">
          Add hop
          <select
            value=""
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v) props.onToggleHop(v === "last" ? "last" : Number(v));
            }}
          >
            <option value="">choose…</option>
            {!props.shownHops.includes("last") && <option value="last">final hop</option>}
            {props.hopChoices.filter((h) => !props.shownHops.includes(h)).map((h) => (
              <option key={h} value={h}>hop {h}</option>
            ))}
          </select>
        </label>
      </RangeToolbar>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      {props.shownHops.map((hop) => (
        <div key={String(hop)} class="hop-chart-wrap">
          <div class="hop-chart-head">
            <strong>{hop === "last" ? "Final hop" : `Hop ${hop}`}</strong>
            {props.shownHops.length > 1 && (
              <button
                type="button"
                class="link"
                onClick={() => props.onToggleHop(hop)}
              >
                remove
              </button>
            )}
          </div>
          <HopChart {...props} onPickTime={pick} hop={hop} />
        </div>
      ))}
      <form
        class="comment-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!comment.trim()) return;
          props.onComment(picked ?? Date.now(), comment.trim());
          setComment("");
        }}
      >
        <label class="inline">
          Comment at {picked ? formatTime(picked) : "now"}
          <input
            value={comment}
            maxLength={80}
            onInput={(e) => setComment((e.target as HTMLInputElement).value)}
            placeholder="e.g. ISP maintenance"
          />
        </label>
        <button type="submit">Add comment</button>
        <span class="hint">
          Double-click a moment to focus the trace graph there; drag to zoom.
        </span>
      </form>
      <CommentList comments={props.comments} onRemove={props.onRemoveComment} />
    </div>
  );
}
