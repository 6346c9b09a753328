// Several targets' final hops on one timeline (PingPlotter users compare the ISP gateway, a cloud
// region and the VPN end this way): one latency line per target, a legend, loss as columns on
// the right axis, the same presets, zoom and pan as the timeline.
import { useMemo } from "preact/hooks";
import type { Theme } from "../model/settings.ts";
import type { TimeRange } from "../model/timeline.ts";
import type { TimelinePoint } from "../model/types.ts";
import { Chart, type ChartOptions, type ChartSeries } from "./chart.tsx";
import { RangeToolbar } from "./range_toolbar.tsx";

export interface CompareProps {
  theme: Theme;
  range: TimeRange;
  presets: readonly { id: string; label: string }[];
  targets: { id: number; name: string }[];
  series: Record<number, TimelinePoint[]>;
  error: string | null;
  onPreset: (id: string) => void;
  onRange: (start: number, end: number) => void;
  onPan: (fraction: number) => void;
  onZoom: (factor: number) => void;
  /** Absent: the lines cannot be removed (the agents of one target). */
  onRemove?: (id: number) => void;
  /** What the lines are, for the legend (default "Targets"). */
  legendLabel?: string;
  /** Show the range controls (default true; false where a timeline above has them). */
  rangeControls?: boolean;
}

const COLORS = [
  "#2f6fdf",
  "#e8a33d",
  "#3fb950",
  "#a371f7",
  "#d93b3b",
  "#1abc9c",
  "#ff6bcb",
  "#8b949e",
];

function toSeries(props: CompareProps): ChartSeries {
  return props.targets.map((t) => ({
    name: t.name,
    type: "line",
    data: (props.series[t.id] ?? []).map((p) => ({ x: p.t, y: p.avgMs })) as {
      x: number;
      y: number;
    }[],
  }));
}

function options(props: CompareProps): ChartOptions {
  const dark = props.theme === "dark";
  return {
    chart: {
      type: "line",
      height: 340,
      animations: { enabled: false },
      background: "transparent",
      foreColor: dark ? "#c9d1d9" : "#333",
      zoom: { enabled: true, type: "x", autoScaleYaxis: true },
      toolbar: { show: true, tools: { download: false, pan: false, reset: false } },
      events: {
        zoomed: (_c: unknown, o: { xaxis?: { min?: number; max?: number } }) => {
          if (o?.xaxis?.min !== undefined && o.xaxis.max !== undefined) {
            props.onRange(o.xaxis.min, o.xaxis.max);
          }
        },
      },
    },
    theme: { mode: dark ? "dark" : "light" },
    colors: COLORS,
    stroke: { width: 1.8, curve: "straight" },
    dataLabels: { enabled: false },
    legend: { show: true, position: "top", horizontalAlign: "left", showForSingleSeries: true },
    // Points as dots too: a target with a few answers between losses is still seen.
    markers: { size: 2, strokeWidth: 0 },
    xaxis: {
      type: "datetime",
      min: props.range.start,
      max: props.range.end,
      labels: { datetimeUTC: false },
    },
    yaxis: {
      min: 0,
      forceNiceScale: true,
      title: { text: "final hop ms" },
      labels: { formatter: (v: number) => (v === null ? "" : v.toFixed(v < 10 ? 1 : 0)) },
    },
    tooltip: { shared: true, x: { format: "yyyy-MM-dd HH:mm:ss" } },
    grid: { borderColor: dark ? "#30363d" : "#e1e4e8" },
    noData: { text: "No samples in this range" },
  };
}

export function Compare(props: CompareProps) {
  const ids = props.targets.map((t) => t.id).join(",");
  const series = useMemo(() => toSeries(props), [props.series, ids]);
  const opts = useMemo(
    () => options(props),
    [props.theme, props.range.start, props.range.end],
  );
  const legend = props.legendLabel ?? "Targets";
  if (!props.targets.length) {
    return (
      <p class="empty" data-testid="compare-empty">
        Tick two or more targets in the Summary, then press “Compare selected”.
      </p>
    );
  }
  return (
    <div class="timeline compare">
      {props.rangeControls !== false && (
        <RangeToolbar
          label="Timeline range"
          range={props.range}
          presets={props.presets}
          onPreset={props.onPreset}
          onPan={props.onPan}
          onZoom={props.onZoom}
          rangeTestId="compare-range"
        />
      )}
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <ul class="compare-legend" aria-label={`Compared ${legend.toLowerCase()}`}>
        <li class="toolbar-label">{legend}</li>
        {props.targets.map((t) => (
          <li key={t.id} data-testid="compare-target">
            {t.name}
            {props.onRemove && (
              <button
                type="button"
                class="link"
                onClick={() => props.onRemove!(t.id)}
              >
                remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {/* The number of lines is fixed at creation: a new set of targets re-creates the chart. */}
      <Chart
        key={ids}
        options={opts}
        series={series}
        label={`Final-hop latency of ${props.targets.map((t) => t.name).join(", ")}`}
        testId="compare-chart"
      />
    </div>
  );
}
