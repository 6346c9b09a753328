// The Interfaces view: per monitored interface an rx/tx chart (average per point, the busiest
// interval as a dotted peak line) with zoom and pan like the timeline, the newest rates,
// utilisation when the link speed is known, errors and drops; the primary interface is marked,
// and interfaces the filter skips are listed with the reason.
import { useMemo } from "preact/hooks";
import type { InterfaceHistoryPoint, InterfaceReply, InterfacesReply } from "../../api/wire.ts";
import { RangeToolbar } from "./range_toolbar.tsx";
import type { Theme } from "../model/settings.ts";
import type { TimeRange } from "../model/timeline.ts";
import { Chart, type ChartOptions, type ChartSeries } from "./chart.tsx";

export interface InterfacesPageProps {
  theme: Theme;
  reply: InterfacesReply | null;
  range: TimeRange;
  presets: readonly { id: string; label: string }[];
  histories: Record<string, InterfaceHistoryPoint[]>;
  error: string | null;
  onPreset: (id: string) => void;
  onRange: (start: number, end: number) => void;
  onPan: (fraction: number) => void;
  onZoom: (factor: number) => void;
}

/** A byte rate as bits per second with a unit (networks are spoken of in bits). */
export function formatBitRate(bytesPerS: number | null | undefined): string {
  if (bytesPerS === null || bytesPerS === undefined) return "—";
  const bits = bytesPerS * 8;
  const units = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"];
  let i = 0, v = bits;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 && i > 0 ? 2 : v < 100 && i > 0 ? 1 : 0)} ${units[i]}`;
}

export function mbps(bytesPerS: number): number {
  return bytesPerS * 8 / 1e6;
}

function ratesSeries(points: InterfaceHistoryPoint[]): ChartSeries {
  const line = (pick: (p: InterfaceHistoryPoint) => number) =>
    points.map((p) => ({ x: p.at, y: Number(mbps(pick(p)).toFixed(4)) }));
  return [
    { name: "rx Mbit/s", data: line((p) => p.rxBytesPerS) },
    { name: "tx Mbit/s", data: line((p) => p.txBytesPerS) },
    { name: "rx peak", data: line((p) => p.rxPeakBytesPerS) },
    { name: "tx peak", data: line((p) => p.txPeakBytesPerS) },
  ];
}

function chartOptions(props: InterfacesPageProps, speedMbps: number | null): ChartOptions {
  const dark = props.theme === "dark";
  return {
    chart: {
      type: "line",
      height: 200,
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
    colors: ["#2f6fdf", "#2da44e", "#2f6fdf", "#2da44e"],
    stroke: { width: [1.8, 1.8, 1, 1], dashArray: [0, 0, 3, 3], curve: "straight" },
    dataLabels: { enabled: false },
    legend: { show: true, position: "top", horizontalAlign: "left" },
    markers: { size: 0 },
    xaxis: {
      type: "datetime",
      min: props.range.start,
      max: props.range.end,
      labels: { datetimeUTC: false },
    },
    yaxis: {
      min: 0,
      forceNiceScale: true,
      ...(speedMbps ? { max: undefined } : {}),
      title: { text: speedMbps ? `Mbit/s (link ${speedMbps} Mbit/s)` : "Mbit/s" },
      labels: {
        formatter: (v: number) => (v === null ? "" : v < 10 ? v.toFixed(2) : v.toFixed(0)),
      },
    },
    tooltip: { shared: true, x: { format: "yyyy-MM-dd HH:mm:ss" } },
    grid: { borderColor: dark ? "#30363d" : "#e1e4e8" },
    noData: { text: "No samples in this range" },
  };
}

function sum(points: InterfaceHistoryPoint[], pick: (p: InterfaceHistoryPoint) => number) {
  return points.reduce((n, p) => n + pick(p), 0);
}

function InterfaceCard(props: InterfacesPageProps & { iface: InterfaceReply }) {
  const { iface } = props;
  const points = props.histories[iface.name] ?? [];
  const series = useMemo(() => ratesSeries(points), [points]);
  const options = useMemo(
    () => chartOptions(props, iface.speedMbps),
    [props.theme, props.range.start, props.range.end, iface.speedMbps],
  );
  const rates = iface.latest?.rates;
  const errors = sum(points, (p) => p.errors.rx + p.errors.tx);
  const drops = sum(points, (p) => p.drops.rx + p.drops.tx);
  return (
    <section
      class="panel iface-card"
      aria-label={`Interface ${iface.name}`}
      data-testid={`iface-${iface.name}`}
    >
      <div class="hop-chart-head">
        <h3>
          {iface.name}
          {iface.primary && <span class="badge" data-testid="primary-badge">primary</span>}
        </h3>
        <span class="hint">
          {iface.present ? iface.state : "not present (stored history)"}
          {iface.speedMbps ? ` · ${iface.speedMbps} Mbit/s` : " · speed unknown"}
        </span>
      </div>
      <dl class="iface-figures">
        <dt>rx now</dt>
        <dd data-testid={`rx-rate-${iface.name}`}>{formatBitRate(rates?.rxBytesPerS)}</dd>
        <dt>tx now</dt>
        <dd data-testid={`tx-rate-${iface.name}`}>{formatBitRate(rates?.txBytesPerS)}</dd>
        {iface.utilisationPct && (
          <>
            <dt>utilisation</dt>
            <dd>
              rx {iface.utilisationPct.rx.toFixed(1)} % · tx {iface.utilisationPct.tx.toFixed(1)} %
            </dd>
          </>
        )}
        <dt>errors in range</dt>
        <dd class={errors ? "bad" : ""}>{errors}</dd>
        <dt>drops in range</dt>
        <dd class={drops ? "bad" : ""}>{drops}</dd>
      </dl>
      <Chart
        options={options}
        series={series}
        label={`Receive and transmit rate of ${iface.name} over time`}
        testId={`iface-chart-${iface.name}`}
      />
    </section>
  );
}

export function InterfacesPage(props: InterfacesPageProps) {
  const reply = props.reply;
  const list = reply?.interfaces ?? [];
  const charted = list.filter((i) => i.monitored || !i.present);
  const skipped = list.filter((i) => !i.monitored && i.present);
  return (
    <div class="interfaces">
      <section class="panel" aria-label="Interfaces">
        <h2>Interfaces</h2>
        {props.error && <p class="error" role="alert">{props.error}</p>}
        {reply?.reason && <p class="notice" role="status">{reply.reason}</p>}
        {reply && reply.state === "running" && (
          <p class="hint">
            Counters read every {reply.intervalMs / 1000} s
            {reply.primary.name
              ? `; primary: ${reply.primary.name} (${
                reply.primary.by === "override"
                  ? "set in the settings"
                  : reply.primary.by === "default-route"
                  ? "default route"
                  : "busiest"
              }${reply.primary.settled ? "" : ", still being chosen"})`
              : "; no primary yet"}
          </p>
        )}
        <RangeToolbar
          label="Interfaces range"
          range={props.range}
          presets={props.presets}
          onPreset={props.onPreset}
          onPan={props.onPan}
          onZoom={props.onZoom}
        >
          <a
            class="chip"
            href={`/api/interfaces/export?format=csv&start=${Math.floor(props.range.start)}&end=${
              Math.ceil(props.range.end)
            }`}
            download
          >
            Export CSV
          </a>
        </RangeToolbar>
        {reply && charted.length === 0 && (
          <p class="empty">
            No monitored interface yet (the first reading only primes the counters).
          </p>
        )}
      </section>
      {charted.map((iface) => <InterfaceCard key={iface.name} {...props} iface={iface} />)}
      {skipped.length > 0 && (
        <section class="panel" aria-label="Skipped interfaces">
          <h3>Not monitored</h3>
          <table class="grid">
            <thead>
              <tr>
                <th>Interface</th>
                <th>State</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {skipped.map((i) => (
                <tr key={i.name}>
                  <td>{i.name}</td>
                  <td>{i.state}</td>
                  <td>{i.skipReason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">
            Include or exclude interfaces with --interfaces-include / --interfaces-exclude or PUT
            /api/interfaces/settings.
          </p>
        </section>
      )}
    </div>
  );
}
