// The trace graph's latency graph, PingPlotter style: for each hop a row on one shared scale with
// the background banded by the latency thresholds, the min–max line, the average mark and the
// current mark, plus a red loss bar. Coordinates are percentages, so the column can be any width
// (the user drags its edge) without stretching the marks.
import type { JSX } from "preact";
import { useRef } from "preact/hooks";
import { formatMs } from "../model/format.ts";
import type { Thresholds } from "../model/settings.ts";
import type { Hop } from "../model/types.ts";

function pct(ms: number, scale: number): string {
  return `${(Math.min(1, Math.max(0, ms / scale)) * 100).toFixed(3)}%`;
}

/** The threshold bands: good below warn, warn up to bad, bad above. */
function Bands(props: { scale: number; thresholds: Thresholds }) {
  const { scale, thresholds: t } = props;
  return (
    <g class="bands">
      <rect x="0" y="0" width={pct(t.warnMs, scale)} height="100%" class="band-good" />
      {t.warnMs < scale && (
        <rect
          x={pct(t.warnMs, scale)}
          y="0"
          width={pct(Math.min(t.badMs, scale) - t.warnMs, scale)}
          height="100%"
          class="band-warn"
        />
      )}
      {t.badMs < scale && (
        <rect
          x={pct(t.badMs, scale)}
          y="0"
          width={pct(scale - t.badMs, scale)}
          height="100%"
          class="band-bad"
        />
      )}
    </g>
  );
}

/** A mark centred on a percentage x: a nested svg carries the position, the shape is in px. */
function At(props: { x: string; children: JSX.Element }) {
  return <svg x={props.x} y="0" overflow="visible">{props.children}</svg>;
}

export function LatencyRow(
  props: { hop: Hop; scale: number; thresholds: Thresholds; final: boolean; grade: string },
) {
  const { hop, scale } = props;
  const h = props.final ? 30 : 22;
  const mid = h / 2;
  const over = (ms: number | null) => ms !== null && ms > scale;
  return (
    <svg
      class={`latency-row grade-${props.grade}${props.final ? " final" : ""}`}
      width="100%"
      height={h}
      aria-hidden="true"
      data-testid="latency-row"
    >
      <Bands scale={scale} thresholds={props.thresholds} />
      {hop.minMs !== null && hop.maxMs !== null && (
        <line
          x1={pct(hop.minMs, scale)}
          x2={pct(hop.maxMs, scale)}
          y1={mid}
          y2={mid}
          class="range-line"
        />
      )}
      {hop.minMs !== null && (
        <At x={pct(hop.minMs, scale)}>
          <line x1="0" x2="0" y1={mid - 4} y2={mid + 4} class="range-line" />
        </At>
      )}
      {hop.maxMs !== null && (
        <At x={pct(hop.maxMs, scale)}>
          <line x1="0" x2="0" y1={mid - 4} y2={mid + 4} class="range-line" />
        </At>
      )}
      {hop.avgMs !== null && (
        <At x={pct(hop.avgMs, scale)}>
          <rect x="-3" y={mid - 7} width="6" height="14" rx="1" class="avg-mark" />
        </At>
      )}
      {hop.curMs !== null && (
        <At x={pct(hop.curMs, scale)}>
          <path d={`M0 ${mid + 1} l5 ${mid - 2} h-10 z`} class="cur-mark" />
        </At>
      )}
      {(over(hop.maxMs) || over(hop.avgMs)) && (
        <text x="99.5%" y={mid + 4} text-anchor="end" class="over-mark">»</text>
      )}
    </svg>
  );
}

export function LossBar(props: { lossPct: number | null; final: boolean }) {
  const loss = props.lossPct ?? 0;
  const h = props.final ? 30 : 22;
  return (
    <svg class="loss-row" width="100%" height={h} aria-hidden="true">
      <rect x="0" y={h / 2 - 6} width="100%" height="12" class="loss-track" />
      {loss > 0 && (
        <rect
          x="0"
          y={h / 2 - 6}
          width={`${Math.min(100, loss)}%`}
          height="12"
          class="loss-bar"
          data-testid="loss-bar"
        />
      )}
    </svg>
  );
}

function tick(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : formatMs(ms);
}

/** The shared axis above the rows, with the edge the user drags to widen the graph. */
export function ScaleHead(props: { scale: number; onResize: (px: number | null) => void }) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const ref = useRef<SVGSVGElement>(null);
  const drag = (event: PointerEvent) => {
    const cell = ref.current?.closest("th");
    if (!cell) return;
    event.preventDefault();
    const startX = event.clientX;
    const startW = cell.getBoundingClientRect().width;
    const move = (e: PointerEvent) => props.onResize(startW + (startX - e.clientX));
    const up = () => {
      removeEventListener("pointermove", move);
      removeEventListener("pointerup", up);
    };
    addEventListener("pointermove", move);
    addEventListener("pointerup", up);
  };
  const key = (event: KeyboardEvent) => {
    const cell = ref.current?.closest("th");
    if (!cell) return;
    const w = cell.getBoundingClientRect().width;
    if (event.key === "ArrowLeft") props.onResize(w + 40);
    else if (event.key === "ArrowRight") props.onResize(w - 40);
    else return;
    event.preventDefault();
  };
  return (
    <div class="scale-head">
      <button
        type="button"
        class="col-resize"
        title="Drag to resize the graph (double-click: automatic width)"
        aria-label="Resize the latency graph (arrow keys)"
        onPointerDown={drag}
        onKeyDown={key}
        onDblClick={() => props.onResize(null)}
      />
      <svg ref={ref} class="scale-axis" width="100%" height="18" aria-hidden="true">
        {ticks.map((f) => (
          <text
            key={f}
            x={`${f * 100}%`}
            dx={f === 0 ? 2 : f === 1 ? -2 : 0}
            y="13"
            class="tick"
            text-anchor={f === 0 ? "start" : f === 1 ? "end" : "middle"}
          >
            {f === 0 ? "0" : `${tick(f * props.scale)}${f === 1 ? " ms" : ""}`}
          </text>
        ))}
      </svg>
    </div>
  );
}
