// The InterfaceStore on SQLite. Samples are queued and written by the writer loop's flush, each
// one into the raw table and (by upsert) into its 1-minute and 1-hour buckets: sums add up, peaks
// keep the maximum. Reads pick the finest tier that still covers the start of the range; history
// merges consecutive rows down to maxPoints. Retention trims each tier in bounded steps.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { type Clock, COUNTER_NAMES } from "../../engine/ground.ts";
import type {
  InterfaceHistory,
  InterfaceHistoryQuery,
  InterfacePoint,
  InterfaceResolution,
  InterfaceSampleRecord,
  InterfaceStore,
  InterfaceSummaryRecord,
} from "../interface_types.ts";
import { cutoffOf, type ResolvedRetention } from "../retention_policy.ts";
import { TIER_MS } from "../rollup_math.ts";
import { inTransaction } from "./schema.ts";
import {
  COLUMNS,
  countersOf,
  DEFAULT_MAX_POINTS,
  figuresOf,
  type Row,
  TABLE,
  TIME,
} from "../interface_rows.ts";

type Run = <T>(work: () => T) => Promise<T>;

export function createSqliteInterfaceStore(
  db: DatabaseSync,
  deps: { clock: Clock; run: Run; retention: ResolvedRetention; assertOpen: () => void },
) {
  const { clock, run, retention } = deps;
  const list = COLUMNS.join(", ");
  const upsert = (table: string) =>
    db.prepare(
      `INSERT INTO ${table} (iface_id, bucket, samples, elapsed_ms, ${list}, rx_peak, tx_peak) ` +
        `VALUES (?, ?, 1, ?, ${COLUMNS.map(() => "?").join(", ")}, ?, ?) ` +
        "ON CONFLICT (iface_id, bucket) DO UPDATE SET samples = samples + 1, " +
        "elapsed_ms = elapsed_ms + excluded.elapsed_ms, " +
        COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ") +
        ", rx_peak = max(rx_peak, excluded.rx_peak), tx_peak = max(tx_peak, excluded.tx_peak)",
    );
  const sql = {
    ifaceId: db.prepare("SELECT id FROM interfaces WHERE name = ?"),
    addIface: db.prepare("INSERT INTO interfaces (name) VALUES (?)"),
    names: db.prepare(
      "SELECT name FROM interfaces i WHERE EXISTS (SELECT 1 FROM if_rollup_1h r WHERE " +
        "r.iface_id = i.id) OR EXISTS (SELECT 1 FROM if_samples s WHERE s.iface_id = i.id) " +
        "ORDER BY name",
    ),
    raw: db.prepare(
      `INSERT OR REPLACE INTO if_samples (iface_id, ts, elapsed_ms, ${list}) ` +
        `VALUES (?, ?, ?, ${COLUMNS.map(() => "?").join(", ")})`,
    ),
    minute: upsert("if_rollup_1m"),
    hour: upsert("if_rollup_1h"),
    getSettings: db.prepare("SELECT spec FROM if_settings WHERE id = 1"),
    putSettings: db.prepare(
      "INSERT INTO if_settings (id, spec, updated_at) VALUES (1, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at",
    ),
  };
  const reads = Object.fromEntries((["raw", "1m", "1h"] as InterfaceResolution[]).map((tier) => [
    tier,
    db.prepare(
      `SELECT ${TIME[tier]} AS t, * FROM ${TABLE[tier]} WHERE iface_id = ? AND ${
        TIME[tier]
      } >= ? ` +
        `AND ${TIME[tier]} < ? ORDER BY ${TIME[tier]}`,
    ),
  ])) as Record<InterfaceResolution, StatementSync>;
  const sums = Object.fromEntries((["raw", "1m", "1h"] as InterfaceResolution[]).map((tier) => [
    tier,
    db.prepare(
      `SELECT i.name, r.* FROM ${TABLE[tier]} r JOIN interfaces i ON i.id = r.iface_id ` +
        `WHERE r.${TIME[tier]} >= ? AND r.${TIME[tier]} < ? ORDER BY i.name, r.${TIME[tier]}`,
    ),
  ])) as Record<InterfaceResolution, StatementSync>;
  const trims = Object.fromEntries((["raw", "1m", "1h"] as InterfaceResolution[]).map((tier) => [
    tier,
    // SQLite is built without DELETE ... LIMIT: the keys of a bounded batch are chosen first.
    db.prepare(
      `DELETE FROM ${TABLE[tier]} WHERE (iface_id, ${TIME[tier]}) IN (SELECT iface_id, ` +
        `${TIME[tier]} FROM ${TABLE[tier]} WHERE ${TIME[tier]} < ? LIMIT ?)`,
    ),
  ]));
  const ids = new Map<string, number>();
  let queue: InterfaceSampleRecord[] = [];

  function idOf(name: string, create: boolean): number | null {
    const known = ids.get(name);
    if (known !== undefined) return known;
    const row = sql.ifaceId.get(name) as { id: number } | undefined;
    if (!row && !create) return null;
    const id = row ? row.id : Number(sql.addIface.run(name).lastInsertRowid);
    ids.set(name, id);
    return id;
  }

  function write(sample: InterfaceSampleRecord): void {
    const id = idOf(sample.name, true)!;
    const values = COUNTER_NAMES.map((key) => sample.deltas[key]);
    const perS = (n: number) => sample.elapsedMs > 0 ? n * 1000 / sample.elapsedMs : 0;
    const peaks = [perS(sample.deltas.rxBytes), perS(sample.deltas.txBytes)];
    sql.raw.run(id, sample.at, sample.elapsedMs, ...values);
    for (const [tier, statement] of [["1m", sql.minute], ["1h", sql.hour]] as const) {
      const bucket = Math.floor(sample.at / TIER_MS[tier]) * TIER_MS[tier];
      statement.run(id, bucket, sample.elapsedMs, ...values, ...peaks);
    }
  }

  /** Writes the queued samples in one transaction; on failure they stay queued. */
  function flush(): void {
    if (queue.length === 0) return;
    const batch = queue;
    inTransaction(db, () => batch.forEach(write));
    queue = queue.slice(batch.length);
  }

  /** The finest tier whose retention still covers `start` and whose rows fit `step`. */
  function tierFor(start: number, stepMs: number): InterfaceResolution {
    const now = clock.now();
    if (start >= cutoffOf("raw", retention, now) && stepMs < TIER_MS["1m"]) return "raw";
    if (start >= cutoffOf("1m", retention, now) - TIER_MS["1m"] && stepMs < TIER_MS["1h"]) {
      return "1m";
    }
    return "1h";
  }

  function history(name: string, query: InterfaceHistoryQuery): InterfaceHistory {
    const maxPoints = query.maxPoints ?? DEFAULT_MAX_POINTS;
    const span = Math.max(1, query.end - query.start);
    const step = Math.ceil(span / maxPoints);
    const resolution = tierFor(query.start, step);
    const id = idOf(name, false);
    if (id === null) return { name, resolution, points: [] };
    const from = resolution === "raw"
      ? query.start
      : Math.floor(query.start / TIER_MS[resolution]) * TIER_MS[resolution];
    const rows = reads[resolution].all(id, from, query.end) as Row[];
    const size = resolution === "raw" ? 0 : TIER_MS[resolution];
    const groups = new Map<number, Row[]>();
    for (const row of rows) {
      const key = rows.length <= maxPoints
        ? row.t
        : from + Math.floor((row.t - from) / step) * step;
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    const points: InterfacePoint[] = [...groups].map(([at, group]) => ({
      at,
      spanMs: rows.length <= maxPoints ? (size || group[0].elapsed_ms) : step,
      ...figuresOf(group, resolution === "raw"),
    }));
    return { name, resolution, points };
  }

  function summary(query: { start: number; end: number }): InterfaceSummaryRecord[] {
    const resolution = tierFor(query.start, 0);
    const from = resolution === "raw"
      ? query.start
      : Math.floor(query.start / TIER_MS[resolution]) * TIER_MS[resolution];
    const byName = new Map<string, Row[]>();
    for (const row of sums[resolution].all(from, query.end) as Row[]) {
      const name = String(row.name);
      const group = byName.get(name);
      if (group) group.push(row);
      else byName.set(name, [row]);
    }
    return [...byName].map(([name, rows]) => ({
      name,
      resolution,
      ...figuresOf(rows, resolution === "raw"),
    }));
  }

  function samples(
    query: { name: string | null; start: number; end: number; limit?: number },
  ): InterfaceSampleRecord[] {
    const limit = query.limit ?? 1_000_000;
    let rows: Row[];
    let name = (row: Row) => String(row.name);
    if (query.name === null) {
      rows = sums.raw.all(query.start, query.end) as Row[];
    } else {
      const id = idOf(query.name, false);
      rows = id === null ? [] : reads.raw.all(id, query.start, query.end) as Row[];
      name = () => query.name!;
    }
    return rows.slice(0, limit).map((row) => ({
      name: name(row),
      at: row.ts,
      elapsedMs: row.elapsed_ms,
      deltas: countersOf(row),
    }));
  }

  /** One bounded retention step over the three tiers; the number of rows deleted. */
  function retentionStep(maxRows: number): number {
    const now = clock.now();
    const plan: [InterfaceResolution, number][] = [
      ["raw", cutoffOf("raw", retention, now)],
      ["1m", cutoffOf("1m", retention, now) - TIER_MS["1m"] + 1],
      ["1h", cutoffOf("1h", retention, now) - TIER_MS["1h"] + 1],
    ];
    let deleted = 0;
    for (const [tier, before] of plan) {
      if (deleted >= maxRows) break;
      deleted += Number(trims[tier].run(before, maxRows - deleted).changes);
    }
    return deleted;
  }

  const store: InterfaceStore = {
    appendInterfaceSamples(batch) {
      deps.assertOpen();
      queue.push(...batch.map((s) => ({ ...s, deltas: { ...s.deltas } })));
    },
    interfaceNames: () =>
      run(() => (flush(), (sql.names.all() as { name: string }[]).map((r) => r.name))),
    interfaceHistory: (name, query) => run(() => (flush(), history(name, query))),
    interfaceSummary: (query) => run(() => (flush(), summary(query))),
    interfaceSamples: (query) => run(() => (flush(), samples(query))),
    interfaceSettings: () =>
      run(() => {
        const row = sql.getSettings.get() as { spec: string } | undefined;
        return row ? JSON.parse(row.spec) : null;
      }),
    putInterfaceSettings: (settings) =>
      run(() => {
        sql.putSettings.run(JSON.stringify(settings), clock.now());
      }),
  };
  return {
    store,
    flush,
    retentionStep,
    get queued() {
      return queue.length;
    },
  };
}
