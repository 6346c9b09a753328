// Alerts: rules (list, form draft, save, enable/disable, delete), the history with its filters,
// test-fires, and the alerts firing now (polled, and refreshed on pushed alert events) that the
// summary and the trace graph mark.
import { computed, effect, signal } from "@preact/signals";
import {
  actionOf,
  draftOf,
  type FieldErrors,
  fieldErrorsOf,
  newRuleDraft,
  type RuleDraft,
  specOf,
} from "./alerts_draft.ts";
import type {
  ActionTypesReply,
  ActiveReply,
  EventsReply,
  RuleReply,
  RulesReply,
  TestReply,
} from "../../api/wire.ts";
import {
  type ActionForm,
  type ActiveAlert,
  type AlertEventRecord,
  type AlertRule,
  fieldLabel,
  type HistoryFilter,
  type TestOutcome,
} from "./alerts_types.ts";
import {
  ApiError,
  authRequired,
  del,
  describeError,
  get,
  patch,
  post,
  query,
  request,
} from "./api.ts";
import { connection, onLive, onReconnect } from "./live.ts";
import { open, selectedId, targetName, targets, view } from "./targets.ts";
import { throttle } from "./throttle.ts";

export type {
  ActionRun,
  ActiveAlert,
  AlertEventRecord,
  HistoryFilter,
  TestOutcome,
} from "./alerts_types.ts";

const PAGE = 50;
const ACTIVE_POLL_MS = 3000;
export const EMPTY_FILTER: HistoryFilter = {
  ruleId: null,
  targetId: null,
  kinds: [],
  start: null,
  end: null,
};

/** False once the server said the alert service is not running (503); null before it answered. */
export const available = signal<boolean | null>(null);
export const rules = signal<AlertRule[]>([]);
/** The server's action types with their forms; the rule form draws every action from these. */
export const actionTypes = signal<ActionForm[]>([]);
export const rulesError = signal<string | null>(null);
export const active = signal<ActiveAlert[]>([]);
export const events = signal<AlertEventRecord[]>([]);
export const eventsFilter = signal<HistoryFilter>(EMPTY_FILTER);
export const eventsError = signal<string | null>(null);
export const eventsHasMore = signal(false);
export const draft = signal<RuleDraft | null>(null);
export const formErrors = signal<FieldErrors>({});
export const busy = signal(false);
export const notice = signal<string | null>(null);
export const testOutcome = signal<TestOutcome | null>(null);

/** Active alerts by target id (each list sorted by hop), for the summary and the trace graph. */
export const activeByTarget = computed(() => {
  const map = new Map<number, ActiveAlert[]>();
  for (const a of active.value) {
    const list = map.get(a.targetId) ?? [];
    list.push(a);
    map.set(a.targetId, list);
  }
  for (const list of map.values()) list.sort((a, b) => (a.hop ?? 0) - (b.hop ?? 0));
  return map;
});

function failed(error: unknown): string {
  if (error instanceof ApiError && error.status === 503) available.value = false;
  return describeError(error);
}

export async function refreshRules(): Promise<void> {
  try {
    if (!actionTypes.peek().length) {
      actionTypes.value = (await get<ActionTypesReply>("/api/alerts/action-types")).actionTypes;
    }
    rules.value = (await get<RulesReply>("/api/alerts/rules")).rules;
    available.value = true;
    rulesError.value = null;
  } catch (error) {
    rulesError.value = failed(error);
  }
}

function historyQuery(f: HistoryFilter, beforeId?: number): string {
  return query({
    ruleId: f.ruleId,
    targetId: f.targetId,
    kind: f.kinds.length ? f.kinds.join(",") : null,
    start: f.start,
    end: f.end,
    beforeId,
    limit: PAGE,
  });
}

/** Loads the newest page of the history, or (`older`) the page after what is shown. */
export async function refreshEvents(older = false): Promise<void> {
  const beforeId = older ? events.peek().at(-1)?.id : undefined;
  try {
    const path = `/api/alerts/events${historyQuery(eventsFilter.peek(), beforeId)}`;
    const page = (await get<EventsReply>(path)).events;
    events.value = older ? [...events.value, ...page] : page;
    eventsHasMore.value = page.length === PAGE;
    eventsError.value = null;
  } catch (error) {
    eventsError.value = failed(error);
  }
}

export function setFilter(filter: HistoryFilter): void {
  eventsFilter.value = filter;
  refreshEvents();
}

function sameActive(a: ActiveAlert[], b: ActiveAlert[]): boolean {
  return a.length === b.length && a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));
}

export async function refreshActive(): Promise<void> {
  try {
    const next = (await get<ActiveReply>("/api/alerts/active")).active;
    available.value = true;
    const before = active.peek();
    if (sameActive(before, next)) return;
    const keys = (list: ActiveAlert[]) => list.map((a) => `${a.ruleId}/${a.targetId}`).join();
    active.value = next;
    // An alert fired or recovered: the history has a new entry.
    if (keys(before) !== keys(next) && view.peek() === "alerts") refreshEventsSoon();
  } catch (error) {
    failed(error);
  }
}

const refreshEventsSoon = throttle(() => refreshEvents(), 1000);
const refreshActiveSoon = throttle(refreshActive, 500);

export function newRule(): void {
  draft.value = newRuleDraft();
  testOutcome.value = null;
  formErrors.value = {};
  notice.value = null;
}

export function editRule(rule: AlertRule): void {
  draft.value = draftOf(rule, actionTypes.peek());
  testOutcome.value = null;
  formErrors.value = {};
  notice.value = null;
}

export function cancelEdit(): void {
  draft.value = null;
  formErrors.value = {};
}

export function updateDraft(next: RuleDraft): void {
  draft.value = next;
}

export async function saveDraft(): Promise<boolean> {
  const d = draft.value;
  if (!d) return false;
  const { spec, errors } = specOf(d);
  formErrors.value = errors;
  if (!spec) return false;
  busy.value = true;
  try {
    const path = d.id === null ? "/api/alerts/rules" : `/api/alerts/rules/${d.id}`;
    const reply = await request<RuleReply>(d.id === null ? "POST" : "PUT", path, spec);
    notice.value = `Rule “${reply.rule.name}” ${d.id === null ? "created" : "saved"}.`;
    draft.value = null;
    testOutcome.value = null;
    await refreshRules();
    return true;
  } catch (error) {
    formErrors.value = error instanceof ApiError && error.status === 400
      ? fieldErrorsOf(error.details, error.message)
      : { "": failed(error) };
    return false;
  } finally {
    busy.value = false;
  }
}

async function ruleAction(work: () => Promise<unknown>, done: string): Promise<void> {
  busy.value = true;
  testOutcome.value = null;
  try {
    await work();
    notice.value = done;
    rulesError.value = null;
  } catch (error) {
    rulesError.value = failed(error);
  } finally {
    busy.value = false;
  }
  await refreshRules();
  refreshActiveSoon();
}

export function setEnabled(rule: AlertRule, enabled: boolean): Promise<void> {
  // Shown at once (the checkbox follows the click); the refresh after corrects it on failure.
  rules.value = rules.value.map((r) => (r.id === rule.id ? { ...r, enabled } : r));
  return ruleAction(
    () => patch(`/api/alerts/rules/${rule.id}`, { enabled }),
    `Rule “${rule.name}” ${enabled ? "enabled" : "disabled"}.`,
  );
}

export function removeRule(rule: AlertRule): Promise<void> {
  if (draft.value?.id === rule.id) cancelEdit();
  return ruleAction(() => del(`/api/alerts/rules/${rule.id}`), `Rule “${rule.name}” deleted.`);
}

function targetLabel(id: number): string {
  const t = targets.value.find((x) => x.id === id);
  return t ? targetName(t) : `target ${id}`;
}

async function testFire(title: string, path: string, body: unknown): Promise<void> {
  busy.value = true;
  testOutcome.value = null;
  try {
    const reply = await post<TestReply>(path, body);
    testOutcome.value = { title, runs: reply.runs ?? [] };
    if (view.peek() === "alerts") refreshEventsSoon();
  } catch (error) {
    const message = error instanceof ApiError && error.status === 400
      ? Object.entries(fieldErrorsOf(error.details, error.message))
        .map(([k, v]) => (k ? `${fieldLabel(k)}: ${v}` : v)).join("; ")
      : failed(error);
    testOutcome.value = { title: `${title} failed: ${message}`, runs: [] };
  } finally {
    busy.value = false;
  }
}

/** Test-fires a saved rule's actions (all, or one) for a target. */
export function testRule(rule: AlertRule, targetId: number, actionIndex?: number): Promise<void> {
  const which = actionIndex === undefined ? "all actions" : `action ${actionIndex + 1}`;
  return testFire(
    `Test of “${rule.name}” (${which}) on ${targetLabel(targetId)}`,
    `/api/alerts/rules/${rule.id}/test`,
    actionIndex === undefined ? { targetId } : { targetId, actionIndex },
  );
}

/** Test-fires one action of the form as it stands (not saved yet). */
export function testDraftAction(index: number, targetId: number): Promise<void> {
  const d = draft.value;
  if (!d) return Promise.resolve();
  const { action, errors } = actionOf(d.actions[index], index);
  if (!action) {
    formErrors.value = errors;
    return Promise.resolve();
  }
  return testFire(
    `Test of action ${index + 1} (${action.type}) on ${targetLabel(targetId)}`,
    "/api/alerts/test-action",
    { targetId, action },
  );
}

/** The target a test-fire goes to by default: the open one, else the first. */
export const defaultTestTarget = computed(() => selectedId.value ?? targets.value[0]?.id ?? null);

export function initAlerts(): void {
  setInterval(() => {
    const wanted = available.peek() !== false && !authRequired.peek() && !document.hidden;
    if (wanted && connection.peek() === "live") {
      refreshActive();
    }
  }, ACTIVE_POLL_MS);
  onLive((event) => {
    if (event.kind !== "alert") return;
    refreshActiveSoon();
    if (view.peek() === "alerts") refreshEventsSoon();
  });
  onReconnect(() => {
    available.value = null;
    refreshActiveSoon();
  });
  effect(() => {
    if (view.value !== "alerts" || authRequired.value) return;
    refreshRules();
    refreshEvents();
  });
}

/** Everything the alerts page shows and does, read from the signals (for ui/views/app.tsx). */
export function alertsPageProps() {
  return {
    available: available.value,
    rules: rules.value,
    actionTypes: actionTypes.value,
    rulesError: rulesError.value,
    active: active.value,
    targets: targets.value.map((t) => ({ id: t.id, name: targetName(t) })),
    draft: draft.value,
    formErrors: formErrors.value,
    busy: busy.value,
    notice: notice.value,
    testOutcome: testOutcome.value,
    defaultTestTarget: defaultTestTarget.value,
    events: events.value,
    eventsFilter: eventsFilter.value,
    eventsError: eventsError.value,
    eventsHasMore: eventsHasMore.value,
    onNew: newRule,
    onEdit: editRule,
    onDraft: updateDraft,
    onSave: () => void saveDraft(),
    onCancel: cancelEdit,
    onEnabled: (rule: AlertRule, enabled: boolean) => void setEnabled(rule, enabled),
    onDelete: (rule: AlertRule) => void removeRule(rule),
    onTestRule: (rule: AlertRule, targetId: number, actionIndex?: number) =>
      void testRule(rule, targetId, actionIndex),
    onTestAction: (index: number, targetId: number) => void testDraftAction(index, targetId),
    onFilter: setFilter,
    onMoreEvents: () => void refreshEvents(true),
    onRefreshEvents: () => void refreshEvents(),
    onOpenTarget: (targetId: number) => open("trace", targetId),
  };
}
