// Summary: every target in one sortable table. Each row subscribes to its own signal, so a live
// update re-renders only that row.
import type { Signal } from "@preact/signals";
import { memo } from "preact/compat";
import { formatCurrent, formatMs, formatPct } from "../model/format.ts";
import { grade, type Thresholds } from "../model/settings.ts";
import type { SortKey } from "../model/summary.ts";
import type { SummaryRow } from "../model/types.ts";
import type { ActiveAlert } from "../model/alerts.ts";
import { AlertBadge } from "./alerts_badge.tsx";
import { Sparkline } from "./sparkline.tsx";
import { UptimeCell } from "./uptime_cell.tsx";

export interface SummaryProps {
  /** Row keys in display order (a row per target and agent, SummaryRow.key). */
  ids: string[];
  rows: Map<string, Signal<SummaryRow>>;
  /** Rows of several agents: show whose measurements each row is. */
  showAgent?: boolean;
  sortKey: SortKey;
  descending: boolean;
  thresholds: Thresholds;
  error: string | null;
  /** Alerts firing now, by target id. */
  alerts?: Map<number, ActiveAlert[]>;
  onSort: (key: SortKey) => void;
  /** Opens the target, as the row's agent measured it. */
  onOpen: (id: number, agent: string | null) => void;
  /** Targets ticked for the overlaid timeline. */
  compared?: number[];
  onCompareToggle?: (id: number) => void;
  onCompare?: () => void;
}

// `opt` columns give way on a phone-width screen.
const COLUMNS: { key: SortKey; label: string; num: boolean; opt?: boolean }[] = [
  { key: "host", label: "Target", num: false },
  { key: "avgMs", label: "Avg ms", num: true },
  { key: "minMs", label: "Min ms", num: true, opt: true },
  { key: "curMs", label: "Cur ms", num: true },
  { key: "lossPct", label: "Loss %", num: true },
  { key: "jitterMs", label: "Jitter ms", num: true, opt: true },
];

const Row = memo(function Row(
  props: {
    row: Signal<SummaryRow>;
    thresholds: Thresholds;
    alerts?: ActiveAlert[];
    onOpen: (id: number, agent: string | null) => void;
    ticked: boolean;
    onTick?: (id: number) => void;
    showAgent: boolean;
  },
) {
  const r = props.row.value;
  const g = grade(r.avgMs, r.lossPct, props.thresholds);
  const open = () => props.onOpen(r.id, r.agent);
  return (
    <tr
      class={`grade-${g} clickable${props.alerts?.length ? " alerting" : ""}`}
      tabIndex={0}
      data-testid="summary-row"
      onClick={open}
      onKeyDown={(e) => e.key === "Enter" && open()}
    >
      <td class="target-name">
        {props.onTick && (
          <input
            type="checkbox"
            class="compare-tick"
            aria-label={`Compare ${r.label ?? r.host}`}
            checked={props.ticked}
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => e.stopPropagation()}
            onChange={() => props.onTick!(r.id)}
          />
        )}
        <span class={`dot grade-${g}`} aria-hidden="true" />
        {r.label ?? r.host}
        {r.label && <span class="muted">{r.host}</span>}
        {r.paused && <span class="badge">paused</span>}
        <AlertBadge alerts={props.alerts} />
      </td>
      {props.showAgent && <td class="agent" data-testid="summary-agent">{r.agent ?? "—"}</td>}
      <td class="num">{formatMs(r.avgMs)}</td>
      <td class="num opt">{formatMs(r.minMs)}</td>
      <td class={r.curMs === null && r.sent ? "num err" : "num"}>
        {formatCurrent(r.curMs, r.sent)}
      </td>
      <td class="num">{formatPct(r.lossPct)}</td>
      <td class="num opt">{formatMs(r.jitterMs)}</td>
      <UptimeCell uptime={r.uptime} inOutage={r.inOutage} />
      <td class="spark-col">
        <Sparkline values={r.spark} loss={r.sparkLoss} />
      </td>
    </tr>
  );
});

export function Summary(props: SummaryProps) {
  return (
    <div class="summary">
      {props.error && <p class="error" role="alert">{props.error}</p>}
      {props.onCompare && (props.compared?.length ?? 0) > 0 && (
        <div class="toolbar">
          <button type="button" data-testid="compare-open" onClick={props.onCompare}>
            Compare selected ({props.compared!.length}) on one timeline
          </button>
        </div>
      )}
      <div class="table-scroll">
        <table class="summary-table" aria-label="Summary of all targets">
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const active = props.sortKey === c.key;
                const sort = active ? (props.descending ? "descending" : "ascending") : "none";
                return (
                  <th
                    key={c.key}
                    scope="col"
                    class={`${c.num ? "num" : ""}${c.opt ? " opt" : ""}`}
                    aria-sort={sort}
                  >
                    <button type="button" class="sort" onClick={() => props.onSort(c.key)}>
                      {c.label}
                      <span aria-hidden="true">
                        {active ? (props.descending ? " ▼" : " ▲") : ""}
                      </span>
                    </button>
                  </th>
                );
              })}
              {props.showAgent && <th scope="col" data-testid="summary-agent-head">Agent</th>}
              <th scope="col" class="num opt">Uptime 24 h / 7 d / 30 d %</th>
              <th scope="col">Recent latency</th>
            </tr>
          </thead>
          <tbody>
            {props.ids.length === 0 && (
              <tr>
                <td colSpan={props.showAgent ? 9 : 8} class="empty">
                  No targets yet: add one above.
                </td>
              </tr>
            )}
            {props.ids.map((key) => {
              const row = props.rows.get(key);
              if (!row) return null;
              const id = row.peek().id;
              return (
                <Row
                  key={key}
                  row={row}
                  thresholds={props.thresholds}
                  alerts={props.alerts?.get(id)}
                  onOpen={props.onOpen}
                  ticked={props.compared?.includes(id) ?? false}
                  onTick={props.onCompareToggle}
                  showAgent={props.showAgent ?? false}
                />
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
