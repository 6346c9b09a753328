// How an action's settings appear in a form. Pure data, no imports: the API serves these
// descriptors (api/wire.ts names their shape) and the web UI renders every action's fields from
// them, so a new action needs no UI code.

export type ActionFieldKind = "text" | "number" | "select" | "textarea" | "checkbox";

/**
 * How a field's text becomes the JSON value: as typed (trimmed; blank leaves the server's
 * default), a list split on commas or spaces, one item per line, or `Name: value` lines.
 */
export type ActionFieldFormat = "text" | "list" | "lines" | "headers";

export interface ActionFieldOption {
  id: string;
  label: string;
}

export interface ActionField {
  /** The key in the action's JSON. */
  name: string;
  label: string;
  kind: ActionFieldKind;
  required?: boolean;
  placeholder?: string;
  help?: string;
  /** For `select`: the choices; the first is the default. */
  options?: ActionFieldOption[];
  /** For text and textarea fields (default "text"). */
  format?: ActionFieldFormat;
  /** For `checkbox`: whether a new action starts checked. */
  initial?: boolean;
  /** Input type for `text` fields (url, email). */
  inputType?: "text" | "url";
  /** Spans the whole row. */
  wide?: boolean;
}

/** What the UI needs to know of an action type: its label, note, defaults and fields. */
export interface ActionForm {
  type: string;
  label: string;
  /** Shown when the action has no fields of its own. */
  note?: string;
  defaults: { timeoutMs: number; retries: number; retryBackoffMs: number };
  fields: ActionField[];
}
