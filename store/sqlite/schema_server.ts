// Server tables: named configurations, sessions, users and tokens. See store/schema.ts.
import type { MigrationSet } from "./schema.ts";

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
  ],
};
