// Settings: named configurations (presets of probe options), thresholds and theme.
import { useState } from "preact/hooks";
import type { ConfigurationOptions } from "../../api/wire.ts";
import { describeOptions } from "../model/format.ts";
import type { Theme, Thresholds } from "../model/settings.ts";
import type { Configuration, Protocol } from "../model/types.ts";

export interface SettingsProps {
  theme: Theme;
  thresholds: Thresholds;
  configurations: Configuration[];
  error: string | null;
  onTheme: () => void;
  onThresholds: (t: Thresholds) => void;
  onSaveConfiguration: (name: string, options: ConfigurationOptions) => Promise<boolean>;
  onDeleteConfiguration: (c: Configuration) => void;
  /** The target the configurations can be applied to (the selected one). */
  target: { id: number; host: string; configuration: string | null } | null;
  onApplyConfiguration: (c: Configuration, targetId: number) => void;
}

function NumberField(
  props: {
    label: string;
    name: string;
    value: number;
    step?: number;
    onChange: (v: number) => void;
  },
) {
  return (
    <label>
      {props.label}
      <input
        type="number"
        name={props.name}
        min="0"
        step={props.step ?? 1}
        value={props.value}
        onInput={(e) => props.onChange(Number((e.target as HTMLInputElement).value))}
      />
    </label>
  );
}

function ThresholdForm(props: SettingsProps) {
  const [t, setT] = useState(props.thresholds);
  const set = (k: keyof Thresholds) => (v: number) => setT({ ...t, [k]: v });
  return (
    <form
      class="card form-grid"
      aria-label="Thresholds"
      onSubmit={(e) => {
        e.preventDefault();
        props.onThresholds(t);
      }}
    >
      <h3>Thresholds</h3>
      <p class="muted">Rows turn yellow or red when latency or loss reaches these values.</p>
      <NumberField
        label="Warning latency (ms)"
        name="warnMs"
        value={t.warnMs}
        onChange={set("warnMs")}
      />
      <NumberField label="Bad latency (ms)" name="badMs" value={t.badMs} onChange={set("badMs")} />
      <NumberField
        label="Warning loss (%)"
        name="warnLossPct"
        value={t.warnLossPct}
        step={0.1}
        onChange={set("warnLossPct")}
      />
      <NumberField
        label="Bad loss (%)"
        name="badLossPct"
        value={t.badLossPct}
        step={0.1}
        onChange={set("badLossPct")}
      />
      <button type="submit" class="primary">Save thresholds</button>
    </form>
  );
}

function ConfigurationForm(props: SettingsProps) {
  const [name, setName] = useState("");
  const [interval, setInterval] = useState(2.5);
  const [protocol, setProtocol] = useState<Protocol>("icmp");
  const [packetSize, setPacketSize] = useState(56);
  const [maxHops, setMaxHops] = useState(30);
  const [timeout, setTimeout] = useState(3);
  return (
    <form
      class="card form-grid"
      aria-label="Named configurations"
      onSubmit={async (e) => {
        e.preventDefault();
        const ok = await props.onSaveConfiguration(name.trim(), {
          interval,
          protocol,
          packetSize,
          maxHops,
          timeout,
        });
        if (ok) setName("");
      }}
    >
      <h3>Named configurations</h3>
      <ul class="plain">
        {props.configurations.length === 0 && <li class="muted">None yet.</li>}
        {props.configurations.map((c) => (
          <li key={c.id}>
            <strong>{c.name}</strong> <span class="muted">{describeOptions(c.options)}</span>{" "}
            <button type="button" class="link" onClick={() => props.onDeleteConfiguration(c)}>
              delete
            </button>
            {props.target && props.target.configuration !== c.name && (
              <button
                type="button"
                class="link"
                onClick={() => props.onApplyConfiguration(c, props.target!.id)}
              >
                apply to {props.target.host}
              </button>
            )}
            {props.target?.configuration === c.name && (
              <span class="badge">{props.target.host} follows it</span>
            )}
          </li>
        ))}
      </ul>
      <label>
        Name<input
          name="config-name"
          required
          value={name}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
      </label>
      <NumberField
        label="Interval (s)"
        name="config-interval"
        value={interval}
        step={0.5}
        onChange={setInterval}
      />
      <label>
        Protocol
        <select
          value={protocol}
          onChange={(e) => setProtocol((e.target as HTMLSelectElement).value as Protocol)}
        >
          <option value="icmp">ICMP</option>
          <option value="udp">UDP</option>
          <option value="tcp">TCP</option>
        </select>
      </label>
      <NumberField
        label="Packet size (bytes)"
        name="config-size"
        value={packetSize}
        onChange={setPacketSize}
      />
      <NumberField label="Max hops" name="config-hops" value={maxHops} onChange={setMaxHops} />
      <NumberField
        label="Timeout (s)"
        name="config-timeout"
        value={timeout}
        step={0.5}
        onChange={setTimeout}
      />
      <button type="submit" class="primary">Save configuration</button>
    </form>
  );
}

export function Settings(props: SettingsProps) {
  return (
    <div class="settings">
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <div class="card">
        <h3>Theme</h3>
        <button type="button" onClick={props.onTheme} aria-pressed={props.theme === "dark"}>
          {props.theme === "dark" ? "Dark (switch to light)" : "Light (switch to dark)"}
        </button>
      </div>
      <ThresholdForm {...props} />
      <ConfigurationForm {...props} />
    </div>
  );
}
