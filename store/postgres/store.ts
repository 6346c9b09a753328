// The PostgreSQL Store: a pool (npm:postgres), migrations on open, rounds queued in memory and
// written once a second by a writer loop on the injected clock (kept queued, within a bound, while
// the server is away), and everything else written at once. openPostgresStore returns at once;
// the first call waits for the connection and the migrations (and reports their failure).
import {
  type AddressChange,
  type Clock,
  log,
  type Round,
  type RoutePath,
  systemClock,
} from "../../engine/ground.ts";
import type { RetentionOptions } from "../history_types.ts";
import { resolveRetention } from "../retention_policy.ts";
import type { Store, StoredRouteChange, TargetRecord } from "../types.ts";
import { openPool, redacted } from "./connect.ts";
import { createPgAlertStore } from "./alerts.ts";
import { createPgHistory } from "./history.ts";
import { createPgLatest } from "./latest.ts";
import { createPgMaintenance } from "./maintenance.ts";
import { createPartitions } from "./partitions.ts";
import { serialQueue } from "./replay.ts";
import { createPgRetention } from "./retention.ts";
import { createPgRollups } from "./rollups.ts";
import { createPgRounds } from "./rounds.ts";
import { createPgSeries } from "./series.ts";
import { agentReads } from "./agent_reads.ts";
import { createPgRoutes } from "./routes.ts";
import { migrate } from "./schema.ts";
import { createPgServerRecords } from "./server.ts";
import { createPgInterfaceStore } from "./interfaces.ts";
import { createPgOutageStore } from "./outages.ts";
import { targetColumns, targetOf, type TargetRow } from "./targets.ts";

export interface PostgresStoreOptions {
  clock?: Clock;
  /** How often queued rounds are written. Default 1000. */
  flushIntervalMs?: number;
  retention?: RetentionOptions;
  /** Rounds kept in memory while the server cannot be written. Default 200,000. */
  maxQueuedRounds?: number;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** The agent the rounds written are marked with (series.ts). Default "local". */
  agent?: string;
}

const RETENTION_STEP_ROWS = 5000;
const RETENTION_INTERVAL_MS = 60_000;

/** Opens the database at `url` (postgres:// or postgresql://), creating or migrating its schema. */
export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  const { sql, target } = openPool(url, { max: options.poolSize });
  const retentionConfig = resolveRetention(options.retention);
  const exclusive = serialQueue();
  const partitions = createPartitions(sql);
  const routes = createPgRoutes(sql);
  const rollups = createPgRollups(sql, routes);
  const latest = createPgLatest(sql);
  const agent = options.agent ?? "local";
  const series = createPgSeries(sql, clock, agent);
  const retention = createPgRetention(sql, partitions, retentionConfig, {
    agent,
    periodMs: RETENTION_INTERVAL_MS,
  });
  const maxQueued = options.maxQueuedRounds ?? 200_000;
  /** Rounds of targets this agent has no series of yet (made by the next flush). */
  let pending: Round[] = [];
  let pendingDropped = 0;
  const maintenance = createPgMaintenance(sql, target.location);
  let closed = false;
  let migrated: Promise<void> | null = null;

  /** Connects and migrates once; a failed attempt (server away) is tried again by the next call. */
  function ready(): Promise<void> {
    if (closed) return Promise.reject(new Error("the store is closed"));
    if (!migrated) {
      migrated = migrate(sql).then(() => {}, (error) => {
        migrated = null;
        throw redacted(error, target);
      });
    }
    return migrated;
  }

  const guard = <A extends unknown[], T>(work: (...args: A) => Promise<T>) =>
  async (
    ...args: A
  ): Promise<T> => {
    await ready();
    return await work(...args);
  };

  const interfaces = createPgInterfaceStore(sql, {
    clock,
    retention: retentionConfig,
    guard,
    assertOpen() {
      if (closed) throw new Error("the store is closed");
    },
  });
  let nextInterfaceRetentionAt = -Infinity;

  /** Interface samples ride on the rounds' writer; a failure keeps them queued and is logged. */
  async function flushInterfaces(): Promise<void> {
    try {
      await interfaces.flush();
      const now = clock.now();
      if (now >= nextInterfaceRetentionAt) {
        const deleted = await interfaces.retentionStep(RETENTION_STEP_ROWS);
        nextInterfaceRetentionAt = deleted < RETENTION_STEP_ROWS ? now + 60_000 : now;
      }
    } catch (error) {
      log.warn("store: writing interface samples failed", { error: String(error) });
    }
  }

  const rounds = createPgRounds(sql, {
    partitions,
    maxQueued,
    exclusive,
    observer: {
      stored: (tx, list) => rollups.stored(tx, list),
      committed() {
        const { rounds, minutes } = rollups.committed();
        latest.observe(rounds, minutes);
      },
      rolledBack() {
        rollups.rolledBack();
        // A partition dropped by another process's retention is made again on the next flush.
        partitions.forgetAll();
      },
    },
  });
  const history = createPgHistory(sql, {
    clock,
    retention: retentionConfig,
    routes,
    latest,
    rounds,
    ready,
    isOwn: (id) => series.isOwn(id),
  });

  let lastSizeBytes = 0;
  let nextRetentionAt = -Infinity;
  async function maintain(): Promise<void> {
    const now = clock.now();
    if (now < nextRetentionAt) return;
    try {
      const { done } = await exclusive(() => retention.step(now, RETENTION_STEP_ROWS, false));
      nextRetentionAt = done ? now + RETENTION_INTERVAL_MS : now;
    } catch (error) {
      nextRetentionAt = now + RETENTION_INTERVAL_MS;
      log.warn("store: retention step failed", { error: String(error) });
    }
  }

  const abort = new AbortController();
  const writer = (async () => {
    while (true) {
      try {
        await clock.sleep(options.flushIntervalMs ?? 1000, abort.signal);
      } catch {
        return;
      }
      try {
        await ready();
        await flushInterfaces(); // logged, never in the way of the rounds
        await flushRounds();
        await maintain();
      } catch {
        // Logged by the flush; the rounds stay queued for the next turn.
      }
    }
  })();

  async function getTarget(id: number): Promise<TargetRecord | null> {
    const [row] = await sql<TargetRow[]>`SELECT * FROM targets WHERE id = ${id}`;
    return row ? targetOf(row) : null;
  }

  /** Files pending rounds under this agent's series (made now), then writes what is queued. */
  async function flushRounds(): Promise<void> {
    const gone = new Set<number>();
    while (pending.length > 0) {
      const missing = pending.map((r) => r.targetId).filter((id) =>
        series.ownCached(id) === undefined && !gone.has(id)
      );
      if (missing.length > 0) {
        await series.ensureOwn(missing);
        for (const id of missing) if (series.ownCached(id) === undefined) gone.add(id);
        continue; // rounds that came meanwhile may need series of their own
      }
      const list = pending;
      pending = [];
      for (const round of list) {
        const id = series.ownCached(round.targetId);
        if (id !== undefined) rounds.append({ ...round, targetId: id });
      }
      const orphans = list.filter((round) => gone.has(round.targetId)).length;
      if (orphans > 0) log.warn("store: rounds of unknown targets were dropped", { orphans });
    }
    const before = rounds.counters.roundsWritten;
    await rounds.flush();
    if (rounds.counters.roundsWritten > before) await series.touch();
  }

  async function flush(): Promise<void> {
    await ready();
    await flushRounds();
    await interfaces.flush();
  }

  async function close(): Promise<void> {
    if (closed) return;
    const unsaved = () => rounds.queued + pending.length;
    try {
      abort.abort();
      await writer;
      if (unsaved() > 0 || interfaces.queued > 0) {
        await ready();
        await flushInterfaces();
        await flushRounds();
      }
    } catch (error) {
      throw new Error(`the store closed without saving ${unsaved()} queued rounds`, {
        cause: redacted(error, target),
      });
    } finally {
      closed = true;
      await sql.end({ timeout: 5 });
    }
  }

  /** Removes a target and all its data, forgetting what is cached of its series. */
  function removeTarget(id: number, seriesIds: number[]): Promise<boolean> {
    return exclusive(async () => {
      for (const seriesId of seriesIds) {
        rounds.forget(seriesId);
        rollups.forget(seriesId);
        latest.forget(seriesId);
        routes.forget(seriesId);
      }
      return await sql.begin(async (tx) => {
        // ON DELETE CASCADE removes its rounds, rollups, route and address changes.
        const removed = (await tx`DELETE FROM targets WHERE id = ${id}`).count > 0;
        await tx`SELECT pg_stat_force_next_flush()`;
        return removed;
      });
    });
  }

  const inner: Omit<Store, "agent" | "listAgents" | "agentReads"> = {
    ...createPgServerRecords(sql, clock, guard),
    ...createPgAlertStore(sql, clock, guard),
    ...createPgOutageStore(sql, guard),
    ...history.queries,
    ...interfaces.store,
    roundPage: guard(async (targetId, query) => {
      const start = query.start ?? Number.MIN_SAFE_INTEGER;
      const end = query.end ?? Number.MAX_SAFE_INTEGER;
      const afterTs = query.after?.startedAt ?? Number.MIN_SAFE_INTEGER;
      const afterSeq = query.after?.seq ?? Number.MIN_SAFE_INTEGER;
      const limit = Math.max(1, Math.min(100_000, Math.floor(query.limit)));
      const rows = await sql<{ ts: number; seq: number; path_id: number; data: Uint8Array }[]>`
        SELECT ts, seq, path_id, data FROM samples WHERE target_id = ${targetId}
        AND ts >= ${start} AND ts < ${end}
        AND (ts, seq) > (${afterTs}::float8, ${afterSeq}::float8)
        ORDER BY ts, seq LIMIT ${limit}`;
      return await rounds.toRounds(targetId, rows);
    }),
    addTarget: guard(async (input) => {
      const row = {
        ...targetColumns({
          host: input.host,
          label: input.label ?? null,
          options: input.options,
          paused: input.paused ?? false,
        }),
        created_at: clock.now(),
      };
      const [stored] = await sql<TargetRow[]>`INSERT INTO targets ${sql(row)} RETURNING *`;
      return targetOf(stored);
    }),
    getTarget: guard(getTarget),
    listTargets: guard(async () =>
      (await sql<TargetRow[]>`SELECT * FROM targets ORDER BY id`).map(targetOf)
    ),
    listTargetHeads: guard(async () =>
      (await sql<TargetRow[]>`
        SELECT id, host, label, paused, created_at FROM targets ORDER BY id`).map((row) => ({
        id: row.id,
        host: row.host,
        label: row.label,
        paused: row.paused,
        createdAt: row.created_at,
      }))
    ),
    updateTarget: guard(async (id, patch) => {
      const current = await getTarget(id);
      if (!current) return null;
      const next = { ...current };
      if (patch.label !== undefined) next.label = patch.label;
      if (patch.options !== undefined) next.options = patch.options;
      if (patch.paused !== undefined) next.paused = patch.paused;
      const [row] = await sql<TargetRow[]>`UPDATE targets SET ${sql(targetColumns(next))}
        WHERE id = ${id} RETURNING *`;
      return row ? targetOf(row) : null;
    }),
    removeTarget: guard((id) => removeTarget(id, [id])),
    appendRound(round) {
      if (closed) throw new Error("the store is closed");
      rounds.append(round);
    },
    flush,
    rounds: guard((targetId, query) => rounds.read(targetId, query)),
    recordRouteChange: guard((change) =>
      exclusive(async (): Promise<StoredRouteChange> => {
        const { targetId, at, before, after } = change;
        const [row] = await sql<{ id: number }[]>`INSERT INTO route_changes
          (target_id, at, before, after)
          VALUES (${targetId}, ${at}, ${JSON.stringify(before)}, ${JSON.stringify(after)})
          RETURNING id`;
        routes.added(targetId, { id: row.id, at });
        try {
          await rollups.rebuildFrom(targetId, at);
        } catch (error) {
          log.warn("store: could not re-file rounds after a route change", {
            error: String(error),
          });
        }
        latest.forget(targetId);
        return { id: row.id, targetId, at, before, after };
      })
    ),
    routeChanges: guard(async (targetId, query = {}) => {
      const start = query.start ?? Number.MIN_SAFE_INTEGER;
      const end = query.end ?? Number.MAX_SAFE_INTEGER;
      const rows = await sql<{ id: number; at: number; before: string; after: string }[]>`
        SELECT id, at, before, after FROM route_changes WHERE target_id = ${targetId}
        AND at >= ${start} AND at < ${end} ORDER BY at, id`;
      return rows.map((row) => ({
        id: row.id,
        targetId,
        at: row.at,
        before: JSON.parse(row.before),
        after: JSON.parse(row.after),
      }));
    }),
    lastRoute: guard(async (targetId) => {
      const [row] = await sql<{ after: string }[]>`SELECT after FROM route_changes
        WHERE target_id = ${targetId} ORDER BY at DESC, id DESC LIMIT 1`;
      return row ? JSON.parse(row.after) as RoutePath : null;
    }),
    recordAddressChange: guard(async (change) => {
      const { targetId, at, host, before, after } = change;
      await sql`INSERT INTO address_changes (target_id, at, host, before, after)
        VALUES (${targetId}, ${at}, ${host}, ${before}, ${after})`;
    }),
    addressChanges: guard(async (targetId) => {
      const rows = await sql<Omit<AddressChange, "targetId">[]>`SELECT at, host, before, after
        FROM address_changes WHERE target_id = ${targetId} ORDER BY at, id`;
      return rows.map((row) => ({
        targetId,
        at: row.at,
        host: row.host,
        before: row.before,
        after: row.after,
      }));
    }),
    putDnsName: guard(async (entry) => {
      await sql`INSERT INTO dns_names (ip, name, resolved_at)
        VALUES (${entry.ip}, ${entry.name}, ${entry.resolvedAt})
        ON CONFLICT (ip) DO UPDATE SET name = excluded.name, resolved_at = excluded.resolved_at`;
    }),
    dnsNames: guard(async (ips) => {
      const rows = await sql<{ ip: string; name: string | null; resolved_at: number }[]>`
        SELECT ip, name, resolved_at FROM dns_names WHERE ip = ANY(${[...new Set(ips)]}::text[])`;
      return new Map(rows.map((row) => [row.ip, {
        ip: row.ip,
        name: row.name,
        resolvedAt: row.resolved_at,
      }]));
    }),
    enforceRetention: guard(async (options = {}) => {
      const maxRows = options.maxRows ?? RETENTION_STEP_ROWS;
      const step = await exclusive(() => retention.step(clock.now(), maxRows, true));
      const budget = Math.max(1, maxRows - step.deletedRows);
      const deleted = await interfaces.retentionStep(budget);
      return { deletedRows: step.deletedRows + deleted, done: step.done && deleted < budget };
    }),
    storageSpace: guard(async () => {
      await rounds.flush();
      return await maintenance.storageSpace();
    }),
    storeStats: guard(async () => {
      const { flushes, failedFlushes, flushMsTotal, lastFlushMs, roundsWritten, droppedRounds } =
        rounds.counters;
      return {
        queuedRounds: rounds.queued,
        flushes,
        failedFlushes: failedFlushes + interfaces.failures,
        flushMsTotal,
        lastFlushMs,
        roundsWritten,
        droppedRounds,
        // While the server is away the last size read is reported (stats stay readable).
        sizeBytes: lastSizeBytes = await maintenance.sizeBytes().catch(() => lastSizeBytes),
      };
    }),
    vacuum: guard(async () => {
      await rounds.flush();
      return await maintenance.vacuum();
    }),
    checkIntegrity: guard(() => maintenance.checkIntegrity()),
    close,
  };
  return withAgents(inner);

  /** The ports by target over `inner`'s by series (agent_reads.ts): the store's edge. */
  function withAgents(inner: Omit<Store, "agent" | "listAgents" | "agentReads">): Store {
    const readDeps = {
      series,
      exportSeries: history.exportSeries,
      ready,
      // Another agent's route changes are never seen written here: read them afresh.
      refresh: async (id: number) => {
        if (id > 0 && !series.isOwn(id)) await routes.reload(id);
      },
    };
    const reads = agentReads(inner, readDeps);
    async function ownSeries(targetId: number): Promise<number> {
      await ready();
      await series.ensureOwn([targetId]);
      return series.ownCached(targetId) ?? -targetId;
    }
    return {
      ...inner,
      ...reads,
      agent,
      listAgents: guard(() => series.list()),
      agentReads: guard(async (name) =>
        await series.knows(name) ? agentReads(inner, readDeps, name) : null
      ),
      appendRound(round) {
        if (closed) throw new Error("the store is closed");
        const id = pending.length === 0 ? series.ownCached(round.targetId) : undefined;
        if (id !== undefined) return rounds.append({ ...round, targetId: id });
        rounds.check(round);
        if (pending.length >= maxQueued) {
          pending.shift();
          pendingDropped++;
        }
        pending.push(round);
      },
      summary: guard(async (query = {}) =>
        query.agent !== undefined && !await series.knows(query.agent)
          ? []
          : await inner.summary(query)
      ),
      recordRouteChange: async (change) => ({
        ...await inner.recordRouteChange({
          ...change,
          targetId: await ownSeries(change.targetId),
        }),
        targetId: change.targetId,
      }),
      recordAddressChange: async (change) =>
        inner.recordAddressChange({ ...change, targetId: await ownSeries(change.targetId) }),
      lastRoute: guard(async (targetId) => {
        const id = series.ownCached(targetId) ?? await series.readSeries(targetId, agent);
        return id === null ? null : await inner.lastRoute(id);
      }),
      removeTarget: guard(async (targetId) => {
        const ids = [...await series.seriesOf(targetId), -targetId];
        series.forget(targetId);
        return await removeTarget(targetId, ids);
      }),
      storageSpace: guard(async () => {
        await flushRounds();
        return await inner.storageSpace();
      }),
      vacuum: guard(async () => {
        await flushRounds();
        return await inner.vacuum();
      }),
      storeStats: async () => {
        const stats = await inner.storeStats();
        return {
          ...stats,
          queuedRounds: stats.queuedRounds + pending.length,
          droppedRounds: stats.droppedRounds + pendingDropped,
        };
      },
    };
  }
}
