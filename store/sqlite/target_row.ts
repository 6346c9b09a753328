// A row of the targets table and the record it holds (shared by the store and the migrations).
import type { TargetOptions } from "../../engine/ground.ts";
import type { TargetRecord } from "../types.ts";

export interface TargetRow {
  id: number;
  host: string;
  label: string | null;
  protocol: TargetOptions["protocol"];
  packet_size_bytes: number;
  timeout_ms: number;
  max_hops: number;
  inter_packet_delay_ms: number;
  interval_ms: number;
  final_hop_only: number;
  port: number;
  ip_version: 4 | 6 | null;
  /** null: a row from before flows (read as the protocol's default). */
  flow_id: number | null;
  paused: number;
  created_at: number;
}

export function targetOf(row: TargetRow): TargetRecord {
  return {
    id: row.id,
    host: row.host,
    label: row.label,
    options: {
      protocol: row.protocol,
      packetSizeBytes: row.packet_size_bytes,
      timeoutMs: row.timeout_ms,
      maxHops: row.max_hops,
      interPacketDelayMs: row.inter_packet_delay_ms,
      intervalMs: row.interval_ms,
      finalHopOnly: row.final_hop_only === 1,
      port: row.port,
      ipVersion: row.ip_version,
      flowId: row.protocol === "udp" ? row.flow_id ?? 1 : 0,
    },
    paused: row.paused === 1,
    createdAt: row.created_at,
  };
}
