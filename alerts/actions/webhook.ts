// Webhook: a JSON POST (or PUT) of { version, event, evidence? } to a URL, with custom headers.
// Anything but a 2xx answer is a failure, retried with backoff by the runner.
import { z } from "zod";
import type { AlertEvent } from "../types.ts";
import { commonActionFields, defineAction, evidenceField, truncate } from "./types.ts";
import type { Evidence } from "./evidence.ts";
import { svgToPng } from "../png/render.ts";

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "not a header name");

export const webhookSchema = z.strictObject({
  type: z.literal("webhook"),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(["POST", "PUT"]).default("POST"),
  headers: z.record(headerName, z.string().max(4096).regex(/^[^\r\n]*$/)).default({}),
  /** Include the hop table, timeline SVG and CSV of the window in the payload. */
  evidence: z.boolean().default(false),
  ...commonActionFields,
});

/** The documented payload (README, "Webhook payload"). */
export interface WebhookPayload {
  version: 1;
  event: AlertEvent;
  evidence?: {
    windowStart: number;
    windowEnd: number;
    hop: number | null;
    hopTable: Evidence["hopTable"];
    timelineSvg: string;
    /** The same picture as PNG, base64: what chat services can display. */
    timelinePngBase64: string;
    csv: string;
  };
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

export const webhookAction = defineAction({
  type: "webhook",
  label: "Webhook",
  schema: webhookSchema,
  fields: [
    {
      name: "url",
      label: "URL",
      kind: "text",
      inputType: "url",
      required: true,
      placeholder: "https://hooks.example.org/pingwatcher",
      wide: true,
    },
    {
      name: "method",
      label: "Method",
      kind: "select",
      options: [{ id: "POST", label: "POST" }, { id: "PUT", label: "PUT" }],
    },
    {
      name: "headers",
      label: "Headers (one “Name: value” per line)",
      kind: "textarea",
      format: "headers",
      placeholder: "Authorization: Bearer …",
    },
    evidenceField(false),
  ],
  async run(action, event, ctx) {
    const payload: WebhookPayload = { version: 1, event };
    if (action.evidence) {
      const e = await ctx.evidence();
      payload.evidence = {
        windowStart: e.windowStart,
        windowEnd: e.windowEnd,
        hop: e.hop,
        hopTable: e.hopTable,
        timelineSvg: e.timelineSvg,
        timelinePngBase64: base64(await svgToPng(e.timelineSvg)),
        csv: e.csv,
      };
    }
    const response = await fetch(action.url, {
      method: action.method,
      headers: {
        "user-agent": "PingWatcher-alerts/1",
        ...action.headers,
        "content-type": "application/json",
      },
      body: JSON.stringify(payload),
      signal: ctx.signal,
      redirect: "manual",
    });
    const body = truncate(await response.text(), 500);
    if (response.status < 200 || response.status > 299) {
      throw new Error(`HTTP ${response.status}${body ? `: ${body}` : ""}`);
    }
    return `HTTP ${response.status}`;
  },
});
