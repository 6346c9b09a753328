// The alert history: every firing, reminder, recovery and test, newest first, filtered by rule,
// target, kind and time, with what each action did.
import { useEffect, useState } from "preact/hooks";
import {
  type ActionRun,
  type AlertEventRecord,
  type AlertRule,
  EVENT_KINDS,
  type HistoryFilter,
  metricLabel,
} from "../model/alerts_types.ts";
import { formatMs, formatPct, formatTime, toLocalInput } from "../model/format.ts";
import { Check } from "./alerts_fields.tsx";
import type { TargetChoice } from "./alerts_rule_form.tsx";

export interface HistoryProps {
  events: AlertEventRecord[];
  filter: HistoryFilter;
  rules: AlertRule[];
  targets: TargetChoice[];
  error: string | null;
  hasMore: boolean;
  onFilter: (filter: HistoryFilter) => void;
  onMore: () => void;
  onRefresh: () => void;
}

const fromLocal = (v: string) => (v ? new Date(v).getTime() : null);

function FilterForm(props: HistoryProps) {
  const [f, setF] = useState(props.filter);
  useEffect(() => setF(props.filter), [props.filter]);
  const idOf = (v: string) => (v ? Number(v) : null);
  return (
    <form
      class="alert-row alert-filter"
      aria-label="Filter the history"
      onSubmit={(e) => {
        e.preventDefault();
        props.onFilter(f);
      }}
    >
      <label class="alert-field">
        Rule
        <select
          name="historyRule"
          value={f.ruleId ?? ""}
          onChange={(e) => setF({ ...f, ruleId: idOf((e.target as HTMLSelectElement).value) })}
        >
          <option value="">All rules</option>
          {props.rules.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select>
      </label>
      <label class="alert-field">
        Target
        <select
          name="historyTarget"
          value={f.targetId ?? ""}
          onChange={(e) => setF({ ...f, targetId: idOf((e.target as HTMLSelectElement).value) })}
        >
          <option value="">All targets</option>
          {props.targets.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </label>
      <div class="alert-field" role="group" aria-label="Kinds of event">
        <span>Kinds (none: all)</span>
        <div class="alert-row tight plain">
          {EVENT_KINDS.map((k) => (
            <Check
              key={k}
              label={k}
              name="historyKind"
              value={k}
              checked={f.kinds.includes(k)}
              onChange={(on) =>
                setF({
                  ...f,
                  kinds: on ? [...f.kinds, k] : f.kinds.filter((x) => x !== k),
                })}
            />
          ))}
        </div>
      </div>
      <label class="alert-field">
        From
        <input
          type="datetime-local"
          name="historyStart"
          value={f.start === null ? "" : toLocalInput(f.start)}
          onInput={(e) => setF({ ...f, start: fromLocal((e.target as HTMLInputElement).value) })}
        />
      </label>
      <label class="alert-field">
        To
        <input
          type="datetime-local"
          name="historyEnd"
          value={f.end === null ? "" : toLocalInput(f.end)}
          onInput={(e) => setF({ ...f, end: fromLocal((e.target as HTMLInputElement).value) })}
        />
      </label>
      <div class="alert-row plain alert-filter-buttons">
        <button type="submit">Apply filter</button>
        <button
          type="button"
          onClick={() =>
            props.onFilter({ ruleId: null, targetId: null, kinds: [], start: null, end: null })}
        >
          Reset
        </button>
        <button type="button" onClick={props.onRefresh}>Refresh</button>
      </div>
    </form>
  );
}

const VALUE_NAMES: Record<string, string> = {
  lossPct: "loss",
  avgMs: "avg",
  curMs: "cur",
  jitterMs: "jitter",
  mos: "MOS",
};

/** "loss 100 %", "avg 12.3 ms", or the event ("route changed"). */
export function describeValue(metric: string | undefined, value: number | null | undefined) {
  const name = VALUE_NAMES[metric ?? ""];
  return name ? `${name} ${formatValue(metric, value)}` : metricLabel(metric ?? "");
}

function formatValue(
  metric: string | undefined,
  value: number | null | undefined,
): string {
  if (value === null || value === undefined) return "-";
  if (metric === "lossPct") return `${formatPct(value)} %`;
  if (metric?.endsWith("Ms")) return `${formatMs(value)} ms`;
  if (metric === "mos") return value.toFixed(2);
  return value ? "yes" : "no";
}

function Runs(props: { runs: ActionRun[] }) {
  if (!props.runs.length) return <span class="muted">-</span>;
  return (
    <ul class="alert-runs">
      {props.runs.map((r) => (
        <li
          key={`${r.index}-${r.type}`}
          class={r.ok ? "run-ok" : "run-failed"}
          title={r.error ?? r.output ?? undefined}
        >
          <span aria-hidden="true">{r.ok ? "✓" : "✗"}</span> {r.type}
          {r.ok ? "" : " failed"}
          {r.attempts > 1 ? ` (${r.attempts} attempts)` : ""}
          {!r.ok && r.error && <span class="run-error">: {r.error}</span>}
        </li>
      ))}
    </ul>
  );
}

function EventRow(
  props: { event: AlertEventRecord; targets: TargetChoice[]; byAgent: boolean },
) {
  const e = props.event;
  const d = e.detail ?? {};
  const target = props.targets.find((t) => t.id === e.targetId)?.name ?? d.targetHost ??
    `target ${e.targetId}`;
  return (
    <tr class={`alert-kind-${e.kind}`} data-testid="alert-event">
      <td>{formatTime(e.at)}</td>
      <td>
        <span class={`kind-badge kind-${e.kind}`}>{e.kind}</span>
      </td>
      <td>{d.ruleName ?? `rule ${e.ruleId}`}</td>
      <td>{target}</td>
      {props.byAgent && <td data-testid="alert-event-agent">{e.agent ?? "-"}</td>}
      <td>{d.hop ? `${d.hop}${d.hopIp ? ` (${d.hopIp})` : ""}` : "-"}</td>
      <td class="num">
        {e.kind === "test" ? "-" : describeValue(d.metric, d.value)}
      </td>
      <td class="alert-message">{d.message}</td>
      <td>
        <Runs runs={e.actions} />
      </td>
    </tr>
  );
}

export function AlertHistory(props: HistoryProps) {
  // Events of several agents (vantage points on one database) say whose each is.
  const byAgent = new Set(props.events.flatMap((e) => e.agent === null ? [] : [e.agent])).size > 1;
  return (
    <section class="card" aria-label="Alert history">
      <h3>History</h3>
      <FilterForm {...props} />
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <div class="table-scroll">
        <table class="alert-history" aria-label="Alert events">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Rule</th>
              <th scope="col">Target</th>
              {byAgent && <th scope="col">Agent</th>}
              <th scope="col">Hop</th>
              <th scope="col" class="num">Value</th>
              <th scope="col">Message</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.events.length === 0 && (
              <tr>
                <td colSpan={byAgent ? 9 : 8} class="empty">No alert events match.</td>
              </tr>
            )}
            {props.events.map((e) => (
              <EventRow key={e.id} event={e} targets={props.targets} byAgent={byAgent} />
            ))}
          </tbody>
        </table>
      </div>
      {props.hasMore && <button type="button" onClick={props.onMore}>Load older events</button>}
    </section>
  );
}
