// Small labelled inputs for the alert rule form: each shows its field's message from the API
// (or the form's own check) beside it and marks itself invalid for assistive technology.
import type { ComponentChildren } from "preact";
import { errorAt, type FieldErrors } from "../model/alerts_draft.ts";

const idOf = (path: string) => `alert-field-${path.replace(/\W/g, "-")}`;

/** The message for `path` (and, unless `exact`, for any part of it). */
export function FieldError(props: { errors: FieldErrors; path: string; exact?: boolean }) {
  const message = props.exact ? props.errors[props.path] : errorAt(props.errors, props.path);
  return message
    ? <span class="field-error" id={`${idOf(props.path)}-error`}>{message}</span>
    : null;
}

function invalid(errors: FieldErrors, path: string, exact = false) {
  const message = exact ? errors[path] : errorAt(errors, path);
  return message
    ? { "aria-invalid": true as const, "aria-describedby": `${idOf(path)}-error` }
    : {};
}

export function TextField(props: {
  label: string;
  path: string;
  value: string;
  errors: FieldErrors;
  onInput: (value: string) => void;
  type?: "text" | "number" | "url" | "email";
  name?: string;
  placeholder?: string;
  min?: number;
  step?: number | "any";
  hint?: string;
  wide?: boolean;
}) {
  return (
    <label class={props.wide ? "alert-field wide" : "alert-field"}>
      {props.label}
      <input
        type={props.type ?? "text"}
        name={props.name ?? props.path}
        value={props.value}
        placeholder={props.placeholder}
        min={props.min}
        step={props.step}
        {...invalid(props.errors, props.path)}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint && <span class="hint">{props.hint}</span>}
      <FieldError errors={props.errors} path={props.path} />
    </label>
  );
}

export function TextArea(props: {
  label: string;
  path: string;
  value: string;
  errors: FieldErrors;
  onInput: (value: string) => void;
  name?: string;
  placeholder?: string;
  hint?: string;
}) {
  return (
    <label class="alert-field wide">
      {props.label}
      <textarea
        name={props.name ?? props.path}
        rows={3}
        value={props.value}
        placeholder={props.placeholder}
        {...invalid(props.errors, props.path)}
        onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      {props.hint && <span class="hint">{props.hint}</span>}
      <FieldError errors={props.errors} path={props.path} />
    </label>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  path: string;
  value: T;
  options: readonly { id: T; label: string }[];
  errors: FieldErrors;
  onChange: (value: T) => void;
  name?: string;
}) {
  return (
    <label class="alert-field">
      {props.label}
      <select
        name={props.name ?? props.path}
        value={props.value}
        {...invalid(props.errors, props.path, true)}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as T)}
      >
        {props.options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
      </select>
      <FieldError errors={props.errors} path={props.path} exact />
    </label>
  );
}

export function Check(props: {
  label: ComponentChildren;
  checked: boolean;
  onChange: (checked: boolean) => void;
  name?: string;
  value?: string;
}) {
  return (
    <label class="inline">
      <input
        type="checkbox"
        name={props.name}
        value={props.value}
        checked={props.checked}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
      />
      {props.label}
    </label>
  );
}

export function Radio(props: {
  label: string;
  name: string;
  value: string;
  checked: boolean;
  onSelect: () => void;
}) {
  return (
    <label class="inline">
      <input
        type="radio"
        name={props.name}
        value={props.value}
        checked={props.checked}
        onChange={props.onSelect}
      />
      {props.label}
    </label>
  );
}
