// The alerts page: alerts firing now, the rules (create, edit, enable/disable, delete, test-fire)
// and the history. Data and actions come by props (ui/model/alerts.ts alertsPageProps).
import { useState } from "preact/hooks";
import type { FieldErrors, RuleDraft } from "../model/alerts_draft.ts";
import {
  type ActionForm,
  type ActiveAlert,
  type AlertEventRecord,
  type AlertRule,
  describeRule,
  type HistoryFilter,
  type TestOutcome,
} from "../model/alerts_types.ts";
import { formatTime } from "../model/format.ts";
import { AlertHistory, describeValue } from "./alerts_history.tsx";
import { RuleForm, type TargetChoice } from "./alerts_rule_form.tsx";

export interface AlertsPageProps {
  available: boolean | null;
  rules: AlertRule[];
  /** Every action type the server offers (its action registry), with its form. */
  actionTypes: ActionForm[];
  rulesError: string | null;
  active: ActiveAlert[];
  targets: TargetChoice[];
  draft: RuleDraft | null;
  formErrors: FieldErrors;
  busy: boolean;
  notice: string | null;
  testOutcome: TestOutcome | null;
  defaultTestTarget: number | null;
  events: AlertEventRecord[];
  eventsFilter: HistoryFilter;
  eventsError: string | null;
  eventsHasMore: boolean;
  onNew: () => void;
  onEdit: (rule: AlertRule) => void;
  onDraft: (draft: RuleDraft) => void;
  onSave: () => void;
  onCancel: () => void;
  onEnabled: (rule: AlertRule, enabled: boolean) => void;
  onDelete: (rule: AlertRule) => void;
  onTestRule: (rule: AlertRule, targetId: number, actionIndex?: number) => void;
  onTestAction: (index: number, targetId: number) => void;
  onFilter: (filter: HistoryFilter) => void;
  onMoreEvents: () => void;
  onRefreshEvents: () => void;
  onOpenTarget: (targetId: number) => void;
}

function actionLabel(actionTypes: ActionForm[], type: string): string {
  return actionTypes.find((t) => t.type === type)?.label ?? type;
}

function targetLabel(targets: TargetChoice[], id: number): string {
  return targets.find((t) => t.id === id)?.name ?? `target ${id}`;
}

function metricOf(rules: AlertRule[], ruleId: number): string | undefined {
  return rules.find((r) => r.id === ruleId)?.condition.metric;
}

function ActiveList(props: AlertsPageProps) {
  return (
    <section class="card" aria-label="Active alerts">
      <h3>Firing now</h3>
      {props.active.length === 0
        ? <p class="muted" data-testid="no-active-alerts">No alert is firing.</p>
        : (
          <ul class="alert-active-list">
            {props.active.map((a) => (
              <li key={`${a.ruleId}-${a.targetId}`} data-testid="active-alert">
                <span class="alert-badge" aria-hidden="true">⚠</span>
                <strong>{a.ruleName}</strong> on{" "}
                <button
                  type="button"
                  class="link"
                  onClick={() =>
                    props.onOpenTarget(a.targetId)}
                >
                  {targetLabel(props.targets, a.targetId)}
                </button>
                {a.hop !== null && <span>at hop {a.hop}{a.hopIp ? ` (${a.hopIp})` : ""}</span>}
                {a.value !== null && (
                  <span>{describeValue(metricOf(props.rules, a.ruleId), a.value)}</span>
                )}
                {a.since !== null && (
                  <span class="muted">
                    since {formatTime(a.since)}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}

function TestPanel(props: AlertsPageProps & { rule: AlertRule; onClose: () => void }) {
  const [target, setTarget] = useState(props.defaultTestTarget ?? props.targets[0]?.id ?? 0);
  const [action, setAction] = useState("all");
  const typeLabel = (t: string) => actionLabel(props.actionTypes, t);
  return (
    <form
      class="alert-row alert-test"
      aria-label={`Test-fire ${props.rule.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        props.onTestRule(props.rule, target, action === "all" ? undefined : Number(action));
      }}
    >
      <label class="alert-field">
        Target
        <select
          name="testRuleTarget"
          value={target}
          onChange={(e) => setTarget(Number((e.target as HTMLSelectElement).value))}
        >
          {props.targets.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </label>
      <label class="alert-field">
        Action
        <select
          name="testRuleAction"
          value={action}
          onChange={(e) => setAction((e.target as HTMLSelectElement).value)}
        >
          <option value="all">All actions</option>
          {props.rule.actions.map((a, i) => (
            <option key={i} value={i}>{`${i + 1}: ${typeLabel(a.type)}`}</option>
          ))}
        </select>
      </label>
      <button type="submit" class="primary" disabled={props.busy || !props.targets.length}>
        Fire test
      </button>
      <button type="button" onClick={props.onClose}>Close</button>
      {!props.targets.length && <span class="hint">Add a target first.</span>}
    </form>
  );
}

function RuleRow(props: AlertsPageProps & { rule: AlertRule }) {
  const r = props.rule;
  const [confirming, setConfirming] = useState(false);
  const [testing, setTesting] = useState(false);
  const firing = props.active.filter((a) => a.ruleId === r.id).length;
  const scope = r.scope === "all"
    ? "all targets"
    : r.scope.targetIds.map((id) => targetLabel(props.targets, id)).join(", ");
  const actions = r.actions.map((a) => actionLabel(props.actionTypes, a.type));
  return (
    <>
      <tr class={r.enabled ? "" : "alert-rule-off"} data-testid="alert-rule">
        <td>
          <label class="inline">
            <input
              type="checkbox"
              name="ruleEnabled"
              checked={r.enabled}
              disabled={props.busy}
              aria-label={`Enable rule ${r.name}`}
              onChange={(e) => props.onEnabled(r, (e.target as HTMLInputElement).checked)}
            />
            <span class="sr-only">Enabled</span>
          </label>
        </td>
        <td class="alert-rule-name">
          {r.name}
          {!r.enabled && <span class="badge">disabled</span>}
          {firing > 0 && (
            <span class="alert-badge" title={`Firing on ${firing} target(s)`}>⚠ {firing}</span>
          )}
        </td>
        <td class="alert-wrap">{describeRule(r)}</td>
        <td class="alert-wrap">{scope}</td>
        <td class="alert-wrap">
          {actions.length ? actions.join(", ") : <span class="muted">none</span>}
        </td>
        <td>
          <div class="alert-rule-actions">
            <button
              type="button"
              onClick={() => props.onEdit(r)}
              aria-label={`Edit rule ${r.name}`}
            >
              Edit
            </button>
            <button
              type="button"
              onClick={() => setTesting(!testing)}
              aria-expanded={testing}
              aria-label={`Test-fire rule ${r.name}`}
            >
              Test…
            </button>
            {confirming
              ? (
                <>
                  <button type="button" class="danger" onClick={() => props.onDelete(r)}>
                    Confirm delete
                  </button>
                  <button type="button" onClick={() => setConfirming(false)}>Keep</button>
                </>
              )
              : (
                <button
                  type="button"
                  class="danger"
                  onClick={() => setConfirming(true)}
                  aria-label={`Delete rule ${r.name}`}
                >
                  Delete
                </button>
              )}
          </div>
        </td>
      </tr>
      {testing && (
        <tr class="alert-test-row">
          <td colSpan={6}>
            <TestPanel {...props} rule={r} onClose={() => setTesting(false)} />
          </td>
        </tr>
      )}
    </>
  );
}

function Outcome(props: { outcome: TestOutcome }) {
  const o = props.outcome;
  return (
    <div class="alert-outcome" role="status" data-testid="test-outcome">
      <strong>{o.title}</strong>
      <ul>
        {o.runs.map((r) => (
          <li key={r.index} class={r.ok ? "run-ok" : "run-failed"}>
            {r.ok ? "✓" : "✗"} {r.type}: {r.ok ? r.output ?? "done" : r.error ?? "failed"}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Rules(props: AlertsPageProps) {
  return (
    <section class="card" aria-label="Alert rules">
      <div class="panel-head">
        <h3>Rules</h3>
        <button type="button" class="primary" onClick={props.onNew} disabled={props.draft !== null}>
          New rule
        </button>
      </div>
      {props.rulesError && <p class="error" role="alert">{props.rulesError}</p>}
      {props.notice && <p class="notice" role="status">{props.notice}</p>}
      {props.testOutcome && !props.draft && <Outcome outcome={props.testOutcome} />}
      <div class="table-scroll">
        <table class="alert-rules" aria-label="Alert rules">
          <thead>
            <tr>
              <th scope="col">On</th>
              <th scope="col">Name</th>
              <th scope="col">Condition</th>
              <th scope="col">Targets</th>
              <th scope="col">Actions</th>
              <th scope="col">
                <span class="sr-only">Manage</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rules.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">No rules yet: create one with “New rule”.</td>
              </tr>
            )}
            {props.rules.map((r) => <RuleRow key={r.id} {...props} rule={r} />)}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function AlertsPage(props: AlertsPageProps) {
  if (props.available === false) {
    return (
      <section class="card" aria-label="Alerts">
        <h3>Alerts</h3>
        <p class="error" role="alert">
          The alert service is not running on this server, so rules cannot be shown or changed.
        </p>
      </section>
    );
  }
  return (
    <div class="alerts-page">
      <ActiveList {...props} />
      {props.draft && (
        <RuleForm
          draft={props.draft}
          actionTypes={props.actionTypes}
          errors={props.formErrors}
          targets={props.targets}
          busy={props.busy}
          defaultTestTarget={props.defaultTestTarget}
          onChange={props.onDraft}
          onSave={props.onSave}
          onCancel={props.onCancel}
          onTestAction={props.onTestAction}
        />
      )}
      {props.draft && props.testOutcome && <Outcome outcome={props.testOutcome} />}
      <Rules {...props} />
      <AlertHistory
        events={props.events}
        filter={props.eventsFilter}
        rules={props.rules}
        targets={props.targets}
        error={props.eventsError}
        hasMore={props.eventsHasMore}
        onFilter={props.onFilter}
        onMore={props.onMoreEvents}
        onRefresh={props.onRefreshEvents}
      />
    </div>
  );
}
