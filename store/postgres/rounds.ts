// Round storage on PostgreSQL: rounds are queued in memory (bounded: past the bound the oldest
// are dropped and counted), written in one transaction per flush with their rollups, and kept
// queued when the server cannot be reached, so probing never waits for the database. Reads
// merge what is stored with what is queued or being written.
import { log, type Round } from "../../engine/ground.ts";
import { decodeHops, encodeRound } from "../codec.ts";
import type { RoundQuery } from "../types.ts";
import type { Db, Sql } from "./connect.ts";
import type { Partitions } from "./partitions.ts";
import { alignDown, TIER_MS } from "../rollup_math.ts";

/** A round as the flush stored it: codec blob, interned path id, per-hop addresses. */
export interface StoredRound {
  targetId: number;
  ts: number;
  pathId: number;
  data: Uint8Array;
  ips: (string | null)[];
}

/** Sees every flush from inside its transaction (rollups), then its outcome. */
export interface PgFlushObserver {
  /** Inside the transaction: the rounds just stored (duplicates left out), in append order. */
  stored(tx: Db, rounds: StoredRound[]): Promise<void>;
  committed(): void;
  rolledBack(): void;
}

export interface QueuedRound {
  targetId: number;
  ts: number;
  seq: number;
  address: string;
  ips: (string | null)[];
  pathKey: string;
  data: Uint8Array;
}

export interface FlushCounters {
  flushes: number;
  failedFlushes: number;
  flushMsTotal: number;
  lastFlushMs: number | null;
  roundsWritten: number;
  droppedRounds: number;
}

const INT4 = 2 ** 31;

/** Rows per INSERT statement (5 parameters each, well under the protocol's 65,535). */
const INSERT_CHUNK = 4000;

export function createPgRounds(sql: Sql, deps: {
  partitions: Partitions;
  observer: PgFlushObserver;
  /** Rounds kept in memory while the database is away; beyond it the oldest are dropped. */
  maxQueued: number;
  /** Runs the flush alone among the store's writes. */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
}) {
  let queue: QueuedRound[] = [];
  let inflight: QueuedRound[] = [];
  const counters: FlushCounters = {
    flushes: 0,
    failedFlushes: 0,
    flushMsTotal: 0,
    lastFlushMs: null,
    roundsWritten: 0,
    droppedRounds: 0,
  };
  const pathIds = new Map<string, number>();
  const paths = new Map<number, { address: string; ips: (string | null)[] }>();
  let warnedDrop = false;

  function bound(): void {
    const over = queue.length - deps.maxQueued;
    if (over <= 0) return;
    queue.splice(0, over);
    counters.droppedRounds += over;
    if (!warnedDrop) {
      warnedDrop = true;
      log.error("store: the round queue is full, the oldest rounds are being dropped", {
        maxQueued: deps.maxQueued,
      });
    }
  }

  function append(round: Round): void {
    queue.push(queueEntry(round));
    if (queue.length > deps.maxQueued) bound();
  }

  async function internPaths(tx: Db, batch: QueuedRound[], fresh: Map<string, number>) {
    for (const entry of batch) {
      if (pathIds.has(entry.pathKey) || fresh.has(entry.pathKey)) continue;
      const hops = JSON.stringify(entry.ips);
      const [row] = await tx<{ id: number }[]>`
        INSERT INTO paths (address, hops) VALUES (${entry.address}, ${hops})
        ON CONFLICT (address, hops) DO UPDATE SET address = excluded.address RETURNING id`;
      fresh.set(entry.pathKey, row.id);
    }
  }

  async function writeBatch(tx: Db, batch: QueuedRound[], fresh: Map<string, number>) {
    const ids = [...new Set(batch.map((entry) => entry.targetId))];
    const known = new Set(
      (await tx<{ id: number }[]>`SELECT id FROM series WHERE id = ANY(${ids}::bigint[])`)
        .map((row) => row.id),
    );
    const seen = new Set<string>();
    const rows: QueuedRound[] = [];
    let orphans = 0, duplicates = 0;
    for (const entry of batch) {
      if (!known.has(entry.targetId)) {
        orphans++;
        continue;
      }
      const key = `${entry.targetId}/${entry.ts}/${entry.seq}`;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      rows.push(entry);
    }
    await internPaths(tx, rows, fresh);
    const idOf = (entry: QueuedRound) => pathIds.get(entry.pathKey) ?? fresh.get(entry.pathKey)!;
    const written = new Set<string>();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK).map((entry) => ({
        target_id: entry.targetId,
        ts: entry.ts,
        seq: entry.seq,
        path_id: idOf(entry),
        data: entry.data,
      }));
      const inserted = await tx<{ target_id: number; ts: number; seq: number }[]>`
        INSERT INTO samples ${tx(chunk, "target_id", "ts", "seq", "path_id", "data")}
        ON CONFLICT DO NOTHING RETURNING target_id, ts, seq`;
      for (const r of inserted) written.add(`${r.target_id}/${r.ts}/${r.seq}`);
    }
    const stored: StoredRound[] = [];
    for (const entry of rows) {
      if (!written.has(`${entry.targetId}/${entry.ts}/${entry.seq}`)) {
        duplicates++;
        continue;
      }
      const { targetId, ts, data, ips } = entry;
      stored.push({ targetId, ts, pathId: idOf(entry), data, ips });
    }
    await deps.observer.stored(tx, stored);
    return { written: stored.length, duplicates, orphans };
  }

  async function flushNow(): Promise<void> {
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    inflight = batch;
    const fresh = new Map<string, number>();
    const began = performance.now();
    let outcome;
    try {
      const keys = batch.map((entry) => entry.ts);
      await deps.partitions.ensure("samples", keys);
      await deps.partitions.ensure("rollup_1m", keys.map((ts) => alignDown(ts, TIER_MS["1m"])));
      await deps.partitions.ensure("rollup_1h", keys.map((ts) => alignDown(ts, TIER_MS["1h"])));
      outcome = await sql.begin((tx) => writeBatch(tx, batch, fresh));
    } catch (error) {
      timed(began);
      counters.failedFlushes++;
      deps.observer.rolledBack();
      queue = batch.concat(queue);
      bound();
      const code = (error as { code?: string }).code;
      log.error("store: flush failed, rounds kept queued", {
        queued: queue.length,
        error: code ? `${code}: ${(error as Error).message}` : String(error),
      });
      throw error;
    } finally {
      inflight = [];
    }
    for (const [key, id] of fresh) pathIds.set(key, id);
    deps.observer.committed();
    timed(began);
    counters.flushes++;
    counters.roundsWritten += outcome.written;
    if (outcome.duplicates > 0) {
      log.warn("store: rounds with an already stored (target, startedAt, seq) were dropped", {
        duplicates: outcome.duplicates,
      });
    }
    if (outcome.orphans > 0) {
      log.warn("store: rounds of unknown targets were dropped", { orphans: outcome.orphans });
    }
  }

  function timed(began: number): void {
    const ms = performance.now() - began;
    counters.flushMsTotal += ms;
    counters.lastFlushMs = ms;
  }

  async function pathOf(db: Db, ids: number[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !paths.has(id));
    if (missing.length === 0) return;
    const rows = await db<{ id: number; address: string; hops: string }[]>`
      SELECT id, address, hops FROM paths WHERE id = ANY(${missing}::bigint[])`;
    if (paths.size > 50_000) paths.clear();
    for (const row of rows) paths.set(row.id, { address: row.address, ips: JSON.parse(row.hops) });
  }

  /** Stored rows as rounds (their paths fetched first). */
  async function toRounds(
    targetId: number,
    rows: { ts: number; seq: number; path_id: number; data: Uint8Array }[],
  ): Promise<Round[]> {
    await pathOf(sql, rows.map((row) => row.path_id));
    return rows.map((row) => {
      const path = paths.get(row.path_id);
      if (!path) throw new Error(`store: path ${row.path_id} is missing`);
      return toRound({ targetId, ts: row.ts, seq: row.seq, data: row.data, ...path });
    });
  }

  async function read(targetId: number, query: RoundQuery): Promise<Round[]> {
    const { start, end, last } = checkQuery(query);
    if (last === 0) return [];
    const pending = [...inflight, ...queue].filter((entry) =>
      entry.targetId === targetId && entry.ts >= start && entry.ts < end
    );
    type Row = { ts: number; seq: number; path_id: number; data: Uint8Array };
    const rows = last === undefined
      ? await sql<Row[]>`SELECT ts, seq, path_id, data FROM samples
          WHERE target_id = ${targetId} AND ts >= ${start} AND ts < ${end} ORDER BY ts, seq`
      : (await sql<Row[]>`SELECT ts, seq, path_id, data FROM samples
          WHERE target_id = ${targetId} AND ts >= ${start} AND ts < ${end}
          ORDER BY ts DESC, seq DESC LIMIT ${last}`).reverse();
    const stored = await toRounds(targetId, rows);
    if (pending.length === 0) return stored;
    return mergeRounds(stored, pending.map(toRound), last);
  }

  return {
    append,
    /** Throws what append would throw for a malformed round, queueing nothing. */
    check(round: Round): void {
      queueEntry(round);
    },
    flush: () => deps.exclusive(flushNow),
    read,
    toRounds,
    forget(targetId: number) {
      queue = queue.filter((entry) => entry.targetId !== targetId);
    },
    get queued() {
      return queue.length + inflight.length;
    },
    get counters(): FlushCounters {
      return { ...counters };
    },
  };
}

export type PgRounds = ReturnType<typeof createPgRounds>;

function queueEntry(round: Round): QueuedRound {
  const { ips, data } = encodeRound(round);
  // Stored as a 4-byte integer: refused here rather than failing every later flush.
  if (!Number.isInteger(round.seq) || round.seq < -INT4 || round.seq >= INT4) {
    throw new RangeError("round.seq: not an integer below 2^31");
  }
  return {
    targetId: round.targetId,
    ts: round.startedAt,
    seq: round.seq,
    address: round.address,
    ips,
    pathKey: `${round.address}\n${JSON.stringify(ips)}`,
    data,
  };
}

export function toRound(entry: Omit<QueuedRound, "pathKey">): Round {
  const { hops, destinationReached } = decodeHops(entry.data, entry.ips);
  return {
    targetId: entry.targetId,
    seq: entry.seq,
    startedAt: entry.ts,
    address: entry.address,
    hops,
    destinationReached,
  };
}

function mergeRounds(stored: Round[], pending: Round[], last: number | undefined): Round[] {
  const seen = new Set<string>();
  const merged = [...stored, ...pending].filter((round) => {
    const key = `${round.startedAt}/${round.seq}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  merged.sort((a, b) => a.startedAt - b.startedAt || a.seq - b.seq);
  return last === undefined ? merged : merged.slice(Math.max(0, merged.length - last));
}

function checkQuery(query: RoundQuery): { start: number; end: number; last?: number } {
  const { last, start = Number.MIN_SAFE_INTEGER, end = Number.MAX_SAFE_INTEGER } = query;
  if (last !== undefined && (!Number.isSafeInteger(last) || last < 0)) {
    throw new RangeError(`last must be a non-negative integer, got ${last}`);
  }
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError("start/end must be numbers");
  return { start, end, last };
}
