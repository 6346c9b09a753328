// The operator's alert settings (not editable through the API): SMTP server, the programs the
// command action may run, where files go. All-optional input -> resolveAlertsConfig() -> resolved.
import { isAbsolute, join } from "node:path";
import { z } from "zod";

const smtpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** Implicit TLS from the first byte (port 465). */
  secure: z.boolean().default(false),
  /** STARTTLS on a plain connection: required (default), opportunistic, or off. */
  starttls: z.enum(["required", "opportunistic", "off"]).default("required"),
  user: z.string().optional(),
  password: z.string().optional(),
  from: z.string().min(3),
  /** PEM file of a CA to trust besides the system's (a private mail relay). */
  caFile: z.string().optional(),
  /** Name to verify the server certificate against (default: host). */
  tlsServerName: z.string().optional(),
}).refine((s) => (s.user === undefined) === (s.password === undefined), {
  message: "user and password go together",
});

export const alertsConfigSchema = z.strictObject({
  smtp: smtpSchema.optional(),
  /** Absolute paths of the only programs the command action may run. */
  commandAllowlist: z.array(
    z.string().refine(isAbsolute, "must be an absolute path"),
  ).default([]),
  /** Where the log-file action writes (default: DATA_DIR/alerts). */
  logDir: z.string().optional(),
  /** Where the save-image action writes (default: DATA_DIR/alert-images). */
  imageDir: z.string().optional(),
  /** Rounds waiting for evaluation beyond this are dropped (oldest first) with a warning. */
  queueLimit: z.number().int().min(100).default(10_000),
  /** Actions running at once, over all events. */
  maxConcurrentActions: z.number().int().min(1).max(100).default(4),
});

export type AlertsConfigInput = z.input<typeof alertsConfigSchema>;
export type SmtpConfig = z.output<typeof smtpSchema>;

export interface ResolvedAlertsConfig {
  smtp: SmtpConfig | null;
  commandAllowlist: string[];
  logDir: string;
  imageDir: string;
  queueLimit: number;
  maxConcurrentActions: number;
}

export class AlertsConfigError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`alerts config: ${field}: ${reason}`);
    this.name = "AlertsConfigError";
  }
}

export function resolveAlertsConfig(input: unknown, dataDir: string): ResolvedAlertsConfig {
  const parsed = alertsConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AlertsConfigError(issue.path.map(String).join(".") || "(root)", issue.message);
  }
  const c = parsed.data;
  return {
    smtp: c.smtp ?? null,
    commandAllowlist: c.commandAllowlist,
    logDir: c.logDir ?? join(dataDir, "alerts"),
    imageDir: c.imageDir ?? join(dataDir, "alert-images"),
    queueLimit: c.queueLimit,
    maxConcurrentActions: c.maxConcurrentActions,
  };
}

/** Reads a JSON config file (a missing file is an empty config). */
export async function loadAlertsConfig(path: string, dataDir: string) {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return resolveAlertsConfig({}, dataDir);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AlertsConfigError(path, `not JSON: ${(error as Error).message}`);
  }
  return resolveAlertsConfig(json, dataDir);
}
