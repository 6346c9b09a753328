// Target bar: start monitoring a host; pause, resume or stop the selected target.
import { useState } from "preact/hooks";
import { hostProblem } from "../model/host.ts";
import type { NewTargetInput } from "../model/targets.ts";
import type { Configuration, Protocol, Target } from "../model/types.ts";

export interface TargetBarProps {
  targets: Target[];
  selected: Target | null;
  configurations: Configuration[];
  recentHosts: string[];
  error: string | null;
  busy: boolean;
  onAdd: (input: NewTargetInput) => Promise<boolean>;
  onSelect: (id: number) => void;
  onPause: (id: number) => void;
  onResume: (id: number) => void;
  onStop: (id: number) => void;
}

const INTERVALS = [0.5, 1, 2.5, 5, 10, 30, 60];
export function TargetBar(props: TargetBarProps) {
  const [host, setHost] = useState("");
  const [intervalS, setIntervalS] = useState(2.5);
  const [protocol, setProtocol] = useState<Protocol>("icmp");
  const [configuration, setConfiguration] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmStop, setConfirmStop] = useState(false);
  const sel = props.selected;

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = host.trim();
    const issue = hostProblem(trimmed);
    setProblem(issue);
    if (issue) return;
    const ok = await props.onAdd({
      host: trimmed,
      intervalS,
      protocol,
      configuration: configuration || null,
    });
    if (ok) setHost("");
  };
  const message = problem ?? props.error;

  return (
    <div class="target-bar">
      <form class="add-target" onSubmit={submit} noValidate aria-label="Add a target">
        <label>
          Host or IP
          <input
            name="host"
            value={host}
            list="recent-hosts"
            autoComplete="off"
            spellcheck={false}
            placeholder="e.g. 192.0.2.10 or example.net"
            aria-invalid={problem ? "true" : undefined}
            aria-describedby="target-message"
            onInput={(e) => setHost((e.target as HTMLInputElement).value)}
          />
        </label>
        <datalist id="recent-hosts">
          {props.recentHosts.map((h) => <option key={h} value={h} />)}
        </datalist>
        <label>
          Interval
          <select
            name="interval"
            value={String(intervalS)}
            disabled={!!configuration}
            onChange={(e) => setIntervalS(Number((e.target as HTMLSelectElement).value))}
          >
            {INTERVALS.map((s) => <option key={s} value={String(s)}>{s} s</option>)}
          </select>
        </label>
        <label>
          Protocol
          <select
            name="protocol"
            value={protocol}
            disabled={!!configuration}
            onChange={(e) => setProtocol((e.target as HTMLSelectElement).value as Protocol)}
          >
            <option value="icmp">ICMP</option>
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
          </select>
        </label>
        <label>
          Configuration
          <select
            name="configuration"
            value={configuration}
            onChange={(e) => setConfiguration((e.target as HTMLSelectElement).value)}
          >
            <option value="">(none)</option>
            {props.configurations.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
          </select>
        </label>
        <button type="submit" class="primary" disabled={props.busy}>Start</button>
      </form>
      <div class="target-controls">
        <label>
          Target
          <select
            name="target"
            value={sel ? String(sel.id) : ""}
            disabled={!props.targets.length}
            onChange={(e) => props.onSelect(Number((e.target as HTMLSelectElement).value))}
          >
            {!sel && <option value="">(none)</option>}
            {props.targets.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.label ? `${t.label} (${t.host})` : t.host}
                {t.paused ? " — paused" : ""}
              </option>
            ))}
          </select>
        </label>
        {sel && !sel.replay && (sel.paused
          ? <button type="button" onClick={() => props.onResume(sel.id)}>Resume</button>
          : <button type="button" onClick={() => props.onPause(sel.id)}>Pause</button>)}
        {sel?.declared && (
          <span
            class="badge"
            data-testid="declared-badge"
            title="Declared in the config file: change or remove it there (the server reloads it)"
          >
            config file
          </span>
        )}
        {sel && !sel.declared && (confirmStop
          ? (
            <>
              <button
                type="button"
                class="danger"
                onClick={() => {
                  setConfirmStop(false);
                  props.onStop(sel.id);
                }}
              >
                Stop and delete data
              </button>
              <button
                type="button"
                onClick={() => setConfirmStop(false)}
              >
                Cancel
              </button>
            </>
          )
          : <button type="button" onClick={() => setConfirmStop(true)}>Stop</button>)}
        {sel?.replay && <span class="badge">replay</span>}
      </div>
      <p id="target-message" class={message ? "error" : "sr-only"} role="status" aria-live="polite">
        {message ?? ""}
      </p>
      {props.recentHosts.length > 0 && (
        <div class="recent" aria-label="Recent targets">
          <span class="toolbar-label">Recent</span>
          {props.recentHosts.slice(0, 6).map((h) => (
            <button
              key={h}
              type="button"
              class="chip"
              onClick={() => setHost(h)}
            >
              {h}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
