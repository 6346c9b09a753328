// One action of an alert rule in the form: its type's settings (drawn from the form descriptor the
// server's action registry sends, so no action type is named here), the events it runs on,
// timeout and retries, and buttons to test-fire it as it stands or remove it.
import type { ActionField } from "../../api/wire.ts";
import {
  type ActionDraft,
  type FieldErrors,
  formFor,
  newActionDraft,
} from "../model/alerts_draft.ts";
import { type ActionForm, EVENT_KINDS } from "../model/alerts_types.ts";
import { Check, FieldError, SelectField, TextArea, TextField } from "./alerts_fields.tsx";

export interface ActionFieldsProps {
  index: number;
  action: ActionDraft;
  /** Every action type the server offers. */
  actionTypes: ActionForm[];
  errors: FieldErrors;
  busy: boolean;
  canTest: boolean;
  onChange: (action: ActionDraft) => void;
  onRemove: () => void;
  onTest: () => void;
}

type Fields = ActionFieldsProps & { set: (patch: Partial<ActionDraft>) => void; at: string };

function Input(p: Fields & { field: ActionField }) {
  const f = p.field;
  const value = p.action.values[f.name];
  const setValue = (next: string | boolean) =>
    p.set({ values: { ...p.action.values, [f.name]: next } });
  const common = {
    label: f.label,
    path: `${p.at}.${f.name}`,
    name: f.name,
    value: typeof value === "string" ? value : "",
    placeholder: f.placeholder,
    hint: f.help,
    errors: p.errors,
    onInput: setValue,
  };
  switch (f.kind) {
    case "checkbox":
      return <Check label={f.label} name={f.name} checked={value === true} onChange={setValue} />;
    case "textarea":
      return <TextArea {...common} />;
    case "select":
      return (
        <SelectField
          label={f.label}
          path={common.path}
          name={f.name}
          value={common.value}
          options={f.options ?? []}
          errors={p.errors}
          onChange={setValue}
        />
      );
    default:
      return (
        <TextField
          {...common}
          type={f.kind === "number" ? "number" : f.inputType ?? "text"}
          wide={f.wide}
        />
      );
  }
}

/** The action's own settings; checkboxes go with the common fields below. */
function TypeFields(p: Fields) {
  const form = p.action.form;
  if (!form.fields.length) return form.note ? <p class="muted">{form.note}</p> : null;
  return (
    <>
      {form.fields.filter((f) => f.kind !== "checkbox").map((f) => (
        <Input key={f.name} {...p} field={f} />
      ))}
    </>
  );
}

function CommonFields(p: Fields) {
  const a = p.action;
  const toggle = (kind: typeof EVENT_KINDS[number], on: boolean) =>
    p.set({
      on: on
        ? EVENT_KINDS.filter((k) => k === kind || a.on.includes(k))
        : a.on.filter((k) => k !== kind),
    });
  return (
    <div class="alert-row">
      <div class="alert-field" role="group" aria-label={`Action ${p.index + 1} runs on`}>
        <span>Runs on</span>
        <div class="alert-row tight plain">
          {EVENT_KINDS.map((k) => (
            <Check
              key={k}
              label={k}
              name="on"
              value={k}
              checked={a.on.includes(k)}
              onChange={(on) => toggle(k, on)}
            />
          ))}
        </div>
        <FieldError errors={p.errors} path={`${p.at}.on`} />
      </div>
      <TextField
        label="Timeout (s)"
        type="number"
        min={0.1}
        step="any"
        path={`${p.at}.timeoutMs`}
        name="timeoutS"
        value={a.timeoutS}
        placeholder={String(a.form.defaults.timeoutMs / 1000)}
        errors={p.errors}
        onInput={(timeoutS) => p.set({ timeoutS })}
      />
      <TextField
        label="Retries"
        type="number"
        min={0}
        path={`${p.at}.retries`}
        name="retries"
        value={a.retries}
        placeholder={String(a.form.defaults.retries)}
        errors={p.errors}
        onInput={(retries) => p.set({ retries })}
      />
      <TextField
        label="Retry backoff (s)"
        type="number"
        min={0}
        step="any"
        path={`${p.at}.retryBackoffMs`}
        name="retryBackoffS"
        value={a.retryBackoffS}
        placeholder={String(a.form.defaults.retryBackoffMs / 1000)}
        errors={p.errors}
        onInput={(retryBackoffS) => p.set({ retryBackoffS })}
      />
      {a.form.fields.filter((f) => f.kind === "checkbox").map((f) => (
        <Input key={f.name} {...p} field={f} />
      ))}
    </div>
  );
}

export function ActionFields(props: ActionFieldsProps) {
  const a = props.action;
  const set = (patch: Partial<ActionDraft>) => props.onChange({ ...a, ...patch });
  const p: Fields = { ...props, set, at: `actions.${props.index}` };
  return (
    <div
      class="alert-action"
      role="group"
      aria-label={`Action ${props.index + 1}`}
      data-testid="alert-action"
    >
      <div class="alert-row">
        <SelectField
          label={`Action ${props.index + 1}`}
          path={`${p.at}.type`}
          name="actionType"
          value={a.type}
          options={props.actionTypes.map((t) => ({ id: t.type, label: t.label }))}
          errors={props.errors}
          onChange={(type) =>
            props.onChange({ ...newActionDraft(formFor(props.actionTypes, type)), on: a.on })}
        />
        <TypeFields {...p} />
      </div>
      <CommonFields {...p} />
      <div class="alert-row plain">
        <button
          type="button"
          disabled={props.busy || !props.canTest}
          title={props.canTest ? undefined : "Add a target first"}
          onClick={props.onTest}
        >
          Test this action
        </button>
        <button type="button" class="danger" onClick={props.onRemove}>Remove action</button>
      </div>
    </div>
  );
}
