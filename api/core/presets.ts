// How a target follows a named configuration. The store records which option fields the target
// set itself (TargetMeta.explicit); its options are always the configuration's fields under
// those, resolved with the defaults. So an explicit field wins even when it equals the preset's
// value, and a key removed from the preset falls back to the default.
import { DEFAULT_OPTIONS, type TargetOptionsInput } from "../../engine/mod.ts";

/**
 * The input a target resolves from. A port belongs to its protocol: the preset's applies only
 * when the target keeps the preset's protocol, and none applies to icmp.
 */
export function targetInput(
  preset: TargetOptionsInput,
  explicit: TargetOptionsInput,
): TargetOptionsInput {
  const input = { ...preset, ...explicit };
  const protocol = input.protocol ?? DEFAULT_OPTIONS.protocol;
  const presetProtocol = preset.protocol ?? DEFAULT_OPTIONS.protocol;
  if (explicit.port === undefined && presetProtocol !== protocol) delete input.port;
  if (protocol === "icmp") delete input.port;
  return input;
}

/**
 * The explicit fields after a patch: fields it sets are added; a cleared port is removed (it
 * follows the preset or the default again); a new protocol without a port drops the own port,
 * which belonged to the old protocol.
 */
export function patchExplicit(
  explicit: TargetOptionsInput,
  patch: { set: TargetOptionsInput; clearPort: boolean; protocolChanged: boolean },
): TargetOptionsInput {
  const next = { ...explicit, ...patch.set };
  const dropPort = patch.clearPort || (patch.protocolChanged && patch.set.port === undefined);
  if (dropPort) delete next.port;
  return next;
}
