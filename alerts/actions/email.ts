// Email over real SMTP (nodemailer under Deno's npm compatibility): STARTTLS required by default,
// AUTH when the config has a user, a subject that says what happened, a plain-text body that a
// person can act on, and the evidence bundle attached. nodemailer is loaded on the first send,
// so the rule schema (alerts/rule.ts imports this registry) never pulls it in.
import { z } from "zod";
import type { SmtpConfig } from "../config.ts";
import type { AlertEvent } from "../types.ts";
import { commonActionFields, defineAction, evidenceField, headline } from "./types.ts";
import { escapeXml } from "../render_svg.ts";
import { type EvidenceFile, evidenceFiles, IMAGE_FORMATS, TIMELINE_CID } from "./evidence.ts";

const address = z.string().trim().min(3).max(320).regex(/^[^\s<>@]+@[^\s<>@]+$/, "not an address");

export const emailSchema = z.strictObject({
  type: z.literal("email"),
  to: z.array(address).min(1).max(50),
  cc: z.array(address).max(50).default([]),
  subjectPrefix: z.string().max(100).default("[PingWatcher]"),
  /** Attach the hop table, timeline picture and CSV of the window. */
  evidence: z.boolean().default(true),
  /** The timeline picture: PNG (shown inline in the mail) or SVG (attached only). */
  image: z.enum(IMAGE_FORMATS).default("png"),
  ...commonActionFields,
  timeoutMs: commonActionFields.timeoutMs.default(30_000),
});

interface MailTransport {
  sendMail(message: Record<string, unknown>): Promise<{ response?: string; messageId?: string }>;
  close(): void;
}

async function transportFor(smtp: SmtpConfig, timeoutMs: number): Promise<MailTransport> {
  const { default: nodemailer } = await import("nodemailer");
  const tls: Record<string, unknown> = { servername: smtp.tlsServerName ?? smtp.host };
  if (smtp.caFile) tls.ca = Deno.readTextFileSync(smtp.caFile);
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure && smtp.starttls === "required",
    ignoreTLS: !smtp.secure && smtp.starttls === "off",
    auth: smtp.user !== undefined ? { user: smtp.user, pass: smtp.password } : undefined,
    tls,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  }) as MailTransport;
}

function iso(ms: number | null): string {
  return ms === null ? "-" : new Date(ms).toISOString();
}

export function emailBody(event: AlertEvent): string {
  const lines = [
    event.message,
    "",
    `Rule:      ${event.ruleName} (#${event.ruleId}): ${event.ruleText}`,
    `Target:    ${event.targetHost}${event.targetLabel ? ` (${event.targetLabel})` : ""}`,
    `Agent:     ${event.agent}`,
    `Event:     ${event.kind} at ${iso(event.at)}`,
    `Value:     ${event.value ?? "-"} (${event.metric} ${event.op ?? ""} ${event.threshold ?? ""})`,
    `Hop:       ${event.hop ?? "-"} ${event.hopIp ?? ""}`,
    `Started:   ${iso(event.firedAt)}`,
  ];
  if (event.firedAt !== null && event.kind !== "firing") {
    lines.push(`Duration:  ${Math.round((event.at - event.firedAt) / 1000)} s`);
  }
  return lines.join("\n") + "\n";
}

export const emailAction = defineAction({
  type: "email",
  label: "Email",
  schema: emailSchema,
  fields: [
    {
      name: "to",
      label: "To (comma-separated)",
      kind: "text",
      format: "list",
      required: true,
      placeholder: "noc@example.org",
      wide: true,
    },
    { name: "cc", label: "Cc", kind: "text", format: "list" },
    { name: "subjectPrefix", label: "Subject prefix", kind: "text", placeholder: "[PingWatcher]" },
    evidenceField(true),
    {
      name: "image",
      label: "Timeline picture",
      kind: "select",
      options: [
        { id: "png", label: "PNG, shown in the mail" },
        { id: "svg", label: "SVG, attached" },
      ],
    },
  ],
  async run(action, event, ctx) {
    const smtp = ctx.config.smtp;
    if (!smtp) throw new Error("no smtp server in the alerts config");
    let text = emailBody(event);
    let attachments: EvidenceFile[] = [];
    let html: string | undefined;
    if (action.evidence) {
      const evidence = await ctx.evidence();
      text += `\nHop table (${evidence.rounds} rounds before the event):\n\n` +
        evidence.hopTableText;
      attachments = await evidenceFiles(event, evidence, action.image);
      if (action.image === "png") {
        // Most mail clients show a PNG referenced from the HTML part inline; SVG they do not.
        html = `<pre style="font: 13px monospace">${escapeXml(text)}</pre>` +
          `<p><img src="cid:${TIMELINE_CID}" alt="Timeline of the alerting hop"></p>`;
      } else {
        for (const file of attachments) delete file.cid;
      }
    }
    const transport = await transportFor(smtp, action.timeoutMs);
    try {
      const info = await transport.sendMail({
        from: smtp.from,
        to: action.to,
        cc: action.cc.length ? action.cc : undefined,
        subject: `${action.subjectPrefix} ${headline(event)}`.trim(),
        text,
        html,
        attachments,
      });
      return `sent to ${action.to.join(", ")}: ${info.response ?? "ok"}`;
    } finally {
      transport.close();
    }
  },
});
