// The timeline's throughput overlay: the primary interface's rx/tx rate on the timeline's time
// range, with the final hop's loss on the same chart, so loss can be read against load at a
// glance. Off by default; the toggle is remembered by the browser.
import { useMemo } from "preact/hooks";
import type { InterfaceHistoryPoint } from "../../api/wire.ts";
import type { Theme } from "../model/settings.ts";
import type { TimeRange } from "../model/timeline.ts";
import { Chart, type ChartOptions, type ChartSeries } from "./chart.tsx";
import { mbps } from "./interfaces.tsx";

export interface ThroughputOverlayProps {
  theme: Theme;
  on: boolean;
  overlay: { name: string; points: InterfaceHistoryPoint[] } | null;
  error: string | null;
  range: TimeRange;
  /** The final hop's loss over the same range. */
  loss: { t: number; lossPct: number }[];
  onToggle: () => void;
}

function seriesOf(props: ThroughputOverlayProps): ChartSeries {
  const points = props.overlay?.points ?? [];
  return [
    {
      name: "rx Mbit/s",
      type: "line",
      data: points.map((p) => ({ x: p.at, y: Number(mbps(p.rxBytesPerS).toFixed(4)) })),
    },
    {
      name: "tx Mbit/s",
      type: "line",
      data: points.map((p) => ({ x: p.at, y: Number(mbps(p.txBytesPerS).toFixed(4)) })),
    },
    {
      name: "loss %",
      type: "column",
      data: props.loss.map((p) => ({ x: p.t, y: p.lossPct > 0 ? p.lossPct : null })) as {
        x: number;
        y: number;
      }[],
    },
  ];
}

function mbitLabel(v: number): string {
  return v === null ? "" : v < 10 ? v.toFixed(1) : v.toFixed(0);
}

function optionsOf(props: ThroughputOverlayProps): ChartOptions {
  const dark = props.theme === "dark";
  return {
    chart: {
      type: "line",
      height: 200,
      animations: { enabled: false },
      background: "transparent",
      foreColor: dark ? "#c9d1d9" : "#333",
      toolbar: { show: false },
      zoom: { enabled: false },
    },
    theme: { mode: dark ? "dark" : "light" },
    colors: ["#2f6fdf", "#2da44e", "#d93b3b"],
    stroke: { width: [1.5, 1.5, 0], curve: "straight" },
    dataLabels: { enabled: false },
    legend: { show: true, position: "top", horizontalAlign: "left" },
    markers: { size: 0 },
    plotOptions: { bar: { columnWidth: "90%" } },
    xaxis: {
      type: "datetime",
      min: props.range.start,
      max: props.range.end,
      tickAmount: 10,
      labels: { datetimeUTC: false },
    },
    yaxis: [
      {
        seriesName: "rx Mbit/s",
        min: 0,
        title: { text: "Mbit/s" },
        forceNiceScale: true,
        labels: { formatter: mbitLabel },
      },
      { seriesName: "rx Mbit/s", show: false, min: 0, labels: { formatter: mbitLabel } },
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
    noData: { text: "No interface samples in this range" },
  };
}

export function ThroughputOverlay(props: ThroughputOverlayProps) {
  const series = useMemo(() => seriesOf(props), [props.overlay, props.loss]);
  const options = useMemo(() => optionsOf(props), [
    props.theme,
    props.range.start,
    props.range.end,
  ]);
  return (
    <div class="throughput-overlay" data-testid="throughput-overlay">
      <label class="inline">
        <input
          type="checkbox"
          checked={props.on}
          onChange={props.onToggle}
          data-testid="overlay-toggle"
        />
        Overlay the primary interface's throughput
        {props.on && props.overlay && ` (${props.overlay.name})`}
      </label>
      {props.on && props.error && <p class="notice" role="status">{props.error}</p>}
      {props.on && props.overlay && (
        <Chart
          options={options}
          series={series}
          label={`Throughput of ${props.overlay.name} against the final hop's loss`}
          testId="overlay-chart"
        />
      )}
    </div>
  );
}
