// Command: runs an argv array directly (never through a shell), only if the program is on the
// operator's allowlist. Event data arrives as PINGWATCHER_* environment variables, never spliced
// into arguments. The environment is otherwise cleared (PATH kept); output is kept in history.
import { z } from "zod";
import type { AlertEvent } from "../types.ts";
import { commonActionFields, defineAction, truncate } from "./types.ts";

export const commandSchema = z.strictObject({
  type: z.literal("command"),
  /** Program (absolute path, on the allowlist) and its fixed arguments. */
  argv: z.array(z.string().max(4096).regex(/^[^\0]*$/, "no NUL bytes")).min(1).max(100),
  ...commonActionFields,
  retries: commonActionFields.retries.default(0),
});

function text(value: string | number | null): string {
  return value === null ? "" : String(value).replace(/\0/g, "");
}

/** The environment a command sees (documented in the README). */
export function commandEnv(event: AlertEvent): Record<string, string> {
  const env: Record<string, string> = {
    PINGWATCHER_EVENT_ID: text(event.id),
    PINGWATCHER_EVENT_KIND: event.kind,
    PINGWATCHER_EVENT_AT: new Date(event.at).toISOString(),
    PINGWATCHER_EVENT_AT_MS: text(event.at),
    PINGWATCHER_RULE_ID: text(event.ruleId),
    PINGWATCHER_RULE_NAME: text(event.ruleName),
    PINGWATCHER_TARGET_ID: text(event.targetId),
    PINGWATCHER_TARGET_HOST: text(event.targetHost),
    PINGWATCHER_TARGET_LABEL: text(event.targetLabel),
    PINGWATCHER_AGENT: text(event.agent),
    PINGWATCHER_METRIC: event.metric,
    PINGWATCHER_OP: text(event.op),
    PINGWATCHER_THRESHOLD: text(event.threshold),
    PINGWATCHER_VALUE: text(event.value),
    PINGWATCHER_HOP: text(event.hop),
    PINGWATCHER_HOP_IP: text(event.hopIp),
    PINGWATCHER_FIRED_AT_MS: text(event.firedAt),
    PINGWATCHER_MESSAGE: text(event.message),
    PINGWATCHER_EVENT_JSON: JSON.stringify(event),
  };
  const path = Deno.env.get("PATH");
  if (path !== undefined) env.PATH = path;
  return env;
}

export const commandAction = defineAction({
  type: "command",
  label: "Command",
  schema: commandSchema,
  fields: [
    {
      name: "argv",
      label: "Program and arguments (one per line, no shell)",
      kind: "textarea",
      format: "lines",
      required: true,
      placeholder: "/usr/local/bin/notify\n--quiet",
      help: "the program must be on the server's command allowlist; event data arrives as " +
        "PINGWATCHER_* variables",
    },
  ],
  async run(action, event, ctx) {
    const [program, ...args] = action.argv;
    if (!ctx.config.commandAllowlist.includes(program)) {
      throw new Error(`${program} is not in the alerts config's commandAllowlist`);
    }
    const child = new Deno.Command(program, {
      args,
      env: commandEnv(event),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: ctx.signal,
    });
    const result = await child.output();
    const decoder = new TextDecoder();
    const stdout = decoder.decode(result.stdout), stderr = decoder.decode(result.stderr);
    const output = truncate([stdout, stderr && `stderr: ${stderr}`].filter(Boolean).join("\n"));
    if (!result.success) {
      const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
      throw new Error(`${program}: ${how}${output ? `\n${output}` : ""}`);
    }
    return output || "exit code 0";
  },
});
