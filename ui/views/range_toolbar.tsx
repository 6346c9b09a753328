// The range toolbar the timeline, compare and interfaces charts share: presets, pan, zoom and the
// range shown as text; a view adds its own controls after it as children.
import type { ComponentChildren } from "preact";
import { formatRange, formatTime } from "../model/format.ts";

export interface RangeToolbarProps {
  /** The toolbar's accessible name ("Timeline range"). */
  label: string;
  range: { start: number; end: number; preset: string | null };
  presets: readonly { id: string; label: string }[];
  onPreset: (id: string) => void;
  onPan: (fraction: number) => void;
  onZoom: (factor: number) => void;
  /** data-testid of the range text. */
  rangeTestId?: string;
  children?: ComponentChildren;
}

function Chip(props: { label?: string; onClick: () => void; children: ComponentChildren }) {
  return (
    <button type="button" class="chip" onClick={props.onClick} aria-label={props.label}>
      {props.children}
    </button>
  );
}

export function RangeToolbar(props: RangeToolbarProps) {
  const { range } = props;
  return (
    <div class="toolbar" role="toolbar" aria-label={props.label}>
      <span class="toolbar-label">Range</span>
      {props.presets.map((p) => (
        <button
          key={p.id}
          type="button"
          class={range.preset === p.id ? "chip active" : "chip"}
          aria-pressed={range.preset === p.id}
          onClick={() => props.onPreset(p.id)}
        >
          {p.label}
        </button>
      ))}
      <Chip label="Pan back" onClick={() => props.onPan(-0.5)}>◀</Chip>
      <Chip label="Pan forward" onClick={() => props.onPan(0.5)}>▶</Chip>
      <Chip label="Zoom in" onClick={() => props.onZoom(0.5)}>+</Chip>
      <Chip label="Zoom out" onClick={() => props.onZoom(2)}>−</Chip>
      <span class="range-text" data-testid={props.rangeTestId}>
        {range.preset ? `${formatTime(range.start)} – now` : formatRange(range.start, range.end)}
      </span>
      {props.children}
    </div>
  );
}
