// Public surface of alerts: rules, the service the server starts, and the admin calls the API uses.
export {
  type ActiveAlert,
  AlertService,
  type AlertServiceDeps,
  type AlertServiceStore,
  startAlerts,
} from "./service.ts";
export {
  alertHistory,
  createRule,
  deleteRule,
  getRule,
  listRules,
  patchRule,
  replaceRule,
  RuleNotFoundError,
  testAction,
  testRule,
  timelineComments,
} from "./admin.ts";
export { parseRuleSpec, RuleValidationError } from "./rules.ts";
export {
  type AlertRule,
  type Condition,
  describeRule,
  type HopSelector,
  type Metric,
  type Operator,
  ruleAppliesTo,
  type RuleSpec,
  type RuleSpecInput,
  ruleSpecSchema,
  type Trigger,
} from "./rule.ts";
export {
  AlertsConfigError,
  type AlertsConfigInput,
  alertsConfigSchema,
  loadAlertsConfig,
  resolveAlertsConfig,
  type ResolvedAlertsConfig,
} from "./config.ts";
export {
  actionForms,
  ACTIONS,
  actionSchema,
  type ActionSpec,
  type ActionSpecInput,
  type ActionType,
} from "./actions/registry.ts";
export type {
  ActionField,
  ActionFieldFormat,
  ActionFieldKind,
  ActionFieldOption,
  ActionForm,
} from "./actions/form.ts";
export type { WebhookPayload } from "./actions/webhook.ts";
export type { ActionRun, AlertEvent, AlertEventKind } from "./types.ts";
export { type AlertState, initialState, step } from "./machine.ts";
export { type Sample, sampleOf } from "./sample.ts";
