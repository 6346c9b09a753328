// The SQLite Store (node:sqlite, synchronous). Rounds are queued in memory and written in one
// transaction per flush by a writer loop on the injected clock; everything else is written at
// once (it is rare). WAL mode: a kill -9 loses at most the rounds queued since the last flush.
import type { DatabaseSync } from "node:sqlite";
import { createSqliteAgents } from "./agents.ts";
import {
  type AddressChange,
  type Clock,
  log,
  type RoutePath,
  systemClock,
  type TargetOptions,
} from "../../engine/ground.ts";
import { inTransaction, openDatabase } from "./schema.ts";
import { createSqliteMaintenance } from "./maintenance.ts";
import { createServerStore } from "./server.ts";
import { createSqliteHistory } from "./history.ts";
import { createTargetHeads } from "./target_heads.ts";
import type { RetentionOptions } from "../history_types.ts";
import { createSqliteAlertStore } from "./alerts.ts";
import { createSqliteOutageStore } from "./outages.ts";
import { createSqliteInterfaceStore } from "./interfaces.ts";
import { resolveRetention } from "../retention_policy.ts";
import { createRoundStore, type FlushInfo, startWriterLoop } from "./rounds.ts";
import { createRecentRounds } from "./recent.ts";
import { targetOf, type TargetRow } from "./target_row.ts";
import type { DnsName, Store, StoredRouteChange, TargetRecord } from "../types.ts";

export type { FlushInfo } from "./rounds.ts";

export interface SqliteStoreOptions {
  /** Drives the writer loop and stamps createdAt. Default: the system clock. */
  clock?: Clock;
  /** How often queued rounds are written. Default 1000. */
  flushIntervalMs?: number;
  /** How long a write waits for another connection's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /** Called after each committed flush of rounds (used by the crash test to know what is safe). */
  onFlush?: (info: FlushInfo) => void;
  /** Days each history tier is kept (defaults: raw 3, 1-minute 30, 1-hour 1825). */
  retention?: RetentionOptions;
  /** The agent the rounds written are marked with (store/sqlite/agents.ts). Default "local". */
  agent?: string;
}

/** Rounds a transaction of the writer loop writes at most (see flushRoundsInSlices). */
const FLUSH_SLICE_ROUNDS = 500;

/** Interface rows a retention step on the writer loop may delete. */
const INTERFACE_RETENTION_STEP_ROWS = 5000;

const TARGET_COLUMNS = "host, label, protocol, packet_size_bytes, timeout_ms, max_hops, " +
  "inter_packet_delay_ms, interval_ms, final_hop_only, port, ip_version, paused, flow_id";

/** The SQLite store, and what its Worker (store/worker/serve.ts) tells it beyond the Store. */
export interface SqliteStore extends Store {
  /** Rounds came in as one batch: write them now, not at the writer loop's next turn. */
  batchArrived(): void;
}

/** Opens (creating or migrating) the database at `path`, or ":memory:". */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  const clock = options.clock ?? systemClock;
  const db = openDatabase(path, { busyTimeoutMs: options.busyTimeoutMs });
  const sql = prepareStatements(db);
  const maintenance = createSqliteMaintenance(db, path);
  const agent = options.agent ?? "local";
  const agents = createSqliteAgents(db, clock, agent);
  const heads = createTargetHeads(db);
  const history = createSqliteHistory(db, {
    clock,
    run,
    agents,
    heads,
    retention: options.retention,
    readRounds: (targetId, query) => rounds.read(targetId, query),
  });
  const recent = createRecentRounds(db, clock);
  const rounds = createRoundStore(db, recent, {
    onFlush: options.onFlush,
    observer: history.observer,
  });
  const interfaces = createSqliteInterfaceStore(db, {
    clock,
    run,
    retention: resolveRetention(options.retention),
    assertOpen: open,
  });
  const writer = startWriterLoop(clock, {
    intervalMs: options.flushIntervalMs ?? 1000,
    flush: async () => {
      try {
        await flushRoundsInSlices();
      } finally {
        flushInterfaces();
      }
      moveRecent(() => recent.moveIfDue());
      history.maintain();
    },
  });
  let closed = false;
  let nextInterfaceRetentionAt = -Infinity;

  /** Interface samples ride on the rounds' writer; a failure keeps them queued and is logged. */
  function flushInterfaces(): void {
    try {
      interfaces.flush();
      const now = clock.now();
      if (now >= nextInterfaceRetentionAt) {
        const deleted = interfaces.retentionStep(INTERFACE_RETENTION_STEP_ROWS);
        nextInterfaceRetentionAt = deleted < INTERFACE_RETENTION_STEP_ROWS ? now + 60_000 : now;
      }
    } catch (error) {
      interfaceFlushFailures++;
      log.warn("store: writing interface samples failed", { error: String(error) });
    }
  }
  let interfaceFlushFailures = 0;

  /** A move that fails (a busy lock) is tried again later: the rows stay readable meanwhile. */
  function moveRecent(move: () => unknown): void {
    try {
      move();
    } catch (error) {
      log.warn("store: moving recent rounds failed", { error: String(error) });
    }
  }

  function open(): void {
    if (closed) throw new Error("the store is closed");
  }

  function flushRounds(maxRounds?: number): void {
    const queued = rounds.queued;
    rounds.flush(maxRounds);
    if (queued > 0) agents.wrote();
  }

  /**
   * The writer loop's flush: at most FLUSH_SLICE_ROUNDS rounds a transaction, with a turn of the
   * event loop between them, so a read (or in the engine's thread, a probe) waits for one slice,
   * not for a second of 5,000 targets' rounds. Rounds appended meanwhile wait for the next turn.
   */
  async function flushRoundsInSlices(): Promise<void> {
    let slices = Math.ceil(rounds.queued / FLUSH_SLICE_ROUNDS);
    while (slices-- > 0 && rounds.queued > 0 && !closed) {
      flushRounds(FLUSH_SLICE_ROUNDS);
      // On the store's clock, so a test's manual clock runs the slices as its time moves.
      if (slices > 0) await clock.sleep(0);
    }
  }

  function getTarget(id: number): TargetRecord | null {
    const row = sql.getTarget.get(id) as TargetRow | undefined;
    return row ? targetOf(row) : null;
  }

  /** Runs synchronous work as the async Store API expects: errors become rejections. */
  function run<T>(work: () => T): Promise<T> {
    try {
      open();
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function dnsNames(ips: string[]): Map<string, DnsName> {
    const found = new Map<string, DnsName>();
    for (const ip of new Set(ips)) {
      const row = sql.getDns.get(ip) as { name: string | null; resolved_at: number } | undefined;
      if (row) found.set(ip, { ip, name: row.name, resolvedAt: row.resolved_at });
    }
    return found;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await writer.stop();
    const unsaved = rounds.queued;
    try {
      flushInterfaces(); // logged, never in the way of the rounds
      flushRounds();
    } catch (error) {
      db.close();
      throw new Error(`the store closed without saving ${unsaved} queued rounds`, { cause: error });
    }
    moveRecent(() => recent.moveAll()); // else the next writer moves them
    try {
      history.closeRollups();
    } catch (error) {
      // The rounds are saved; the next writer rebuilds the rollups from them (rollup_recovery.ts).
      log.warn("store: rollups not written at close", { error: String(error) });
    } finally {
      db.close();
    }
  }

  const store: SqliteStore = {
    agent,
    batchArrived: writer.arrived,
    listAgents: () => run(() => agents.list()),
    agentReads: (name) => run(() => agents.knows(name) ? store : null),
    ...createServerStore(db, clock, run),
    ...createSqliteAlertStore(db, { clock, run }),
    ...createSqliteOutageStore(db, run),
    ...history.queries,
    ...interfaces.store,
    enforceRetention: (options = {}) =>
      history.queries.enforceRetention(options).then((step) =>
        run(() => {
          const budget = Math.max(1, (options.maxRows ?? 5000) - step.deletedRows);
          const deleted = interfaces.retentionStep(budget);
          return { deletedRows: step.deletedRows + deleted, done: step.done && deleted < budget };
        })
      ),
    addTarget: (target) =>
      run(() => {
        const { host, options } = target;
        const values = targetValues({
          host,
          options,
          label: target.label ?? null,
          paused: target.paused ?? false,
        });
        const result = sql.insertTarget.run(...values, clock.now());
        heads.changed();
        return getTarget(Number(result.lastInsertRowid))!;
      }),
    getTarget: (id) => run(() => getTarget(id)),
    listTargets: () => run(() => (sql.listTargets.all() as unknown as TargetRow[]).map(targetOf)),
    listTargetHeads: () => run(() => [...heads.all()]),
    updateTarget: (id, patch) =>
      run(() => {
        const current = getTarget(id);
        if (!current) return null;
        const next = { ...current };
        if (patch.label !== undefined) next.label = patch.label;
        if (patch.options !== undefined) next.options = patch.options;
        if (patch.paused !== undefined) next.paused = patch.paused;
        sql.updateTarget.run(...targetValues(next), id);
        heads.changed();
        return getTarget(id);
      }),
    removeTarget: (id) =>
      run(() => {
        rounds.forget(id);
        // ON DELETE CASCADE removes its samples, route changes and address changes.
        heads.changed();
        return inTransaction(db, () => sql.deleteTarget.run(id).changes > 0);
      }),
    appendRound(round) {
      open();
      rounds.append(round);
    },
    flush: () =>
      run(() => (flushRounds(), moveRecent(() => recent.moveIfDue()), interfaces.flush())),
    rounds: (targetId, query) => run(() => rounds.read(targetId, query)),
    recordRouteChange: (change) =>
      run(() => {
        const { targetId, at, before, after } = change;
        const result = sql.insertRoute.run(
          targetId,
          at,
          JSON.stringify(before),
          JSON.stringify(after),
        );
        const id = Number(result.lastInsertRowid);
        history.routeRecorded({ id, targetId, at });
        return { id, targetId, at, before, after };
      }),
    routeChanges: (targetId, query = {}) =>
      run(() => {
        const start = query.start ?? Number.MIN_SAFE_INTEGER;
        const end = query.end ?? Number.MAX_SAFE_INTEGER;
        const rows = sql.routeChanges.all(targetId, start, end) as unknown as RouteRow[];
        return rows.map((row) => routeChangeOf(targetId, row));
      }),
    lastRoute: (targetId) =>
      run(() => {
        const row = sql.lastRoute.get(targetId) as { after: string } | undefined;
        return row ? JSON.parse(row.after) as RoutePath : null;
      }),
    recordAddressChange: (change) =>
      run(() => {
        const { targetId, at, host, before, after } = change;
        sql.insertAddress.run(targetId, at, host, before, after);
      }),
    addressChanges: (targetId) =>
      run(() => {
        const rows = sql.addressChanges.all(targetId) as unknown as Omit<
          AddressChange,
          "targetId"
        >[];
        return rows.map((row) => ({ targetId, ...row }));
      }),
    putDnsName: (entry) =>
      run(() => {
        sql.putDns.run(entry.ip, entry.name, entry.resolvedAt);
      }),
    dnsNames: (ips) => run(() => dnsNames(ips)),
    storageSpace: () => run(() => (rounds.flush(), maintenance.storageSpace())),
    storeStats: () =>
      run(() => ({
        queuedRounds: rounds.queued,
        ...rounds.writes,
        droppedRounds: 0,
        failedFlushes: rounds.writes.failedFlushes + interfaceFlushFailures,
        sizeBytes: maintenance.sizeBytes(),
      })),
    vacuum: () => run(() => (rounds.flush(), maintenance.vacuum())),
    checkIntegrity: () => run(() => maintenance.checkIntegrity()),
    close,
  };
  return store;
}

function prepareStatements(db: DatabaseSync) {
  const routeColumns = "id, at, before, after";
  return {
    insertTarget: db.prepare(
      `INSERT INTO targets (${TARGET_COLUMNS}, created_at) VALUES (${"?, ".repeat(13)}?)`,
    ),
    updateTarget: db.prepare(
      `UPDATE targets SET (${TARGET_COLUMNS}) = (${"?, ".repeat(12)}?) WHERE id = ?`,
    ),
    getTarget: db.prepare("SELECT * FROM targets WHERE id = ?"),
    listTargets: db.prepare("SELECT * FROM targets ORDER BY id"),
    deleteTarget: db.prepare("DELETE FROM targets WHERE id = ?"),
    insertRoute: db.prepare(
      "INSERT INTO route_changes (target_id, at, before, after) VALUES (?, ?, ?, ?)",
    ),
    routeChanges: db.prepare(
      `SELECT ${routeColumns} FROM route_changes WHERE target_id = ? AND at >= ? AND at < ? ` +
        "ORDER BY at, id",
    ),
    lastRoute: db.prepare(
      "SELECT after FROM route_changes WHERE target_id = ? ORDER BY at DESC, id DESC LIMIT 1",
    ),
    insertAddress: db.prepare(
      "INSERT INTO address_changes (target_id, at, host, before, after) VALUES (?, ?, ?, ?, ?)",
    ),
    addressChanges: db.prepare(
      "SELECT at, host, before, after FROM address_changes WHERE target_id = ? ORDER BY at, id",
    ),
    putDns: db.prepare(
      "INSERT INTO dns_names (ip, name, resolved_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (ip) DO UPDATE SET name = excluded.name, resolved_at = excluded.resolved_at",
    ),
    getDns: db.prepare("SELECT name, resolved_at FROM dns_names WHERE ip = ?"),
  };
}

function targetValues(target: {
  host: string;
  label: string | null;
  options: TargetOptions;
  paused: boolean;
}): (string | number | null)[] {
  const o = target.options;
  return [
    target.host,
    target.label,
    o.protocol,
    o.packetSizeBytes,
    o.timeoutMs,
    o.maxHops,
    o.interPacketDelayMs,
    o.intervalMs,
    o.finalHopOnly ? 1 : 0,
    o.port,
    o.ipVersion,
    target.paused ? 1 : 0,
    o.flowId,
  ];
}

interface RouteRow {
  id: number;
  at: number;
  before: string;
  after: string;
}

function routeChangeOf(targetId: number, row: RouteRow): StoredRouteChange {
  return {
    id: row.id,
    targetId,
    at: row.at,
    before: JSON.parse(row.before),
    after: JSON.parse(row.after),
  };
}
