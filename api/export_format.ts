// Exports of a target's rounds as CSV (one row per hop sample) or JSON (a document that
// POST /api/import turns back into a read-only replay target). Both are streamed a page at a time.
import { z } from "zod";
import type { HopSample, Round } from "../engine/mod.ts";
import type { Store, StoredRouteChange, TargetRecord } from "../store/mod.ts";
import { apiFieldsOf } from "./schemas.ts";

export const EXPORT_FORMAT = "pingwatcher-export";
const PAGE_ROUNDS = 2000;

/** A stored round as the API shows it (RTTs in ms). */
export type RoundJson = ReturnType<typeof roundJson>;

export function roundJson(round: Round) {
  return {
    seq: round.seq,
    startedAt: round.startedAt,
    address: round.address,
    destinationReached: round.destinationReached,
    hops: round.hops.map(hopJson),
  };
}

/** One hop sample as the API shows it: `code` only for errors and unreachables. */
export interface HopSampleJson {
  ttl: number;
  kind: HopSample["kind"];
  ip: string | null;
  rttMs: number | null;
  approximate: boolean;
  code?: string;
  /** The MPLS label stack the router quoted (absent when none). */
  mpls?: HopSample["mpls"];
}

function hopJson(hop: HopSample): HopSampleJson {
  const out: HopSampleJson = {
    ttl: hop.ttl,
    kind: hop.kind,
    ip: hop.ip,
    rttMs: hop.rttUs === null ? null : hop.rttUs / 1000,
    approximate: hop.approximate,
  };
  if (hop.code !== undefined) out.code = hop.code;
  if (hop.mpls?.length) out.mpls = hop.mpls;
  return out;
}

/** An MPLS stack as mtr prints it, entries separated by spaces: "label/tc/s/ttl". */
export function mplsText(labels: HopSample["mpls"]): string {
  return (labels ?? []).map((l) => `${l.label}/${l.tc}/${l.s ? 1 : 0}/${l.ttl}`).join(" ");
}

export const CSV_HEADER =
  "target_id,host,seq,started_at_ms,started_at,ttl,kind,ip,rtt_ms,approximate,code,mpls\n";

function csvRows(target: TargetRecord, round: Round): string {
  const time = new Date(round.startedAt).toISOString();
  return round.hops.map((hop) =>
    [
      target.id,
      target.host,
      round.seq,
      round.startedAt,
      time,
      hop.ttl,
      hop.kind,
      hop.ip ?? "",
      hop.rttUs === null ? "" : hop.rttUs / 1000,
      hop.approximate ? 1 : 0,
      csvField(hop.code ?? ""),
      mplsText(hop.mpls),
    ].join(",") + "\n"
  ).join("");
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface ExportRequest {
  target: TargetRecord;
  start?: number;
  end?: number;
  format: "csv" | "json";
  /** Name of the session exported, if any. */
  session?: string | null;
}

/** Where an export reads: the store, or one agent's measurements in it (AgentStore). */
export type ExportSource = Pick<Store, "flush" | "roundPage" | "routeChanges">;

/** A byte stream of the export; rounds are read PAGE_ROUNDS at a time as the client reads. */
export function exportStream(
  store: ExportSource,
  request: ExportRequest,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const { target, start, end } = request;
  let cursor: { startedAt: number; seq: number } | undefined;
  let first = true;
  let phase: "head" | "rounds" | "tail" | "done" = "head";
  /** Enqueues the next piece; false once there is nothing left to produce in this phase. */
  async function step(controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> {
    if (phase === "head") {
      await store.flush();
      controller.enqueue(encoder.encode(request.format === "csv" ? CSV_HEADER : jsonHead(request)));
      phase = "rounds";
      return true;
    }
    if (phase === "rounds") {
      const page = await store.roundPage(target.id, {
        after: cursor,
        start,
        end,
        limit: PAGE_ROUNDS,
      });
      if (page.length < PAGE_ROUNDS) phase = "tail";
      if (page.length === 0) return false;
      const last = page[page.length - 1];
      cursor = { startedAt: last.startedAt, seq: last.seq };
      const text = request.format === "csv"
        ? page.map((round) => csvRows(target, round)).join("")
        : page.map((round, i) =>
          (first && i === 0 ? "\n" : ",\n") + JSON.stringify(roundJson(round))
        ).join("");
      first = false;
      controller.enqueue(encoder.encode(text));
      return true;
    }
    if (phase === "tail" && request.format === "json") {
      const changes = await store.routeChanges(target.id, { start, end });
      controller.enqueue(encoder.encode(jsonTail(changes)));
    }
    phase = "done";
    controller.close();
    return true;
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // A pull must enqueue or close: a pull that produces nothing is never called again.
      while (!(await step(controller)));
    },
  }, { highWaterMark: 1 });
}

function jsonHead(request: ExportRequest): string {
  const { target } = request;
  const head = {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: Date.now(),
    session: request.session ?? null,
    range: { start: request.start ?? null, end: request.end ?? null },
    target: {
      id: target.id,
      host: target.host,
      label: target.label,
      ...apiFieldsOf(target.options),
    },
  };
  const text = JSON.stringify(head);
  return text.slice(0, -1) + ',"rounds":[';
}

function jsonTail(changes: StoredRouteChange[]): string {
  const routeChanges = changes.map(({ at, before, after }) => ({ at, before, after }));
  return `\n],"routeChanges":${JSON.stringify(routeChanges)}}\n`;
}

// The import side: a JSON export, checked field by field before anything is stored.
const ip = z.string().min(2).max(45).regex(/^[0-9A-Fa-f:.]+$/);
const hopSchema = z.object({
  ttl: z.number().int().min(1).max(255),
  kind: z.enum(["reply", "ttlExceeded", "unreachable", "timeout", "error"]),
  ip: ip.nullable(),
  rttMs: z.number().min(0).max(600_000).nullable(),
  approximate: z.boolean().default(false),
  code: z.string().max(100).optional(),
  mpls: z.array(z.object({
    label: z.number().int().min(0).max(0xfffff),
    tc: z.number().int().min(0).max(7),
    s: z.boolean(),
    ttl: z.number().int().min(0).max(255),
  })).max(64).optional(),
});

const roundSchema = z.object({
  seq: z.number().int().min(0),
  // Epoch ms; schedules are sub-millisecond, so exported times may be fractional.
  startedAt: z.number().min(0),
  address: ip,
  destinationReached: z.boolean(),
  hops: z.array(hopSchema).max(255),
});

export const importDocument = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  session: z.string().max(200).nullable().optional(),
  target: z.object({
    host: z.string().min(1).max(253),
    label: z.string().max(200).nullable().optional(),
  }).passthrough(),
  rounds: z.array(roundSchema).max(5_000_000),
  routeChanges: z.array(z.object({
    at: z.number().min(0),
    before: z.array(z.array(ip)),
    after: z.array(z.array(ip)),
  })).max(100_000).default([]),
}).passthrough();

export type ImportDocument = z.infer<typeof importDocument>;

export function roundOf(targetId: number, round: ImportDocument["rounds"][number]): Round {
  return {
    targetId,
    seq: round.seq,
    startedAt: round.startedAt,
    address: round.address,
    destinationReached: round.destinationReached,
    hops: round.hops.map((hop) => ({
      ttl: hop.ttl,
      kind: hop.kind,
      ip: hop.ip,
      rttUs: hop.rttMs === null ? null : Math.round(hop.rttMs * 1000),
      approximate: hop.approximate,
      ...(hop.code !== undefined ? { code: hop.code } : {}),
      ...(hop.mpls?.length ? { mpls: hop.mpls } : {}),
    })),
  };
}
