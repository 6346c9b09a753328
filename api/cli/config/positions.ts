// Where a field of the config text stands, for problems found after the file was read: js-yaml's
// event stream of the text (each node with its offset) walked along the field's path.
import { type Event, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE } from "js-yaml";
import type { FieldPath } from "./errors.ts";

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

/** The line and column of each offset of `text`. */
function lineCounter(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo] + 1 };
  };
}

function offsetOf(event: Event): number {
  switch (event.type) {
    case EVENT_ID.SCALAR: { // a quoted scalar stands at its quote
      const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED ||
        event.style === SCALAR_STYLE.DOUBLE_QUOTED;
      return event.valueStart - (quoted ? 1 : 0);
    }
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return event.start;
    case EVENT_ID.ALIAS:
      return event.anchorStart;
    default:
      return 0;
  }
}

/** The index just past the node that starts at `i` (a collection ends with its POP). */
function after(events: Event[], i: number): number {
  const type = events[i].type;
  if (type !== EVENT_ID.MAPPING && type !== EVENT_ID.SEQUENCE) return i + 1;
  let depth = 0;
  for (let j = i; j < events.length; j++) {
    const t = events[j].type;
    if (t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE) depth++;
    else if (t === EVENT_ID.POP && --depth === 0) return j + 1;
  }
  return events.length;
}

/**
 * Where fields stand in `text` (the text is read on the first call, once): a map entry at its key
 * (for `interval: 0.01` the key, as an editor points), a list item at its start; where the path
 * leaves the text (a missing field), its nearest enclosing field's place. Text js-yaml cannot
 * read places everything at 1:1.
 */
export function fieldLocator(text: string): (field: FieldPath) => Position {
  let read: { events: Event[]; pos: (offset: number) => Position } | null = null;
  return (field) => {
    read ??= { events: eventsOf(text), pos: lineCounter(text) };
    return read.pos(fieldOffset(text, read.events, field));
  };
}

function eventsOf(text: string): Event[] {
  try {
    return parseEvents(text, {});
  } catch {
    return [];
  }
}

function fieldOffset(text: string, events: Event[], field: FieldPath): number {
  let i = events.findIndex((e) => e.type !== EVENT_ID.DOCUMENT);
  if (i === -1 || events[i].type === EVENT_ID.POP) return 0;
  let best = offsetOf(events[i]);
  for (const part of field) {
    const node = events[i];
    let j = i + 1;
    if (node.type === EVENT_ID.MAPPING) {
      let found = -1;
      while (j < events.length && events[j].type !== EVENT_ID.POP) {
        const key = events[j];
        const value = after(events, j);
        if (key.type === EVENT_ID.SCALAR && getScalarValue(text, key) === String(part)) {
          found = value;
          best = offsetOf(key);
          break;
        }
        j = after(events, value);
      }
      if (found === -1) return best;
      i = found;
    } else if (node.type === EVENT_ID.SEQUENCE && typeof part === "number") {
      for (let k = 0; k < part && j < events.length && events[j].type !== EVENT_ID.POP; k++) {
        j = after(events, j);
      }
      if (j >= events.length || events[j].type === EVENT_ID.POP) return best;
      i = j;
      best = offsetOf(events[i]);
    } else return best;
  }
  return best;
}
