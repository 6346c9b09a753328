// The SQLite schema as ordered lists of migrations. The core list (below) is tracked by
// `PRAGMA user_version`; each further component (history rollups, server data, alerts) keeps its
// own list in its own file, tracked in the schema_versions table, so components evolve apart.
// Each migration runs in its own transaction, so a crash leaves either the old version or the
// new one. Never edit a migration that has shipped: append a new one.
import { DatabaseSync } from "node:sqlite";
import { COMPONENT_MIGRATIONS } from "./schema_components.ts";

/**
 * One schema step: SQL, or a function for a step SQL cannot say on its own (filling a new column
 * from what older rows hold). Either runs inside the step's transaction.
 */
export type Migration = string | ((db: DatabaseSync) => void);

/** A component's own ordered migrations, tracked by name in schema_versions. */
export interface MigrationSet {
  name: string;
  migrations: readonly Migration[];
}

export const MIGRATIONS: readonly string[] = [
  // 1: targets, interned paths, one row per round, route/address changes, DNS names.
  `
  CREATE TABLE targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: late rounds of a removed target stay out
    host TEXT NOT NULL,
    label TEXT,
    protocol TEXT NOT NULL CHECK (protocol IN ('icmp', 'udp', 'tcp')),
    packet_size_bytes INTEGER NOT NULL,
    timeout_ms REAL NOT NULL,
    max_hops INTEGER NOT NULL,
    inter_packet_delay_ms REAL NOT NULL,
    interval_ms REAL NOT NULL,
    final_hop_only INTEGER NOT NULL,
    port INTEGER NOT NULL,
    ip_version INTEGER CHECK (ip_version IN (4, 6)),
    paused INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );

  -- One row per distinct (probed address, per-hop responding ip list): samples point here
  -- instead of repeating addresses. hops is a JSON array of ip strings or null (silent hop).
  CREATE TABLE paths (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    hops TEXT NOT NULL,
    UNIQUE (address, hops)
  );

  -- One row per round. seq is in the key so two rounds sharing a startedAt both stay.
  -- data is the codec blob (store/codec.ts): per-hop kind and RTT, flags, rare codes.
  CREATE TABLE samples (
    target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    ts INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    path_id INTEGER NOT NULL REFERENCES paths (id),
    data BLOB NOT NULL,
    PRIMARY KEY (target_id, ts, seq)
  ) WITHOUT ROWID;

  -- before/after are RoutePath JSON (per TTL, the addresses seen there).
  CREATE TABLE route_changes (
    id INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
  );
  CREATE INDEX route_changes_by_target ON route_changes (target_id, at);

  CREATE TABLE address_changes (
    id INTEGER PRIMARY KEY,
    target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    host TEXT NOT NULL,
    before TEXT,
    after TEXT NOT NULL
  );
  CREATE INDEX address_changes_by_target ON address_changes (target_id, at);

  -- name NULL = looked up, no PTR record.
  CREATE TABLE dns_names (
    ip TEXT PRIMARY KEY,
    name TEXT,
    resolved_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: the target's UDP flow (engine/flow.ts); NULL on older rows = the protocol's default.
  `ALTER TABLE targets ADD COLUMN flow_id INTEGER;`,
  // 3: a flush writes its rounds to samples_recent, in arrival order (a few pages a flush), and
  // every 30 s they move to samples_main, kept in (target, time) order, in one sorted pass
  // (store/sqlite/recent.ts). Written straight into the ordered table, a flush changed one page
  // per target it had rounds of. The view `samples` is both: every read goes through it.
  `
  ALTER TABLE samples RENAME TO samples_main;

  CREATE TABLE samples_recent (
    target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    ts INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    path_id INTEGER NOT NULL REFERENCES paths (id),
    data BLOB NOT NULL,
    UNIQUE (target_id, ts, seq)
  );

  CREATE VIEW samples AS
    SELECT target_id, ts, seq, path_id, data FROM samples_main
    UNION ALL
    SELECT target_id, ts, seq, path_id, data FROM samples_recent;
  `,
];

/**
 * Opens a database and brings its schema up to date. WAL + synchronous=NORMAL: a commit survives
 * the process being killed (only a power cut can lose the last commits), readers never block
 * the writer, and a crash never corrupts the file.
 */
export function openDatabase(path: string, options: { busyTimeoutMs?: number } = {}): DatabaseSync {
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // Takes effect only in a new, empty database (an existing one keeps its mode until a VACUUM):
    // lets maintenance.ts return free space without VACUUM, which needs all permissions in Deno.
    db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies the migrations the database has not seen yet. Returns the resulting core version. */
export function migrate(db: DatabaseSync): number {
  const version = migrateCore(db);
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)",
  );
  for (const set of COMPONENT_MIGRATIONS) migrateComponent(db, set);
  return version;
}

function migrateComponent(db: DatabaseSync, set: MigrationSet): void {
  const read = db.prepare("SELECT version FROM schema_versions WHERE component = ?");
  const save = db.prepare(
    "INSERT INTO schema_versions (component, version) VALUES (?, ?) " +
      "ON CONFLICT (component) DO UPDATE SET version = excluded.version",
  );
  applySteps(
    db,
    () => (read.get(set.name) as { version: number } | undefined)?.version ?? 0,
    set.migrations.length,
    `the database's ${set.name} schema`,
    (version) => {
      const step = set.migrations[version - 1];
      if (typeof step === "string") db.exec(step);
      else step(db);
      save.run(set.name, version);
    },
  );
}

function migrateCore(db: DatabaseSync): number {
  applySteps(db, () => userVersion(db), MIGRATIONS.length, "the database schema", (version) => {
    db.exec(MIGRATIONS[version - 1]);
    db.exec(`PRAGMA user_version = ${version}`);
  });
  return MIGRATIONS.length;
}

/**
 * Applies steps `current + 1 .. known`, each in its own transaction. The version is read again
 * once the transaction holds the write lock: another process opening the same database at the
 * same moment may have applied the step since the first read, and then it is skipped.
 */
function applySteps(
  db: DatabaseSync,
  current: () => number,
  known: number,
  what: string,
  apply: (version: number) => void,
): void {
  const newer = (found: number) => {
    if (found <= known) return;
    throw new Error(
      `${what} is version ${found}, newer than this program knows (${known}); upgrade PingWatcher`,
    );
  };
  const first = current();
  newer(first);
  for (let version = first + 1; version <= known; version++) {
    inTransaction(db, () => {
      const now = current();
      newer(now);
      if (now < version) apply(version);
    });
  }
}

export function userVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}

/**
 * Runs `work` inside BEGIN IMMEDIATE ... COMMIT (the write lock is taken up front, so a busy
 * database fails at BEGIN rather than halfway), rolling back if anything throws.
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); keep the cause.
    }
    throw error;
  }
}
