// Every target's head (id, host, label, paused, created at), read once and kept until this store
// adds, changes or removes a target: the summary of 5,000 targets asked for them twice a request
// (the API's list and the figures' rows), 5-10 ms of the store's thread each time. Nothing else
// writes the file's targets while this store has it open (one writer: api/cli/writer_lock.ts).
import type { DatabaseSync } from "node:sqlite";
import type { TargetHead } from "../types.ts";

export interface TargetHeads {
  /** In id order. Shared and frozen: callers copy before they change the list. */
  all(): readonly TargetHead[];
  /** Call after any write to the targets table. */
  changed(): void;
}

export function createTargetHeads(db: DatabaseSync): TargetHeads {
  const select = db.prepare("SELECT id, host, label, paused, created_at FROM targets ORDER BY id");
  let cached: readonly TargetHead[] | null = null;
  return {
    all() {
      cached ??= Object.freeze(
        (select.all() as {
          id: number;
          host: string;
          label: string | null;
          paused: number;
          created_at: number;
        }[]).map((row) =>
          Object.freeze({
            id: row.id,
            host: row.host,
            label: row.label,
            paused: row.paused === 1,
            createdAt: row.created_at,
          })
        ),
      );
      return cached;
    },
    changed() {
      cached = null;
    },
  };
}
