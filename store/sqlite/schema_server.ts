// Server tables: named configurations, sessions, users and tokens. See store/schema.ts.
import type { DatabaseSync } from "node:sqlite";
import type { TargetOptionsInput } from "../../engine/ground.ts";
import { fieldsDifferingFrom } from "../explicit_fields.ts";
import type { MigrationSet } from "./schema.ts";
import { targetOf, type TargetRow } from "./target_row.ts";

export const SERVER_MIGRATIONS: MigrationSet = {
  name: "server",
  migrations: [
    // 1: configurations, sessions, per-target metadata, credentials.
    `
    CREATE TABLE configurations (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE,
      options TEXT NOT NULL, -- JSON TargetOptionsInput (engine units: ms, bytes)
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );

    CREATE TABLE sessions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      start_ms INTEGER NOT NULL,
      end_ms INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX sessions_by_target ON sessions (target_id, start_ms);

    -- A separate table rather than columns on targets: the core schema stays the engine's.
    CREATE TABLE target_meta (
      target_id INTEGER PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
      configuration TEXT,
      replay INTEGER NOT NULL DEFAULT 0
    );

    -- One row at most: the server password as an scrypt hash string.
    CREATE TABLE server_password (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      hash TEXT NOT NULL
    );

    CREATE TABLE api_tokens (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      last_used_at INTEGER
    );
    `,
    // 2: the option fields each target set itself (JSON TargetOptionsInput), see addExplicit.
    addExplicit,
    // 3: targets declared in the config file, and their groups (JSON array of names).
    `
    ALTER TABLE target_meta ADD COLUMN declared INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE target_meta ADD COLUMN groups TEXT NOT NULL DEFAULT '[]';
    `,
    // 4: the agents that probe each target (JSON array of names; NULL = every agent), and the
    // agents that wrote rounds here (one per SQLite file in practice: it has one writer).
    `
    ALTER TABLE target_meta ADD COLUMN agents TEXT;
    CREATE TABLE agents (
      name TEXT PRIMARY KEY,
      first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL
    ) WITHOUT ROWID;
    `,
    // 5: a count every change to a target or its metadata raises, by whoever writes the file
    // (targetsVersion): an agent's periodic sync reads it instead of every target.
    `
    CREATE TABLE targets_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
    INSERT INTO targets_version VALUES (1, 0);
    ${versionTriggers()}
    `,
  ],
};

/** One trigger per change to targets and target_meta (SQLite has no statement-level triggers). */
function versionTriggers(): string {
  return ["targets", "target_meta"].flatMap((table) =>
    ["INSERT", "UPDATE", "DELETE"].map((change) =>
      `CREATE TRIGGER ${table}_${change.toLowerCase()}_version AFTER ${change} ON ${table} ` +
      "BEGIN UPDATE targets_version SET n = n + 1; END;"
    )
  ).join("\n");
}

/**
 * Adds target_meta.explicit. Older rows kept only resolved options, so their own fields are read
 * back once, here: those differing from what the target's configuration (or, without one, the
 * defaults) gives. Targets without a meta row get one, so every target has its fields recorded.
 */
function addExplicit(db: DatabaseSync): void {
  db.exec(`
    ALTER TABLE target_meta ADD COLUMN explicit TEXT NOT NULL DEFAULT '{}';
    INSERT INTO target_meta (target_id)
      SELECT id FROM targets WHERE id NOT IN (SELECT target_id FROM target_meta);
  `);
  const rows = db.prepare(
    "SELECT t.*, c.options AS preset FROM target_meta m JOIN targets t ON t.id = m.target_id " +
      "LEFT JOIN configurations c ON c.name = m.configuration",
  ).all() as unknown as (TargetRow & { preset: string | null })[];
  const save = db.prepare("UPDATE target_meta SET explicit = ? WHERE target_id = ?");
  for (const row of rows) {
    const preset = row.preset === null ? {} : JSON.parse(row.preset) as TargetOptionsInput;
    save.run(JSON.stringify(fieldsDifferingFrom(targetOf(row).options, preset)), row.id);
  }
}
