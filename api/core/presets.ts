// How a target follows a named configuration. The store keeps only a target's resolved options,
// so "explicit" is read from them: a field that still holds what the previous version of the
// preset gave it (or the default, where the preset was silent) follows the preset; any other value
// was set on the target itself and wins. Keys removed from the preset fall back to defaults.
import {
  DEFAULT_OPTIONS,
  DEFAULT_PORTS,
  type TargetOptions,
  type TargetOptionsInput,
} from "../../engine/mod.ts";

type Key = keyof TargetOptions;

const KEYS = Object.keys(DEFAULT_OPTIONS) as Key[];

/** The value a preset gives a field: its own, else the default (port depends on protocol). */
function presetValue(preset: TargetOptionsInput, key: Key): unknown {
  if (key === "port") {
    const protocol = preset.protocol ?? DEFAULT_OPTIONS.protocol;
    return protocol === "icmp" ? 0 : preset.port ?? DEFAULT_PORTS[protocol];
  }
  return preset[key as keyof TargetOptionsInput] ?? DEFAULT_OPTIONS[key];
}

/**
 * The input for a target that followed `previous` and now follows `next`: fields the target set
 * itself stay; the rest take `next`'s values or the defaults.
 */
export function followPreset(
  current: TargetOptions,
  presets: { previous: TargetOptionsInput; next: TargetOptionsInput },
): TargetOptionsInput {
  const input: Record<string, unknown> = {};
  for (const key of KEYS) {
    if (key === "port") continue;
    const own = current[key] !== presetValue(presets.previous, key);
    const value = own ? current[key] : presets.next[key as keyof TargetOptionsInput];
    if (value !== undefined) input[key] = value;
  }
  const protocol = (input.protocol ?? DEFAULT_OPTIONS.protocol) as TargetOptions["protocol"];
  if (protocol !== "icmp") {
    const ownPort = current.protocol === protocol &&
      current.port !== presetValue(presets.previous, "port");
    const port = ownPort ? current.port : presets.next.port;
    if (port !== undefined && port !== 0) input.port = port;
  }
  return input as TargetOptionsInput;
}
