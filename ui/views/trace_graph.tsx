// The trace graph: one row per hop with its numbers (loss, address, name, avg/min/cur, jitter,
// MOS) and a wide PingPlotter-style latency graph on a scale shared by every row: threshold
// bands, min–max line, avg and current marks, a red loss bar, the final hop emphasised. Notes
// below say what the pattern suggests (benign intermediate loss, an asymmetric return path).
import { useState } from "preact/hooks";
import {
  formatCurrent,
  formatMs,
  formatName,
  formatPct,
  formatRange,
  niceCeil,
} from "../model/format.ts";
import type { ScaleChoice } from "../model/graph_settings.ts";
import { type HopNotes, hopNotes } from "../model/hop_notes.ts";
import { grade, type Thresholds } from "../model/settings.ts";
import type { FocusChoice } from "../model/trace.ts";
import type { Hop } from "../model/types.ts";
import type { ActiveAlert } from "../model/alerts.ts";
import { AlertBadge, AlertBanner, alertsAtHop } from "./alerts_badge.tsx";
import { HopMarks } from "./hop_marks.tsx";
import { LatencyRow, LossBar, ScaleHead } from "./latency_graph.tsx";

export interface TraceGraphProps {
  hops: Hop[];
  scaleMaxMs: number;
  thresholds: Thresholds;
  focus: FocusChoice;
  focusChoices: readonly number[];
  error: string | null;
  /** Automatic or fixed scale, shared by every hop's row. */
  scale: ScaleChoice;
  onScale: (next: ScaleChoice) => string | null;
  /** The latency column's width in px (null: what the table leaves). */
  graphWidthPx: number | null;
  onGraphWidth: (px: number | null) => void;
  /** Alerts firing now on this target: their hops are marked. */
  alerts?: ActiveAlert[];
  onFocus: (focus: FocusChoice) => void;
  /** The timeline's current range, offered as a focus. */
  timelineRange?: { start: number; end: number };
  onHopTimeline: (hop: number) => void;
  /** Shown instead of the rows when the target has no rounds yet. */
  emptyText?: string;
}

function ScaleControl(props: { scale: ScaleChoice; onScale: TraceGraphProps["onScale"] }) {
  const [text, setText] = useState(props.scale.kind === "fixed" ? String(props.scale.ms) : "");
  const [error, setError] = useState<string | null>(null);
  return (
    <span class="scale-control">
      <span class="toolbar-label">Scale</span>
      <button
        type="button"
        class={props.scale.kind === "auto" ? "chip active" : "chip"}
        aria-pressed={props.scale.kind === "auto"}
        onClick={() => {
          setError(null);
          props.onScale({ kind: "auto" });
        }}
      >
        auto
      </button>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setError(props.onScale({ kind: "fixed", ms: Number(text) }));
        }}
      >
        <input
          name="scaleMs"
          type="number"
          step="any"
          inputMode="decimal"
          aria-label="Fixed scale in ms"
          placeholder="ms"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
        <button
          type="submit"
          class={props.scale.kind === "fixed" ? "chip active" : "chip"}
          aria-pressed={props.scale.kind === "fixed"}
        >
          fixed
        </button>
      </form>
      {error && <span class="error" role="alert">{error}</span>}
    </span>
  );
}

function formatMos(mos: number | null | undefined): string {
  return mos === null || mos === undefined ? "-" : mos.toFixed(2);
}

function mosClass(mos: number | null | undefined): string {
  if (mos === null || mos === undefined) return "num opt";
  return mos < 3.1 ? "num opt err" : mos < 3.6 ? "num opt warn-text" : "num opt";
}

function focusLabel(f: FocusChoice): string {
  if (f.kind === "last") return `last ${f.n} samples`;
  if (f.kind === "all") return "all samples";
  return formatRange(f.start, f.end);
}

function FocusBar(props: TraceGraphProps) {
  const f = props.focus;
  return (
    <div class="toolbar" role="toolbar" aria-label="Focus">
      <span class="toolbar-label">Focus</span>
      {props.focusChoices.map((n) => {
        const active = f.kind === "last" && f.n === n;
        return (
          <button
            key={n}
            type="button"
            class={active ? "chip active" : "chip"}
            aria-pressed={active}
            onClick={() => props.onFocus({ kind: "last", n })}
          >
            {n}
          </button>
        );
      })}
      <button
        type="button"
        class={f.kind === "all" ? "chip active" : "chip"}
        aria-pressed={f.kind === "all"}
        onClick={() => props.onFocus({ kind: "all" })}
      >
        ALL
      </button>
      {props.timelineRange && (
        <button
          type="button"
          class="chip"
          title="Focus on the range the timeline shows"
          onClick={() =>
            props.onFocus({
              kind: "range",
              start: props.timelineRange!.start,
              end: props.timelineRange!.end,
            })}
        >
          timeline range
        </button>
      )}
      <span class="range-text" data-testid="focus-label">{focusLabel(f)}</span>
      {f.kind === "range" && (
        <button
          type="button"
          class="link"
          onClick={() => props.onFocus({ kind: "last", n: 10 })}
        >
          back to live
        </button>
      )}
    </div>
  );
}

function HopRow(
  props: TraceGraphProps & { hop: Hop; scaleMs: number; final: boolean; asym: boolean },
) {
  const { hop, final } = props;
  const g = grade(hop.avgMs, hop.lossPct, props.thresholds);
  const hopAlerts = alertsAtHop(props.alerts, hop);
  const graphStyle = props.graphWidthPx === null ? undefined : { width: `${props.graphWidthPx}px` };
  return (
    <tr
      class={`grade-${g}${hopAlerts.length ? " alerting" : ""}${final ? " final" : ""}`}
      data-testid="hop-row"
      onDblClick={() => props.onHopTimeline(hop.hop)}
    >
      <td>
        <button
          type="button"
          class="link"
          title="Show this hop in the timeline"
          onClick={() => props.onHopTimeline(hop.hop)}
        >
          {hop.hop}
        </button>
        <AlertBadge alerts={hopAlerts} compact />
      </td>
      <td class="num">
        {formatPct(hop.lossPct)}
        {hop.lossNotCarried && (
          <span class="note-mark" title="Loss not carried to later hops">!</span>
        )}
      </td>
      <td class="ip">
        {hop.ip ?? "*"}
        <HopMarks hop={hop} />
        {hop.ips.length > 1 && (
          <span class="ecmp" title={`ECMP: ${hop.ips.join(", ")}`}>
            {" "}
            {hop.ips.filter((a) => a !== hop.ip).join(", ")}
          </span>
        )}
      </td>
      <td class="opt dns">{formatName(hop.dns)}</td>
      <td class="num">
        {hop.approximate ? "~" : ""}
        {formatMs(hop.avgMs)}
        {props.asym && <span class="note-mark" title="Possibly an asymmetric return path">↩</span>}
      </td>
      <td class="num opt">{formatMs(hop.minMs)}</td>
      <td class={hop.curMs === null && hop.sent ? "num err" : "num"}>
        {formatCurrent(hop.curMs, hop.sent)}
      </td>
      <td class="num opt">{formatMs(hop.jitterMs)}</td>
      <td class={mosClass(hop.mos)}>{formatMos(hop.mos)}</td>
      <td class="loss-col opt">
        <LossBar lossPct={hop.lossPct} final={final} />
      </td>
      <td class="graph-col" style={graphStyle}>
        <LatencyRow
          hop={hop}
          scale={props.scaleMs}
          thresholds={props.thresholds}
          final={final}
          grade={g}
        />
      </td>
    </tr>
  );
}

export function TraceGraph(props: TraceGraphProps) {
  const scale = props.scale.kind === "fixed"
    ? props.scale.ms
    : niceCeil(Math.max(props.scaleMaxMs, 1));
  const notes = hopNotes(props.hops, props.thresholds);
  const finalHop = props.hops.at(-1)?.hop;
  const graphStyle = props.graphWidthPx === null ? undefined : { width: `${props.graphWidthPx}px` };
  return (
    <div class="trace-graph">
      <FocusBar {...props} />
      <div class="toolbar" role="toolbar" aria-label="Graph">
        <ScaleControl scale={props.scale} onScale={props.onScale} />
        <span class="legend" aria-hidden="true">
          <span class="lg lg-range" />min–max <span class="lg lg-avg" />avg{" "}
          <span class="lg lg-cur" />current <span class="lg lg-loss" />loss
        </span>
      </div>
      <AlertBanner alerts={props.alerts} />
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <div class="table-scroll">
        <table
          class={props.graphWidthPx === null ? "hops" : "hops sized"}
          aria-label="Trace graph"
        >
          <thead>
            <tr>
              <th scope="col">Hop</th>
              <th scope="col" class="num">Loss %</th>
              <th scope="col">IP</th>
              <th scope="col" class="opt">DNS name</th>
              <th scope="col" class="num">Avg</th>
              <th scope="col" class="num opt">Min</th>
              <th scope="col" class="num">Cur</th>
              <th scope="col" class="num opt" title="Mean difference of consecutive RTTs">
                Jitter
              </th>
              <th scope="col" class="num opt" title="Estimated call quality, 1–4.5 (E-model)">
                MOS
              </th>
              <th scope="col" class="loss-col opt">Loss</th>
              <th scope="col" class="graph-col" style={graphStyle}>
                {props.hops.length > 0 && <ScaleHead scale={scale} onResize={props.onGraphWidth} />}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.hops.length === 0 && (
              <tr>
                <td colSpan={11} class="empty" data-testid="trace-empty">
                  {props.emptyText ??
                    (props.focus.kind === "range"
                      ? "No rounds in this range."
                      : "Waiting for the first round…")}
                </td>
              </tr>
            )}
            {props.hops.map((hop) => (
              <HopRow
                key={hop.hop}
                {...props}
                hop={hop}
                scaleMs={scale}
                final={hop.hop === finalHop}
                asym={hop.hop === finalHop && notes.asymmetricReturn !== null}
              />
            ))}
          </tbody>
        </table>
      </div>
      <HopNotesView notes={notes} />
    </div>
  );
}

function HopNotesView(props: { notes: HopNotes }) {
  const { benignLoss, asymmetricReturn: asym } = props.notes;
  return (
    <>
      {asym && (
        <p class="note" role="note" data-testid="note-asymmetric">
          ↩ Hop {asym.hop} averages {formatMs(asym.finalMs)} ms while no hop before it exceeds{" "}
          {formatMs(asym.beforeMs)}{" "}
          ms and none loses packets: the replies probably come back by another path (an asymmetric
          return route), which the forward hops cannot show. Test from the other end before blaming
          a router on this path.
        </p>
      )}
      {benignLoss.length > 0 && (
        <p class="note" role="note" data-testid="note-benign-loss">
          ! Hop{benignLoss.length > 1 ? "s" : ""}{" "}
          {benignLoss.join(", ")}: loss here does not carry to later hops. The router is probably
          rate-limiting its own replies; this is usually not real packet loss.
        </p>
      )}
    </>
  );
}
