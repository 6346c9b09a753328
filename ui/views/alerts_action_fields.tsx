// One action of an alert rule in the form: its type's settings, the events it runs on, timeout and
// retries, and buttons to test-fire it as it stands or remove it.
import { type ActionDraft, type FieldErrors, newActionDraft } from "../model/alerts_draft.ts";
import { ACTION_TYPES, EVENT_KINDS } from "../model/alerts_types.ts";
import { Check, FieldError, SelectField, TextArea, TextField } from "./alerts_fields.tsx";

export interface ActionFieldsProps {
  index: number;
  action: ActionDraft;
  errors: FieldErrors;
  busy: boolean;
  canTest: boolean;
  onChange: (action: ActionDraft) => void;
  onRemove: () => void;
  onTest: () => void;
}

const ARGV_PLACEHOLDER = "/usr/local/bin/notify\n--quiet";

type Fields = ActionFieldsProps & { set: (patch: Partial<ActionDraft>) => void; at: string };

function EmailFields(p: Fields) {
  const a = p.action;
  return (
    <>
      <TextField
        label="To (comma-separated)"
        path={`${p.at}.to`}
        name="to"
        value={a.to}
        placeholder="noc@example.org"
        errors={p.errors}
        wide
        onInput={(to) => p.set({ to })}
      />
      <TextField
        label="Cc"
        path={`${p.at}.cc`}
        name="cc"
        value={a.cc}
        errors={p.errors}
        onInput={(cc) => p.set({ cc })}
      />
      <TextField
        label="Subject prefix"
        path={`${p.at}.subjectPrefix`}
        name="subjectPrefix"
        value={a.subjectPrefix}
        placeholder="[PingWatcher]"
        errors={p.errors}
        onInput={(subjectPrefix) => p.set({ subjectPrefix })}
      />
    </>
  );
}

function WebhookFields(p: Fields) {
  const a = p.action;
  return (
    <>
      <TextField
        label="URL"
        type="url"
        path={`${p.at}.url`}
        name="url"
        value={a.url}
        placeholder="https://hooks.example.org/pingwatcher"
        errors={p.errors}
        wide
        onInput={(url) => p.set({ url })}
      />
      <SelectField
        label="Method"
        path={`${p.at}.method`}
        name="method"
        value={a.method}
        options={[{ id: "POST", label: "POST" }, { id: "PUT", label: "PUT" }]}
        errors={p.errors}
        onChange={(method) => p.set({ method })}
      />
      <TextArea
        label="Headers (one “Name: value” per line)"
        path={`${p.at}.headers`}
        name="headers"
        value={a.headers}
        placeholder="Authorization: Bearer …"
        errors={p.errors}
        onInput={(headers) => p.set({ headers })}
      />
    </>
  );
}

function TypeFields(p: Fields) {
  const a = p.action;
  switch (a.type) {
    case "email":
      return <EmailFields {...p} />;
    case "webhook":
      return <WebhookFields {...p} />;
    case "logFile":
      return (
        <TextField
          label="File name (in the log directory)"
          path={`${p.at}.file`}
          name="file"
          value={a.file}
          placeholder="alerts.jsonl"
          errors={p.errors}
          onInput={(file) => p.set({ file })}
        />
      );
    case "command":
      return (
        <TextArea
          label="Program and arguments (one per line, no shell)"
          path={`${p.at}.argv`}
          name="argv"
          value={a.argv}
          placeholder={ARGV_PLACEHOLDER}
          hint="the program must be on the server's command allowlist; event data arrives as PINGWATCHER_* variables"
          errors={p.errors}
          onInput={(argv) => p.set({ argv })}
        />
      );
    case "comment":
      return (
        <TextField
          label="Comment prefix"
          path={`${p.at}.prefix`}
          name="prefix"
          value={a.prefix}
          placeholder="(none)"
          errors={p.errors}
          onInput={(prefix) => p.set({ prefix })}
        />
      );
    case "saveImage":
      return <p class="muted">Writes the hop's timeline and the hop table as SVG.</p>;
  }
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
        placeholder={a.type === "email" ? "30" : "10"}
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
        placeholder={a.type === "command" ? "0" : "2"}
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
        placeholder="1"
        errors={p.errors}
        onInput={(retryBackoffS) => p.set({ retryBackoffS })}
      />
      {(a.type === "email" || a.type === "webhook") && (
        <Check
          label="Attach evidence"
          name="evidence"
          checked={a.evidence}
          onChange={(evidence) => p.set({ evidence })}
        />
      )}
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
          options={ACTION_TYPES}
          errors={props.errors}
          onChange={(type) => props.onChange({ ...newActionDraft(type), on: a.on })}
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
