// Alert routes: rules (CRUD), history, active alerts, test-firing actions (timeline comments:
// comments.ts).
// The alert service comes named in the deps (ApiDeps.alerts); without one these routes answer 503.
import { z } from "zod";
import {
  actionSchema,
  alertHistory,
  type AlertService,
  createRule,
  deleteRule,
  getRule,
  listRules,
  patchRule,
  replaceRule,
  RuleNotFoundError,
  ruleSpecSchema,
  RuleValidationError,
  testAction,
  testRule,
} from "../../alerts/mod.ts";
import { ApiError, jsonResponse, notFound, validationError } from "../errors.ts";
import type { Route, RouteContext } from "../router.ts";
import { agentName, epochMs, idParam, positiveInt } from "../schemas.ts";
import type { ActiveReply, RuleReply, RulesReply, TestReply } from "../wire.ts";
import { ID_PARAM, idOf } from "./common.ts";

const TAG = "alerts";

const historyQuery = z.object({
  ruleId: idParam.optional(),
  targetId: idParam.optional(),
  agent: agentName.optional().describe("only the events this agent's rounds raised"),
  kind: z.string().regex(/^(firing|reminder|recovered|test)(,(firing|reminder|recovered|test))*$/)
    .optional().describe("comma-separated: firing,reminder,recovered,test"),
  start: epochMs.optional(),
  end: epochMs.optional(),
  beforeId: idParam.optional().describe("page backwards: events older than this id"),
  limit: positiveInt(1000).optional().describe("default 100"),
}).strict();

const rulePatch = z.record(z.string(), z.unknown()).describe(
  'top-level rule fields to replace, e.g. {"enabled": false}',
);
const ruleTest = z.object({
  targetId: z.number().int().min(1),
  actionIndex: z.number().int().min(0).optional().describe("default: every action of the rule"),
}).strict();
const actionTest = z.object({ targetId: z.number().int().min(1), action: actionSchema }).strict();

function serviceOf(ctx: RouteContext): AlertService {
  const service = ctx.deps.alerts;
  if (!service) throw new ApiError(503, "alerts_unavailable", "the alert service is not running");
  return service;
}

/** Runs an alerts call, turning its errors into the API's error shape. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RuleValidationError) throw validationError("body", error.zodError);
    if (error instanceof RuleNotFoundError) throw notFound(`alert rule ${error.ruleId}`);
    throw error;
  }
}

async function targetExists(ctx: RouteContext, id: number): Promise<void> {
  if (!await ctx.deps.store.getTarget(id)) throw notFound(`target ${id}`);
}

const ruleRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/alerts/rules",
    tag: TAG,
    summary: "List alert rules",
    handler: (ctx) => jsonResponse({ rules: listRules(serviceOf(ctx)) } satisfies RulesReply),
  },
  {
    method: "POST",
    path: "/api/alerts/rules",
    tag: TAG,
    summary: "Create an alert rule (see the README's Alerts section for the fields)",
    body: ruleSpecSchema,
    responses: { 201: "the rule, defaults filled in" },
    handler: async (ctx) => {
      const service = serviceOf(ctx);
      const input = await ctx.body(z.unknown());
      const rule = await guard(() => createRule(service, input));
      return jsonResponse({ rule } satisfies RuleReply, 201, {
        location: `/api/alerts/rules/${rule.id}`,
      });
    },
  },
  {
    method: "GET",
    path: "/api/alerts/rules/{id}",
    tag: TAG,
    summary: "Get an alert rule",
    params: ID_PARAM,
    handler: async (ctx) => {
      const service = serviceOf(ctx);
      const rule = await guard(() => getRule(service, idOf(ctx)));
      return jsonResponse({ rule } satisfies RuleReply);
    },
  },
  {
    method: "PUT",
    path: "/api/alerts/rules/{id}",
    tag: TAG,
    summary: "Replace an alert rule",
    params: ID_PARAM,
    body: ruleSpecSchema,
    handler: async (ctx) => {
      const service = serviceOf(ctx);
      const id = idOf(ctx);
      const input = await ctx.body(z.unknown());
      const rule = await guard(() => replaceRule(service, id, input));
      return jsonResponse({ rule } satisfies RuleReply);
    },
  },
  {
    method: "PATCH",
    path: "/api/alerts/rules/{id}",
    tag: TAG,
    summary: "Change some fields of an alert rule (enable/disable, threshold, actions)",
    params: ID_PARAM,
    body: rulePatch,
    handler: async (ctx) => {
      const service = serviceOf(ctx);
      const id = idOf(ctx);
      const patch = await ctx.body(rulePatch);
      const rule = await guard(() => patchRule(service, id, patch));
      return jsonResponse({ rule } satisfies RuleReply);
    },
  },
  {
    method: "DELETE",
    path: "/api/alerts/rules/{id}",
    tag: TAG,
    summary: "Delete an alert rule (its history stays)",
    params: ID_PARAM,
    responses: { 204: "deleted" },
    handler: async (ctx) => {
      const service = serviceOf(ctx);
      await guard(() => deleteRule(service, idOf(ctx)));
      return new Response(null, { status: 204 });
    },
  },
];

const eventRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/alerts/events",
    tag: TAG,
    summary: "Alert history, newest first, with each action's outcome",
    query: historyQuery,
    handler: async (ctx: RouteContext<z.infer<typeof historyQuery>>) => {
      const { kind, ...rest } = ctx.query;
      const events = await alertHistory(serviceOf(ctx), { ...rest, kinds: kind?.split(",") });
      return jsonResponse({ events });
    },
  },
  {
    method: "GET",
    path: "/api/alerts/active",
    tag: TAG,
    summary: "Alerts firing now (rule, target, since when, value, hop)",
    handler: (ctx) => jsonResponse({ active: serviceOf(ctx).active() } satisfies ActiveReply),
  },
  {
    method: "POST",
    path: "/api/alerts/rules/{id}/test",
    tag: TAG,
    summary: "Test-fire a rule's actions now for a target; recorded in the history as 'test'",
    params: ID_PARAM,
    body: ruleTest,
    handler: async (ctx) => {
      const service = serviceOf(ctx);
      const id = idOf(ctx);
      const input = await ctx.body(ruleTest);
      await targetExists(ctx, input.targetId);
      const reply = await guard(() => testRule(service, id, input));
      return jsonResponse(reply satisfies TestReply);
    },
  },
  {
    method: "POST",
    path: "/api/alerts/test-action",
    tag: TAG,
    summary: "Test-fire one action that is not saved yet",
    body: actionTest,
    handler: async (ctx) => {
      const service = serviceOf(ctx);
      const input = await ctx.body(actionTest);
      await targetExists(ctx, input.targetId);
      const reply = await guard(() =>
        testAction(service, input.action, { targetId: input.targetId })
      );
      return jsonResponse(reply satisfies TestReply);
    },
  },
];

export const alertRoutes: Route[] = [...ruleRoutes, ...eventRoutes];
