// Checks that need more than one field or the engine's own rules: a host the engine accepts
// (never `a;b`, never `-x`), no target or configuration twice, and options that resolve for each
// target with the configuration it follows (a port only with udp/tcp, and so on).
import { OptionsError, parseHost, resolveTargetOptions } from "../../../engine/mod.ts";
import { apiFieldName, targetInput } from "../../core/mod.ts";
import { engineInputOf } from "../../schemas.ts";
import type { FieldPath } from "./errors.ts";
import type { ConfigFile, ConfigTarget } from "./schema.ts";

export interface Problem {
  path: FieldPath;
  reason: string;
}

export function crossChecks(config: ConfigFile): Problem[] {
  const problems: Problem[] = [];
  const presets = new Map<string, number>();
  (config.configurations ?? []).forEach((c, i) => {
    const first = presets.get(c.name);
    if (first !== undefined) {
      problems.push({
        path: ["configurations", i, "name"],
        reason: `duplicate of configurations[${first}] ("${c.name}")`,
      });
    } else presets.set(c.name, i);
  });
  const rules = new Map<string, number>();
  (config.alertRules ?? []).forEach((rule, i) => {
    const first = rules.get(rule.name);
    if (first !== undefined) {
      problems.push({
        path: ["alertRules", i, "name"],
        reason: `duplicate of alertRules[${first}] ("${rule.name}")`,
      });
    } else rules.set(rule.name, i);
  });
  const hosts = new Map<string, number>();
  (config.targets ?? []).forEach((target, i) => {
    let host: string;
    try {
      host = parseHost(target.host).host;
    } catch (error) {
      if (!(error instanceof OptionsError)) throw error;
      problems.push({ path: ["targets", i, "host"], reason: withoutField(error) });
      return;
    }
    const first = hosts.get(host);
    if (first !== undefined) {
      problems.push({
        path: ["targets", i, "host"],
        reason: `duplicate target: ${host} is already targets[${first}]`,
      });
      return;
    }
    hosts.set(host, i);
    const preset = target.configuration ? presets.get(target.configuration) : undefined;
    const problem = optionsProblem(
      target,
      preset === undefined ? {} : config.configurations![preset].options,
    );
    if (problem) problems.push({ path: ["targets", i, problem.field], reason: problem.reason });
  });
  return problems;
}

/** The same resolution the monitor service makes (api/core), with the file's configuration. */
function optionsProblem(
  target: ConfigTarget,
  presetOptions: Parameters<typeof engineInputOf>[0],
): { field: string; reason: string } | null {
  const explicit = engineInputOf(target);
  try {
    const options = resolveTargetOptions(targetInput(engineInputOf(presetOptions), explicit));
    if (explicit.port !== undefined && options.protocol === "icmp") {
      throw new OptionsError("port", "a port only applies to udp and tcp");
    }
    return null;
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    return { field: apiFieldName(error.field), reason: withoutField(error) };
  }
}

/** The engine's message names its own field; ours names the file's path instead. */
function withoutField(error: OptionsError): string {
  return error.message.slice(error.field.length + 2);
}

/** A target's host as the store keeps it (the file's identity of a target). */
export function hostKey(host: string): string {
  return parseHost(host).host;
}
