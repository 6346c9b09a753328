// Sessions: named time ranges of a target. Create from the timeline's range, rename, delete,
// export, import an export as a replay target, replay one in the trace graph.
import { useState } from "preact/hooks";
import { dayRange, formatDuration, formatRange } from "../model/format.ts";
import type { Session } from "../model/types.ts";

export interface SessionsProps {
  sessions: Session[];
  rangeStart: number;
  rangeEnd: number;
  error: string | null;
  notice: string | null;
  exportUrl: (format: "csv" | "json", start: number, end: number) => string;
  sessionExportUrl: (s: Session, format: "csv" | "json") => string;
  onCreate: (name: string) => Promise<boolean>;
  onRename: (s: Session, name: string) => void;
  onDelete: (s: Session) => void;
  onReplay: (s: Session) => void;
  onImport: (text: string) => void;
}

function SessionRow(props: SessionsProps & { s: Session }) {
  const { s } = props;
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(s.name);
  return (
    <tr data-testid="session-row">
      <td>
        {editing
          ? (
            <form
              class="inline"
              onSubmit={(e) => {
                e.preventDefault();
                props.onRename(s, name);
                setEditing(false);
              }}
            >
              <label class="sr-only" for={`rename-${s.id}`}>New name</label>
              <input
                id={`rename-${s.id}`}
                value={name}
                onInput={(e) => setName((e.target as HTMLInputElement).value)}
              />
              <button type="submit">Save</button>
            </form>
          )
          : s.name}
      </td>
      <td>{formatRange(s.start, s.end)}</td>
      <td>{formatDuration(s.end - s.start)}</td>
      <td>
        <div class="actions">
          <button type="button" onClick={() => props.onReplay(s)}>Replay</button>
          <button type="button" onClick={() => setEditing(!editing)}>Rename</button>
          <a class="button" href={props.sessionExportUrl(s, "csv")} download>CSV</a>
          <a class="button" href={props.sessionExportUrl(s, "json")} download>JSON</a>
          <button type="button" class="danger" onClick={() => props.onDelete(s)}>Delete</button>
        </div>
      </td>
    </tr>
  );
}

/** Sessions that overlap the chosen days (either end may be left open). */
function filterByDays(sessions: Session[], from: string, to: string): Session[] {
  const lo = from ? dayRange(from)?.start ?? -Infinity : -Infinity;
  const hi = to ? dayRange(to)?.end ?? Infinity : Infinity;
  return sessions.filter((s) => s.end > lo && s.start < hi);
}

function DateFilter(
  props: { from: string; to: string; onChange: (from: string, to: string) => void },
) {
  return (
    <div class="toolbar" role="group" aria-label="Date filter">
      <span class="toolbar-label">Show sessions</span>
      <label class="inline">
        from
        <input
          type="date"
          name="sessions-from"
          value={props.from}
          onInput={(e) => props.onChange((e.target as HTMLInputElement).value, props.to)}
        />
      </label>
      <label class="inline">
        to
        <input
          type="date"
          name="sessions-to"
          value={props.to}
          onInput={(e) => props.onChange(props.from, (e.target as HTMLInputElement).value)}
        />
      </label>
      {(props.from || props.to) && (
        <button
          type="button"
          class="link"
          onClick={() => props.onChange("", "")}
        >
          all dates
        </button>
      )}
    </div>
  );
}

export function Sessions(props: SessionsProps) {
  const [name, setName] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const shown = filterByDays(props.sessions, from, to);
  return (
    <div class="sessions">
      <form
        class="toolbar"
        onSubmit={async (e) => {
          e.preventDefault();
          if (name.trim() && await props.onCreate(name.trim())) setName("");
        }}
      >
        <label class="inline">
          New session from {formatRange(props.rangeStart, props.rangeEnd)}
          <input
            name="session-name"
            value={name}
            placeholder="name"
            required
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary">Create session</button>
        <a class="button" href={props.exportUrl("csv", props.rangeStart, props.rangeEnd)} download>
          Export range CSV
        </a>
        <a class="button" href={props.exportUrl("json", props.rangeStart, props.rangeEnd)} download>
          Export range JSON
        </a>
        <label class="button file">
          Import JSON…
          <input
            type="file"
            accept="application/json,.json"
            class="sr-only"
            onChange={async (e) => {
              const file = (e.target as HTMLInputElement).files?.[0];
              if (file) props.onImport(await file.text());
            }}
          />
        </label>
      </form>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      {props.notice && <p class="notice" role="status">{props.notice}</p>}
      <DateFilter
        from={from}
        to={to}
        onChange={(f, t) => {
          setFrom(f);
          setTo(t);
        }}
      />
      <table class="session-table" aria-label="Sessions">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Range</th>
            <th scope="col">Length</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr>
              <td colSpan={4} class="empty">
                {props.sessions.length ? "No sessions on these dates." : "No sessions yet."}
              </td>
            </tr>
          )}
          {shown.map((s) => <SessionRow key={s.id} {...props} s={s} />)}
        </tbody>
      </table>
    </div>
  );
}
