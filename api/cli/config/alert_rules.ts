// The config file's alert rules (`alertRules:`, each exactly a POST /api/alerts/rules body, checked
// by the same schema). On start and on every reload each is created, or replaced when the stored
// rule of that name differs; an unchanged rule is not touched (its firing state and counts stay).
// A rule removed from the file stays in the database, like a configuration: delete or disable it
// in the web UI or the API.
import { type AlertService, createRule, parseRuleSpec, replaceRule } from "../../../alerts/mod.ts";
import type { ConfigFile } from "./schema.ts";

export interface RuleSyncResult {
  added: string[];
  changed: string[];
  unchanged: number;
}

export async function syncAlertRules(
  alerts: AlertService,
  config: ConfigFile,
): Promise<RuleSyncResult> {
  const result: RuleSyncResult = { added: [], changed: [], unchanged: 0 };
  const declared = config.alertRules ?? [];
  if (declared.length === 0) return result;
  const stored = await alerts.store.listAlertRules();
  for (const input of declared) {
    const spec = parseRuleSpec(input);
    const existing = stored.find((rule) => (rule.spec as { name?: unknown })?.name === spec.name);
    if (!existing) {
      await createRule(alerts, spec);
      result.added.push(spec.name);
    } else if (canonical(existing.spec) !== canonical(spec)) {
      await replaceRule(alerts, existing.id, spec);
      result.changed.push(spec.name);
    } else result.unchanged++;
  }
  return result;
}

/** JSON with sorted keys: the same rule compares equal whatever order its fields were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
        : v,
  );
}
