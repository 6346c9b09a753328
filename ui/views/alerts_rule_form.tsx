// The alert rule form: every field of a rule (scope, hop, condition, trigger, reminder, actions
// with their settings), with the API's messages shown beside the fields they name.
import { useEffect, useRef, useState } from "preact/hooks";
import {
  type ActionDraft,
  type FieldErrors,
  formFor,
  newActionDraft,
  type RuleDraft,
} from "../model/alerts_draft.ts";
import { type ActionForm, fieldLabel } from "../model/alerts_types.ts";
import { ActionFields } from "./alerts_action_fields.tsx";
import { ConditionFields, TriggerFields } from "./alerts_condition_fields.tsx";
import { Check, FieldError, Radio, SelectField, TextField } from "./alerts_fields.tsx";

export interface TargetChoice {
  id: number;
  name: string;
}

export interface RuleFormProps {
  draft: RuleDraft;
  errors: FieldErrors;
  /** Every action type the server offers, with its form. */
  actionTypes: ActionForm[];
  targets: TargetChoice[];
  busy: boolean;
  defaultTestTarget: number | null;
  onChange: (draft: RuleDraft) => void;
  onSave: () => void;
  onCancel: () => void;
  onTestAction: (index: number, targetId: number) => void;
}

type Props = RuleFormProps & { set: (patch: Partial<RuleDraft>) => void };

function ScopeFields(props: Props) {
  const d = props.draft;
  const toggle = (id: number, on: boolean) =>
    props.set({ targetIds: on ? [...d.targetIds, id] : d.targetIds.filter((t) => t !== id) });
  return (
    <fieldset class="alert-fieldset">
      <legend>Targets</legend>
      <div class="alert-row plain" role="radiogroup" aria-label="Scope">
        <Radio
          label="All targets"
          name="scope"
          value="all"
          checked={d.scopeAll}
          onSelect={() => props.set({ scopeAll: true })}
        />
        <Radio
          label="Only these targets"
          name="scope"
          value="some"
          checked={!d.scopeAll}
          onSelect={() => props.set({ scopeAll: false })}
        />
      </div>
      {!d.scopeAll && (
        <div class="alert-row plain target-picks" role="group" aria-label="Targets of the rule">
          {props.targets.length === 0 && <span class="muted">No targets yet.</span>}
          {props.targets.map((t) => (
            <Check
              key={t.id}
              label={t.name}
              name="targetIds"
              value={String(t.id)}
              checked={d.targetIds.includes(t.id)}
              onChange={(on) => toggle(t.id, on)}
            />
          ))}
        </div>
      )}
      <FieldError errors={props.errors} path="scope" />
    </fieldset>
  );
}

function ActionList(props: Props) {
  const d = props.draft;
  const [adding, setAdding] = useState("logFile");
  const [testTarget, setTestTarget] = useState<number | null>(props.defaultTestTarget);
  const target = testTarget ?? props.targets[0]?.id ?? null;
  const setAction = (index: number, next: ActionDraft) =>
    props.set({ actions: d.actions.map((a, i) => (i === index ? next : a)) });
  return (
    <fieldset class="alert-fieldset">
      <legend>Actions</legend>
      {d.actions.length === 0 && (
        <p class="muted">No actions: events are only kept in the history.</p>
      )}
      {d.actions.map((a, i) => (
        <ActionFields
          key={i}
          index={i}
          action={a}
          actionTypes={props.actionTypes}
          errors={props.errors}
          busy={props.busy}
          canTest={target !== null}
          onChange={(next) => setAction(i, next)}
          onRemove={() => props.set({ actions: d.actions.filter((_, j) => j !== i) })}
          onTest={() => target !== null && props.onTestAction(i, target)}
        />
      ))}
      <div class="alert-row">
        <SelectField
          label="New action"
          path="newAction"
          value={adding}
          options={props.actionTypes.map((t) => ({ id: t.type, label: t.label }))}
          errors={{}}
          onChange={setAdding}
        />
        <button
          type="button"
          onClick={() =>
            props.set({
              actions: [...d.actions, newActionDraft(formFor(props.actionTypes, adding))],
            })}
        >
          Add action
        </button>
        {d.actions.length > 0 && (
          <label class="alert-field">
            Test actions against
            <select
              name="testTarget"
              value={target ?? ""}
              onChange={(e) => setTestTarget(Number((e.target as HTMLSelectElement).value))}
            >
              {props.targets.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          </label>
        )}
      </div>
      <FieldError errors={props.errors} path="actions" exact />
    </fieldset>
  );
}

function ErrorSummary(props: { errors: FieldErrors }) {
  const entries = Object.entries(props.errors);
  if (!entries.length) return null;
  return (
    <div class="error alert-error-summary" role="alert">
      <strong>The rule cannot be saved yet:</strong>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>{field ? `${fieldLabel(field)}: ${message}` : message}</li>
        ))}
      </ul>
    </div>
  );
}

export function RuleForm(props: RuleFormProps) {
  const d = props.draft;
  const set = (patch: Partial<RuleDraft>) => props.onChange({ ...d, ...patch });
  const p = { ...props, set };
  const form = useRef<HTMLFormElement>(null);
  // Opening the form (or another rule in it) puts the keyboard in its first field.
  useEffect(() => {
    form.current?.querySelector<HTMLInputElement>("input[name=name]")?.focus();
  }, [d.id]);
  return (
    <form
      ref={form}
      class="card alert-form"
      aria-label={d.id === null ? "New alert rule" : `Edit alert rule ${d.name}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave();
      }}
      onKeyDown={(e) => e.key === "Escape" && props.onCancel()}
    >
      <h3>{d.id === null ? "New rule" : `Edit rule “${d.name}”`}</h3>
      <ErrorSummary errors={props.errors} />
      <div class="alert-row">
        <TextField
          label="Name"
          path="name"
          value={d.name}
          placeholder="loss to the office"
          errors={props.errors}
          wide
          onInput={(name) => set({ name })}
        />
        <Check
          label="Enabled"
          name="enabled"
          checked={d.enabled}
          onChange={(enabled) => set({ enabled })}
        />
      </div>
      <ScopeFields {...p} />
      <ConditionFields {...p} />
      <TriggerFields {...p} />
      <ActionList {...p} />
      <div class="alert-row plain">
        <button type="submit" class="primary" disabled={props.busy}>
          {d.id === null ? "Create rule" : "Save rule"}
        </button>
        <button type="button" onClick={props.onCancel}>Cancel</button>
      </div>
    </form>
  );
}
