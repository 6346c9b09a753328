// The config file's schema (pingwatcher.yaml). Every part reuses the schema that already checks
// the same thing elsewhere: targets, configurations and alert rules are the API's request bodies
// (api/schemas.ts, alerts' rule schema), the `alerts` section is the alerts config (once
// alerts.json). Only what has
// no API yet (server, retention, auth) is described here. Unknown fields are errors everywhere.
import { z } from "zod";
import { alertsConfigSchema, ruleSpecSchema } from "../../../alerts/mod.ts";
import { proberChoiceProblem } from "../../../engine/mod.ts";
import {
  agentName,
  configurationCreate,
  interfaceSettingsPatch,
  targetCreate,
} from "../../schemas.ts";

/** A target: the API's POST /api/targets body (groups included). */
export const configTarget = targetCreate;

const days = z.number().gt(0).max(100_000);

export const retentionSection = z.strictObject({
  rawDays: days.optional().describe("raw rounds (default 3)"),
  minuteDays: days.optional().describe("1-minute rollups (default 30)"),
  hourDays: days.optional().describe("1-hour rollups and route history (default 1825)"),
});

const origin = z.string().refine((text) => {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}, "must be an origin like https://host:port");

export const serverSection = z.strictObject({
  host: z.string().regex(/^[0-9A-Za-z.:-]+$/, "must be an address").optional(),
  port: z.number().int().min(0).max(65535).optional(),
  headless: z.boolean().optional(),
  corsOrigins: z.array(origin).optional(),
  prober: z.string().refine((v) => !proberChoiceProblem(v), {
    error: (issue) => `${proberChoiceProblem(String(issue.input))}`,
  }).optional(),
  metricsAllHops: z.boolean().optional(),
  agent: agentName.optional(),
});

export const authSection = z.strictObject({
  /** Hours a login session lasts. */
  sessionHours: z.number().gt(0).max(8760).optional(),
  /** Failed logins allowed per client address within loginWindowSeconds. */
  loginMaxFailures: z.number().int().min(1).max(1000).optional(),
  loginWindowSeconds: z.number().int().min(1).max(86_400).optional(),
  /** SHA-256 (hex) of an API token accepted as a bearer token; the token stays out of the file. */
  tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits").optional(),
});

/** The interface monitor: the API's settings body, plus switching it off. */
export const interfacesSection = interfaceSettingsPatch.extend({
  off: z.boolean().optional().describe("do not monitor interface traffic"),
}).strict();

export const configFileSchema = z.strictObject({
  targets: z.array(configTarget).max(10_000).optional(),
  configurations: z.array(configurationCreate).max(1000).optional(),
  alerts: alertsConfigSchema.optional(),
  alertRules: z.array(ruleSpecSchema).max(1000).optional(),
  retention: retentionSection.optional(),
  server: serverSection.optional(),
  auth: authSection.optional(),
  interfaces: interfacesSection.optional(),
});

export type ConfigTarget = z.infer<typeof configTarget>;
export type ConfigFile = z.infer<typeof configFileSchema>;
export type ConfigFileInput = z.input<typeof configFileSchema>;
