// Alert rules: the zod schema of what an operator (or the API) may write, and the resolved type
// the evaluator works with. Defaults live here and only here.
import { z } from "zod";
import { actionSchema } from "./actions/registry.ts";

export const NUMERIC_METRICS = ["lossPct", "avgMs", "curMs", "jitterMs", "mos"] as const;
export const EVENT_METRICS = ["routeChanged", "unreachable", "addressInRoute"] as const;
export const METRICS = [...NUMERIC_METRICS, ...EVENT_METRICS] as const;

export type NumericMetric = typeof NUMERIC_METRICS[number];
export type Metric = typeof METRICS[number];
export type Operator = ">" | ">=" | "<" | "<=";

const ipOrName = z.string().min(1).max(253).regex(
  /^[0-9A-Za-z.:_-]+$/,
  "must be an IP address or a host name",
);

/** Which hop a rule looks at: the destination, any hop, a TTL, or whichever hop has an address. */
export const hopSelectorSchema = z.union([
  z.literal("final"),
  z.literal("any"),
  z.strictObject({ hop: z.number().int().min(1).max(255) }),
  z.strictObject({ address: ipOrName }),
]);
export type HopSelector = z.infer<typeof hopSelectorSchema>;

/** When a condition that holds on single samples becomes an alert. */
export const triggerSchema = z.union([
  z.strictObject({ consecutive: z.number().int().min(1).max(10_000) }),
  z.strictObject({ xOf: z.number().int().min(1), last: z.number().int().min(1).max(10_000) })
    .refine((t) => t.xOf <= t.last, "xOf must not exceed last"),
  z.strictObject({ forMs: z.number().int().min(0).max(7 * 86_400_000) }),
]);
export type Trigger = z.infer<typeof triggerSchema>;

export const scopeSchema = z.union([
  z.literal("all"),
  z.strictObject({ targetIds: z.array(z.number().int().min(1)).min(1).max(10_000) }),
]);
export type Scope = z.infer<typeof scopeSchema>;

const conditionSchema = z.strictObject({
  metric: z.enum(METRICS),
  op: z.enum([">", ">=", "<", "<="]).optional(),
  threshold: z.number().finite().optional(),
  /** Hysteresis: the value must pass this (instead of `threshold`) to count as clear. */
  recoverThreshold: z.number().finite().optional(),
  /** For addressInRoute: the address whose appearance in the route is the alert. */
  address: ipOrName.optional(),
});

export const ruleSpecSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  scope: scopeSchema.default("all"),
  hop: hopSelectorSchema.default("final"),
  condition: conditionSchema,
  /** Rounds over which loss, avg, jitter and MOS are computed at each sample (curMs: newest). */
  focusSamples: z.number().int().min(1).max(10_000).default(10),
  trigger: triggerSchema.default({ consecutive: 3 }),
  /** Consecutive clear samples needed before recovery (damps flapping). */
  recoverAfterSamples: z.number().int().min(1).max(10_000).default(3),
  /** Remind while the alert holds, at most this often; null = never. */
  repeatIntervalMs: z.number().int().min(1000).nullable().default(null),
  /** Rounds of evidence (hop table, timeline, CSV) attached to actions that ask for it. */
  evidenceWindowMs: z.number().int().min(1000).max(86_400_000).default(600_000),
  actions: z.array(actionSchema).max(20).default([]),
}).superRefine((spec, ctx) => {
  const c = spec.condition;
  const numeric = (NUMERIC_METRICS as readonly string[]).includes(c.metric);
  if (numeric && (c.op === undefined || c.threshold === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["condition"],
      message: `${c.metric} needs op and threshold`,
    });
  }
  if (c.metric === "addressInRoute" && c.address === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["condition", "address"],
      message: "address is required",
    });
  }
  if (numeric && c.recoverThreshold !== undefined && c.op !== undefined) {
    const rt = c.recoverThreshold, th = c.threshold ?? 0;
    const ok = c.op.startsWith(">") ? rt <= th : rt >= th;
    if (!ok) {
      ctx.addIssue({
        code: "custom",
        path: ["condition", "recoverThreshold"],
        message: "must lie on the clear side of threshold",
      });
    }
  }
});

/** What the API and config accept (defaults may be left out). */
export type RuleSpecInput = z.input<typeof ruleSpecSchema>;
/** A rule with every default resolved. */
export type RuleSpec = z.output<typeof ruleSpecSchema>;
export type Condition = RuleSpec["condition"];

/** A stored rule: its id plus the resolved spec. */
export interface AlertRule extends RuleSpec {
  id: number;
  createdAt: number;
  updatedAt: number;
}

export function ruleAppliesTo(rule: RuleSpec, targetId: number): boolean {
  return rule.scope === "all" || rule.scope.targetIds.includes(targetId);
}

/** One line a person can read: "loss % > 10 at the final hop, 3 samples in a row". */
export function describeRule(rule: RuleSpec): string {
  const c = rule.condition;
  const what = c.metric === "addressInRoute"
    ? `${c.address} appears in the route`
    : c.metric === "routeChanged"
    ? "the route changed"
    : c.metric === "unreachable"
    ? "the destination is unreachable"
    : `${c.metric} ${c.op} ${c.threshold}`;
  const hop = typeof rule.hop === "string"
    ? `${rule.hop} hop`
    : "hop" in rule.hop
    ? `hop ${rule.hop.hop}`
    : `hop ${rule.hop.address}`;
  const t = rule.trigger;
  const when = "consecutive" in t
    ? `${t.consecutive} sample(s) in a row`
    : "xOf" in t
    ? `${t.xOf} of the last ${t.last} samples`
    : `for ${t.forMs / 1000} s`;
  return `${what} (${hop}), ${when}`;
}
