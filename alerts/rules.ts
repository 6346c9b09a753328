// Rules and saved states as kept in the store: validated on the way in (the API) and on the way
// out (the database may hold what an older or newer version wrote).
import { z } from "zod";
import { log } from "../engine/mod.ts";
import type { AlertStore, StoredAlertRule } from "../store/mod.ts";
import type { AlertState } from "./machine.ts";
import { type AlertRule, type RuleSpec, ruleSpecSchema } from "./rule.ts";

const stateSchema = z.object({
  status: z.enum(["ok", "firing"]),
  recent: z.array(z.boolean()),
  badStreak: z.number().int().min(0),
  badSince: z.number().nullable(),
  clearStreak: z.number().int().min(0),
  firedAt: z.number().nullable(),
  notifiedAt: z.number().nullable(),
  value: z.number().nullable(),
  hop: z.number().int().nullable(),
  hopIp: z.string().nullable(),
});

export class RuleValidationError extends Error {
  readonly issues: z.core.$ZodIssue[];
  constructor(readonly zodError: z.ZodError) {
    const issues = zodError.issues;
    const first = issues[0];
    super(`${first?.path.map(String).join(".") || "rule"}: ${first?.message ?? "invalid"}`);
    this.name = "RuleValidationError";
    this.issues = issues;
  }
}

export function parseRuleSpec(input: unknown): RuleSpec {
  const parsed = ruleSpecSchema.safeParse(input);
  if (!parsed.success) throw new RuleValidationError(parsed.error);
  return parsed.data;
}

export function ruleOf(stored: StoredAlertRule): AlertRule | null {
  const parsed = ruleSpecSchema.safeParse(stored.spec);
  if (!parsed.success) {
    log.warn("alert rule in the database is not valid: ignored", {
      ruleId: stored.id,
      issue: parsed.error.issues[0]?.message,
    });
    return null;
  }
  return {
    ...parsed.data,
    id: stored.id,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

export async function loadRules(store: AlertStore): Promise<AlertRule[]> {
  const stored = await store.listAlertRules();
  return stored.map(ruleOf).filter((rule): rule is AlertRule => rule !== null);
}

/** The states one agent saved (each agent follows its own rounds, so keeps its own machines). */
export async function loadStates(
  store: AlertStore,
  agent: string,
): Promise<{ ruleId: number; targetId: number; state: AlertState }[]> {
  const out = [];
  for (const row of await store.alertStates(agent)) {
    const parsed = stateSchema.safeParse(row.state);
    if (parsed.success) {
      out.push({ ruleId: row.ruleId, targetId: row.targetId, state: parsed.data });
    } else log.warn("saved alert state is not valid: starting fresh", { ruleId: row.ruleId });
  }
  return out;
}

/** A rule input merged over an existing rule (PATCH): top-level fields replace. */
export function mergeRule(rule: AlertRule, patch: Record<string, unknown>): unknown {
  const { id: _id, createdAt: _c, updatedAt: _u, ...spec } = rule;
  return { ...spec, ...patch };
}
