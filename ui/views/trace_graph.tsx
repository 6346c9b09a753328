// The trace graph: one row per hop with its numbers and a PingPlotter-style latency glyph
// (min–max line, avg marker, current marker, loss bar) on a scale shared by every row.
import {
  formatCurrent,
  formatMs,
  formatName,
  formatPct,
  formatTime,
  niceCeil,
} from "../model/format.ts";
import { grade, type Thresholds } from "../model/settings.ts";
import type { FocusChoice } from "../model/trace.ts";
import type { Hop } from "../model/types.ts";
import type { ActiveAlert } from "../model/alerts.ts";
import { AlertBadge, AlertBanner, alertsAtHop } from "./alerts_badge.tsx";
import { HopMarks } from "./hop_marks.tsx";

export interface TraceGraphProps {
  hops: Hop[];
  scaleMaxMs: number;
  thresholds: Thresholds;
  focus: FocusChoice;
  focusChoices: readonly number[];
  error: string | null;
  /** Alerts firing now on this target: their hops are marked. */
  alerts?: ActiveAlert[];
  onFocus: (focus: FocusChoice) => void;
  /** The timeline's current range, offered as a focus. */
  timelineRange?: { start: number; end: number };
  onHopTimeline: (hop: number) => void;
}

const GLYPH_W = 260;
const LOSS_W = 50; // loss bar area: 0–100 %
const PLOT_X = LOSS_W + 8;

function x(ms: number, scale: number): number {
  return PLOT_X + Math.min(1, ms / scale) * (GLYPH_W - PLOT_X - 4);
}

function Glyph(props: { hop: Hop; scale: number; gradeClass: string }) {
  const { hop, scale } = props;
  const loss = hop.lossPct ?? 0;
  return (
    <svg
      class={`glyph ${props.gradeClass}`}
      viewBox={`0 0 ${GLYPH_W} 20`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <rect x="0" y="4" width={LOSS_W} height="12" class="loss-track" />
      {loss > 0 && <rect x="0" y="4" width={(loss / 100) * LOSS_W} height="12" class="loss-bar" />}
      {hop.minMs !== null && hop.maxMs !== null && (
        <line
          x1={x(hop.minMs, scale)}
          x2={x(hop.maxMs, scale)}
          y1="10"
          y2="10"
          class="range-line"
        />
      )}
      {hop.avgMs !== null && (
        <rect x={x(hop.avgMs, scale) - 2} y="3" width="4" height="14" class="avg-mark" />
      )}
      {hop.curMs !== null && (
        <path
          d={`M${x(hop.curMs, scale)} 10 l4 -6 h-8 z`}
          class="cur-mark"
          transform="translate(0 8)"
        />
      )}
    </svg>
  );
}

function ScaleHeader(props: { scale: number }) {
  const ticks = [0, 0.5, 1];
  return (
    <svg
      class="glyph scale"
      viewBox={`0 0 ${GLYPH_W} 20`}
      preserveAspectRatio="none"
      aria-hidden="true"
    >
      <text x="2" y="14" class="tick">loss</text>
      {ticks.map((f) => (
        <text
          key={f}
          x={x(f * props.scale, props.scale)}
          y="14"
          class="tick"
          text-anchor={f === 1 ? "end" : "middle"}
        >
          {f === 0 ? "0" : formatMs(f * props.scale)}
        </text>
      ))}
    </svg>
  );
}

function focusLabel(f: FocusChoice): string {
  if (f.kind === "last") return `last ${f.n} samples`;
  if (f.kind === "all") return "all samples";
  return `${formatTime(f.start)} – ${formatTime(f.end)}`;
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

export function TraceGraph(props: TraceGraphProps) {
  const scale = niceCeil(Math.max(props.scaleMaxMs, 1));
  const rateLimited = props.hops.filter((h) => h.lossNotCarried);
  return (
    <div class="trace-graph">
      <FocusBar {...props} />
      <AlertBanner alerts={props.alerts} />
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <div class="table-scroll">
        <table class="hops" aria-label="Trace graph">
          <thead>
            <tr>
              <th scope="col">Hop</th>
              <th scope="col" class="num">Loss %</th>
              <th scope="col">IP</th>
              <th scope="col" class="opt">DNS name</th>
              <th scope="col" class="num">Avg</th>
              <th scope="col" class="num opt">Min</th>
              <th scope="col" class="num">Cur</th>
              <th scope="col" class="glyph-col">
                <ScaleHeader scale={scale} />
              </th>
            </tr>
          </thead>
          <tbody>
            {props.hops.length === 0 && (
              <tr>
                <td colSpan={8} class="empty">
                  {props.focus.kind === "range"
                    ? "No rounds in this range."
                    : "Waiting for the first round…"}
                </td>
              </tr>
            )}
            {props.hops.map((hop) => {
              const g = grade(hop.avgMs, hop.lossPct, props.thresholds);
              const hopAlerts = alertsAtHop(props.alerts, hop);
              return (
                <tr
                  key={hop.hop}
                  class={`grade-${g}${hopAlerts.length ? " alerting" : ""}`}
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
                  <td class="num">{hop.approximate ? "~" : ""}{formatMs(hop.avgMs)}</td>
                  <td class="num opt">{formatMs(hop.minMs)}</td>
                  <td class={hop.curMs === null && hop.sent ? "num err" : "num"}>
                    {formatCurrent(hop.curMs, hop.sent)}
                  </td>
                  <td class="glyph-col">
                    <Glyph hop={hop} scale={scale} gradeClass={`grade-${g}`} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {rateLimited.length > 0 && (
        <p class="note" role="note">
          ! Hop{" "}
          {rateLimited.map((h) => h.hop).join(", ")}: loss here does not carry to later hops. The
          router is probably rate-limiting its own replies; this is usually not real packet loss.
        </p>
      )}
    </div>
  );
}
