// Round storage for the SQLite store: an in-memory queue, a batch flush in one transaction,
// path interning, and reads that merge what is stored with what is still queued.
import type { DatabaseSync } from "node:sqlite";
import { type Clock, log, type Round } from "../../engine/ground.ts";
import { BlobSlab, decodeHops, encodeRound } from "../codec.ts";
import { inTransaction } from "./schema.ts";
import type { RoundQuery } from "../types.ts";
import { DIRECT_ROUNDS_PER_TARGET, type RecentRounds } from "./recent.ts";

/** What a flush reports: rounds written by this flush and since the store was opened. */
export interface FlushInfo {
  rounds: number;
  totalRounds: number;
}

/** A round as the flush stored it: codec blob, interned path id, per-hop addresses. */
export interface StoredRound {
  targetId: number;
  ts: number;
  pathId: number;
  data: Uint8Array;
  ips: (string | null)[];
}

/**
 * Sees every flush from inside (rollups, store/rollups.ts): a call before its transaction, each
 * newly stored round, then a last call before COMMIT, then the outcome. A duplicate round is not
 * reported.
 */
export interface FlushObserver {
  /** May run a transaction of its own; throwing fails the flush (its rounds stay queued). */
  beforeFlush(): void;
  stored(entry: StoredRound): void;
  beforeCommit(): void;
  committed(): void;
  rolledBack(): void;
  forget(targetId: number): void;
}

export interface RoundStore {
  append(round: Round): void;
  /**
   * Writes the queued rounds (the oldest `maxRounds` of them, default all) in one transaction; on
   * failure they stay queued and it throws.
   */
  flush(maxRounds?: number): void;
  read(targetId: number, query: RoundQuery): Round[];
  /** Drops queued rounds of a removed target. */
  forget(targetId: number): void;
  readonly queued: number;
  /** Flushes that wrote something (or failed) since the store was opened, and their cost. */
  readonly writes: FlushStats;
}

export interface FlushStats {
  flushes: number;
  failedFlushes: number;
  flushMsTotal: number;
  lastFlushMs: number | null;
  roundsWritten: number;
}

interface QueuedRound {
  targetId: number;
  ts: number;
  seq: number;
  address: string;
  ips: (string | null)[];
  pathKey: string;
  data: Uint8Array;
}

interface SampleRow {
  ts: number;
  seq: number;
  path_id: number;
  data: Uint8Array;
}

interface StoredPath {
  address: string;
  ips: (string | null)[];
}

export function createRoundStore(
  db: DatabaseSync,
  recent: RecentRounds,
  options: { onFlush?: (info: FlushInfo) => void; observer?: FlushObserver } = {},
): RoundStore {
  const sql = {
    findPath: db.prepare("SELECT id FROM paths WHERE address = ? AND hops = ?"),
    insertPath: db.prepare("INSERT INTO paths (address, hops) VALUES (?, ?)"),
    getPath: db.prepare("SELECT address, hops FROM paths WHERE id = ?"),
    targetExists: db.prepare("SELECT 1 AS one FROM targets WHERE id = ?"),
    range: db.prepare(
      "SELECT ts, seq, path_id, data FROM samples WHERE target_id = ? AND ts >= ? AND ts < ? " +
        "ORDER BY ts, seq",
    ),
    last: db.prepare(
      "SELECT ts, seq, path_id, data FROM samples WHERE target_id = ? AND ts >= ? AND ts < ? " +
        "ORDER BY ts DESC, seq DESC LIMIT ?",
    ),
  };
  const observer = options.observer;
  let queue: QueuedRound[] = [];
  let totalRounds = 0;
  const writes = {
    flushes: 0,
    failedFlushes: 0,
    flushMsTotal: 0,
    lastFlushMs: null as number | null,
  };
  const pathIds = new Map<string, number>();
  const paths = new Map<number, StoredPath>();
  // Queued blobs share buffers until their flush (nothing keeps one after it).
  const slab = new BlobSlab();

  function internPath(entry: QueuedRound, fresh: Map<string, number>): number {
    const known = pathIds.get(entry.pathKey) ?? fresh.get(entry.pathKey);
    if (known !== undefined) return known;
    const hopsJson = JSON.stringify(entry.ips);
    const found = sql.findPath.get(entry.address, hopsJson) as { id: number } | undefined;
    const id = found?.id ?? Number(sql.insertPath.run(entry.address, hopsJson).lastInsertRowid);
    // Ids reach the shared cache only after COMMIT: a rolled-back insert must not be remembered.
    fresh.set(entry.pathKey, id);
    return id;
  }

  function writeBatch(batch: QueuedRound[], fresh: Map<string, number>) {
    // Whether each target of the batch exists; their number also decides where the rounds go.
    const exists = new Map<number, boolean>();
    for (const { targetId } of batch) {
      if (!exists.has(targetId)) exists.set(targetId, sql.targetExists.get(targetId) !== undefined);
    }
    const insert = recent.inserter(batch.length >= DIRECT_ROUNDS_PER_TARGET * exists.size);
    let written = 0, duplicates = 0, orphans = 0;
    for (const entry of batch) {
      if (!exists.get(entry.targetId)) {
        orphans++;
        continue;
      }
      const pathId = internPath(entry, fresh);
      if (!insert(entry.targetId, entry.ts, entry.seq, pathId, entry.data)) {
        duplicates++;
        continue;
      }
      written++;
      observer?.stored({
        targetId: entry.targetId,
        ts: entry.ts,
        pathId,
        data: entry.data,
        ips: entry.ips,
      });
    }
    observer?.beforeCommit();
    return { written, duplicates, orphans };
  }

  function flush(maxRounds = Infinity): void {
    if (queue.length === 0) return;
    const batch = queue.length <= maxRounds ? queue : queue.slice(0, maxRounds);
    queue = queue.length <= maxRounds ? [] : queue.slice(maxRounds);
    const fresh = new Map<string, number>();
    let outcome;
    // Wall time, not the injected clock: this measures the disk and the CPU, not the schedule.
    const began = performance.now();
    try {
      observer?.beforeFlush();
      outcome = inTransaction(db, () => writeBatch(batch, fresh));
    } catch (error) {
      timed(writes, began);
      writes.failedFlushes++;
      observer?.rolledBack();
      queue = batch.concat(queue);
      log.error("store: flush failed, rounds kept queued", {
        queued: queue.length,
        error: String(error),
      });
      throw error;
    }
    for (const [key, id] of fresh) pathIds.set(key, id);
    observer?.committed();
    timed(writes, began);
    writes.flushes++;
    const { written, duplicates, orphans } = outcome;
    if (duplicates > 0) {
      log.warn("store: rounds with an already stored (target, startedAt, seq) were dropped", {
        duplicates,
      });
    }
    if (orphans > 0) log.warn("store: rounds of unknown targets were dropped", { orphans });
    totalRounds += written;
    try {
      options.onFlush?.({ rounds: written, totalRounds });
    } catch (error) {
      log.error("store: the onFlush callback failed", { error: String(error) });
    }
  }

  function pathOf(id: number): StoredPath {
    let path = paths.get(id);
    if (!path) {
      const row = sql.getPath.get(id) as { address: string; hops: string } | undefined;
      if (!row) throw new Error(`store: path ${id} is missing`);
      path = { address: row.address, ips: JSON.parse(row.hops) };
      paths.set(id, path);
    }
    return path;
  }

  function read(targetId: number, query: RoundQuery): Round[] {
    const { start, end, last } = checkQuery(query);
    if (last === 0) return [];
    const rows =
      (last === undefined
        ? sql.range.all(targetId, start, end)
        : sql.last.all(targetId, start, end, last).reverse()) as unknown as SampleRow[];
    const stored = rows.map((row) => {
      const path = pathOf(row.path_id);
      return toRound({ targetId, ts: row.ts, seq: row.seq, data: row.data, ...path });
    });
    const pending = queue.filter((entry) =>
      entry.targetId === targetId && entry.ts >= start && entry.ts < end
    );
    if (pending.length === 0) return stored;
    return mergeRounds(stored, pending.map(toRound), last);
  }

  return {
    append: (round) => queue.push(queueEntry(round, slab)),
    flush,
    read,
    forget(targetId) {
      queue = queue.filter((entry) => entry.targetId !== targetId);
      observer?.forget(targetId);
    },
    get queued() {
      return queue.length;
    },
    get writes() {
      return { ...writes, roundsWritten: totalRounds };
    },
  };
}

function timed(writes: { flushMsTotal: number; lastFlushMs: number | null }, began: number): void {
  const ms = performance.now() - began;
  writes.flushMsTotal += ms;
  writes.lastFlushMs = ms;
}

/** Encodes at append time so a malformed round fails at the caller, not later in a flush. */
function queueEntry(round: Round, slab: BlobSlab): QueuedRound {
  const { ips, data } = encodeRound(round, slab);
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

function toRound(entry: Omit<QueuedRound, "pathKey">): Round {
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

/** Stored rounds win over queued ones with the same key: the flush will drop those. */
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

/**
 * Calls `flush` every `intervalMs` of the clock until stopped. `arrived()` says a batch of rounds
 * came in together (the store's Worker is sent them a few times a second): it is written at once
 * unless the last write began less than half an interval ago, and the interval then counts from
 * that write, so a Worker fed in batches wakes for the batches only, not for a timer of its own
 * as well. Failures are logged by flush.
 */
export function startWriterLoop(
  clock: Clock,
  options: { intervalMs: number; flush: () => void | Promise<void> },
): { stop(): Promise<void>; arrived(): void } {
  let stopped = false;
  let sleeping: AbortController | null = null;
  let again = false; // a batch arrived while a write ran: write again once it is done
  let lastWriteAt = clock.monotonic();
  const done = (async () => {
    while (!stopped) {
      if (!again) {
        sleeping = new AbortController();
        try {
          await clock.sleep(options.intervalMs, sleeping.signal);
        } catch {
          // stopped, or woken early by a batch
        }
        sleeping = null;
        if (stopped) return;
      }
      again = false;
      lastWriteAt = clock.monotonic();
      try {
        await options.flush();
      } catch {
        // Logged by flush; the rounds stay queued for the next turn.
      }
    }
  })();
  return {
    stop() {
      stopped = true;
      sleeping?.abort();
      return done;
    },
    arrived() {
      if (stopped || clock.monotonic() - lastWriteAt < options.intervalMs / 2) return;
      if (sleeping) sleeping.abort();
      else again = true;
    },
  };
}
