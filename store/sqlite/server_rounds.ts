// Paged reads of stored rounds for streamed exports: a keyset cursor (startedAt, seq) so a range of
// any size is read a page at a time, never loaded whole. Reads only what is flushed.
import type { DatabaseSync } from "node:sqlite";
import type { Round } from "../../engine/ground.ts";
import { decodeHops } from "../codec.ts";
import type { RoundPageQuery } from "../server_types.ts";

export type { RoundPageQuery };

export interface RoundPager {
  roundPage(targetId: number, query: RoundPageQuery): Round[];
}

export function createRoundPager(db: DatabaseSync): RoundPager {
  const page = db.prepare(
    "SELECT ts, seq, path_id, data FROM samples WHERE target_id = ? AND ts >= ? AND ts < ? " +
      "AND (ts > ? OR (ts = ? AND seq > ?)) ORDER BY ts, seq LIMIT ?",
  );
  const getPath = db.prepare("SELECT address, hops FROM paths WHERE id = ?");
  const paths = new Map<number, { address: string; ips: (string | null)[] }>();
  const pathOf = (id: number) => {
    let path = paths.get(id);
    if (!path) {
      const row = getPath.get(id) as { address: string; hops: string } | undefined;
      if (!row) throw new Error(`store: path ${id} is missing`);
      path = { address: row.address, ips: JSON.parse(row.hops) };
      if (paths.size > 10_000) paths.clear();
      paths.set(id, path);
    }
    return path;
  };
  return {
    roundPage(targetId, query) {
      const start = query.start ?? Number.MIN_SAFE_INTEGER;
      const end = query.end ?? Number.MAX_SAFE_INTEGER;
      const afterTs = query.after?.startedAt ?? Number.MIN_SAFE_INTEGER;
      const afterSeq = query.after?.seq ?? Number.MIN_SAFE_INTEGER;
      const limit = Math.max(1, Math.min(100_000, Math.floor(query.limit)));
      const rows = page.all(targetId, start, end, afterTs, afterTs, afterSeq, limit) as unknown as {
        ts: number;
        seq: number;
        path_id: number;
        data: Uint8Array;
      }[];
      return rows.map((row) => {
        const path = pathOf(row.path_id);
        const { hops, destinationReached } = decodeHops(row.data, path.ips);
        return {
          targetId,
          seq: row.seq,
          startedAt: row.ts,
          address: path.address,
          hops,
          destinationReached,
        };
      });
    },
  };
}
