// Rule administration and history for the API: every change validated, stored, then applied to
// the running evaluator at once.
import type { AlertEventQuery, AlertEventRecord, TimelineComment } from "../store/mod.ts";
import type { AlertRule, RuleSpecInput } from "./rule.ts";
import { mergeRule, parseRuleSpec, ruleOf } from "./rules.ts";
import type { AlertService } from "./service.ts";

export class RuleNotFoundError extends Error {
  constructor(readonly ruleId: number) {
    super(`alert rule ${ruleId} not found`);
    this.name = "RuleNotFoundError";
  }
}

export function listRules(service: AlertService): AlertRule[] {
  return [...service.evaluator.rules];
}

export async function getRule(service: AlertService, id: number): Promise<AlertRule> {
  const stored = await service.store.getAlertRule(id);
  const rule = stored ? ruleOf(stored) : null;
  if (!rule) throw new RuleNotFoundError(id);
  return rule;
}

/** Validates (throws RuleValidationError), stores and starts evaluating a new rule. */
export async function createRule(
  service: AlertService,
  input: RuleSpecInput | unknown,
): Promise<AlertRule> {
  const spec = parseRuleSpec(input);
  const stored = await service.store.addAlertRule(spec);
  await service.reloadRules();
  return ruleOf(stored)!;
}

export async function replaceRule(
  service: AlertService,
  id: number,
  input: unknown,
): Promise<AlertRule> {
  const spec = parseRuleSpec(input);
  const stored = await service.store.updateAlertRule(id, spec);
  if (!stored) throw new RuleNotFoundError(id);
  await service.reloadRules();
  return ruleOf(stored)!;
}

/** Top-level fields of `patch` replace the rule's (e.g. `{ enabled: false }`). */
export async function patchRule(
  service: AlertService,
  id: number,
  patch: Record<string, unknown>,
): Promise<AlertRule> {
  const current = await getRule(service, id);
  return await replaceRule(service, id, mergeRule(current, patch));
}

export async function deleteRule(service: AlertService, id: number): Promise<void> {
  if (!await service.store.removeAlertRule(id)) throw new RuleNotFoundError(id);
  await service.reloadRules();
}

export function alertHistory(
  service: AlertService,
  query: AlertEventQuery = {},
): Promise<AlertEventRecord[]> {
  return service.store.alertEvents(query);
}

export function timelineComments(
  service: AlertService,
  targetId: number,
  range: { start?: number; end?: number } = {},
): Promise<TimelineComment[]> {
  return service.store.timelineComments(targetId, range);
}

/** Test-fires a saved rule's actions (all, or one) for a target, now. */
export async function testRule(
  service: AlertService,
  id: number,
  options: { targetId: number; actionIndex?: number },
) {
  const rule = await getRule(service, id);
  return await service.testFire(rule, options);
}

/** Test-fires one action that is not saved in any rule (e.g. while a rule is being edited). */
export async function testAction(
  service: AlertService,
  action: unknown,
  options: { targetId: number },
) {
  const spec = parseRuleSpec({
    name: "action test",
    condition: { metric: "unreachable" },
    actions: [action],
  });
  const now = service.clock.now();
  return await service.testFire({ ...spec, id: 0, createdAt: now, updatedAt: now }, options);
}
