// SQLite implementation of ServerStore (store/server_types.ts). Everything here is rare and small,
// so it is written at once rather than queued like rounds.
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Clock, TargetOptionsInput } from "../../engine/ground.ts";
import {
  type ApiTokenRecord,
  type ConfigurationRecord,
  NameTakenError,
  type ServerStore,
  type SessionRecord,
  type TargetMeta,
} from "../server_types.ts";
import { createRoundPager } from "./server_rounds.ts";
import { fieldsDifferingFrom } from "../explicit_fields.ts";
import { inTransaction } from "./schema.ts";
import { targetOf, type TargetRow } from "./target_row.ts";

/** Runs synchronous work as a Promise (and refuses once the store is closed). */
export type Runner = <T>(work: () => T) => Promise<T>;

interface ConfigurationRow {
  id: number;
  name: string;
  options: string;
  created_at: number;
  updated_at: number;
}

interface SessionRow {
  id: number;
  target_id: number;
  name: string;
  start_ms: number;
  end_ms: number;
  created_at: number;
}

interface TokenRow {
  id: number;
  name: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
}

function prepare(db: DatabaseSync) {
  return {
    insertConfig: db.prepare(
      "INSERT INTO configurations (name, options, created_at, updated_at) VALUES (?, ?, ?, ?)",
    ),
    getConfig: db.prepare("SELECT * FROM configurations WHERE id = ?"),
    configByName: db.prepare("SELECT * FROM configurations WHERE name = ?"),
    listConfigs: db.prepare("SELECT * FROM configurations ORDER BY name"),
    updateConfig: db.prepare(
      "UPDATE configurations SET name = ?, options = ?, updated_at = ? WHERE id = ?",
    ),
    renameConfigLinks: db.prepare(
      "UPDATE target_meta SET configuration = ? WHERE configuration = ?",
    ),
    deleteConfig: db.prepare("DELETE FROM configurations WHERE id = ?"),
    insertSession: db.prepare(
      "INSERT INTO sessions (target_id, name, start_ms, end_ms, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    getSession: db.prepare("SELECT * FROM sessions WHERE id = ?"),
    listSessions: db.prepare("SELECT * FROM sessions WHERE target_id = ? ORDER BY start_ms, id"),
    updateSession: db.prepare(
      "UPDATE sessions SET name = ?, start_ms = ?, end_ms = ? WHERE id = ?",
    ),
    deleteSession: db.prepare("DELETE FROM sessions WHERE id = ?"),
    getMeta: db.prepare("SELECT * FROM target_meta WHERE target_id = ?"),
    allMeta: db.prepare("SELECT * FROM target_meta"),
    targetsVersion: db.prepare("SELECT n FROM targets_version"),
    replayIds: db.prepare("SELECT target_id FROM target_meta WHERE replay = 1 ORDER BY target_id"),
    putMeta: db.prepare(
      "INSERT INTO target_meta " +
        "(target_id, configuration, replay, explicit, declared, groups, agents) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (target_id) DO UPDATE SET configuration = excluded.configuration, " +
        "replay = excluded.replay, explicit = excluded.explicit, declared = excluded.declared, " +
        "groups = excluded.groups, agents = excluded.agents",
    ),
    followers: db.prepare(
      "SELECT t.*, m.explicit FROM target_meta m JOIN targets t ON t.id = m.target_id " +
        "WHERE m.configuration = ?",
    ),
    unlink: db.prepare(
      "UPDATE target_meta SET configuration = NULL, explicit = ? WHERE target_id = ?",
    ),
    getPassword: db.prepare("SELECT hash FROM server_password WHERE id = 1"),
    putPassword: db.prepare(
      "INSERT INTO server_password (id, hash) VALUES (1, ?) " +
        "ON CONFLICT (id) DO UPDATE SET hash = excluded.hash",
    ),
    deletePassword: db.prepare("DELETE FROM server_password"),
    insertToken: db.prepare(
      "INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?, ?, ?)",
    ),
    getToken: db.prepare("SELECT * FROM api_tokens WHERE id = ?"),
    tokenByHash: db.prepare("SELECT * FROM api_tokens WHERE token_hash = ?"),
    listTokens: db.prepare("SELECT * FROM api_tokens ORDER BY id"),
    touchToken: db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"),
    deleteToken: db.prepare("DELETE FROM api_tokens WHERE id = ?"),
  };
}

function configOf(row: ConfigurationRow): ConfigurationRecord {
  return {
    id: row.id,
    name: row.name,
    options: JSON.parse(row.options) as TargetOptionsInput,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function sessionOf(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    targetId: row.target_id,
    name: row.name,
    start: row.start_ms,
    end: row.end_ms,
    createdAt: row.created_at,
  };
}

function tokenOf(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

function metaOf(row: MetaRow): TargetMeta {
  return {
    targetId: row.target_id,
    configuration: row.configuration,
    replay: row.replay === 1,
    explicit: JSON.parse(row.explicit) as TargetOptionsInput,
    declared: row.declared === 1,
    groups: JSON.parse(row.groups) as string[],
    agents: row.agents === null ? null : JSON.parse(row.agents) as string[],
  };
}

/** Turns SQLite's UNIQUE failure on a name into NameTakenError. */
function uniqueName<T>(entity: string, name: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (String(error).includes("UNIQUE")) throw new NameTakenError(entity, name);
    throw error;
  }
}

interface MetaRow {
  target_id: number;
  configuration: string | null;
  replay: number;
  explicit: string;
  declared: number;
  groups: string;
  agents: string | null;
}

export function createServerStore(db: DatabaseSync, clock: Clock, run: Runner): ServerStore {
  const sql = prepare(db);
  const pager = createRoundPager(db);
  const one = <T>(statement: { get(...a: SQLInputValue[]): unknown }, ...args: SQLInputValue[]) =>
    (statement.get(...args) as T | undefined) ?? null;
  const all = <T>(statement: { all(...a: SQLInputValue[]): unknown }, ...args: SQLInputValue[]) =>
    statement.all(...args) as T[];
  const getConfig = (id: number) => {
    const row = one<ConfigurationRow>(sql.getConfig, id);
    return row ? configOf(row) : null;
  };
  const getSession = (id: number) => {
    const row = one<SessionRow>(sql.getSession, id);
    return row ? sessionOf(row) : null;
  };

  function updateConfiguration(id: number, patch: { name?: string; options?: TargetOptionsInput }) {
    const current = getConfig(id);
    if (!current) return null;
    const name = patch.name ?? current.name;
    const options = patch.options ?? current.options;
    uniqueName("configuration", name, () => {
      db.exec("SAVEPOINT config_update");
      try {
        sql.updateConfig.run(name, JSON.stringify(options), clock.now(), id);
        if (name !== current.name) sql.renameConfigLinks.run(name, current.name);
        db.exec("RELEASE config_update");
      } catch (error) {
        db.exec("ROLLBACK TO config_update");
        db.exec("RELEASE config_update");
        throw error;
      }
    });
    return getConfig(id);
  }

  return {
    addConfiguration: ({ name, options }) =>
      run(() => {
        const now = clock.now();
        const result = uniqueName(
          "configuration",
          name,
          () => sql.insertConfig.run(name, JSON.stringify(options), now, now),
        );
        return getConfig(Number(result.lastInsertRowid))!;
      }),
    getConfiguration: (id) => run(() => getConfig(id)),
    configurationByName: (name) =>
      run(() => {
        const row = one<ConfigurationRow>(sql.configByName, name);
        return row ? configOf(row) : null;
      }),
    listConfigurations: () => run(() => all<ConfigurationRow>(sql.listConfigs).map(configOf)),
    updateConfiguration: (id, patch) => run(() => updateConfiguration(id, patch)),
    removeConfiguration: (id) =>
      run(() =>
        inTransaction(db, () => {
          const current = getConfig(id);
          if (!current) return false;
          // Keeps each follower's options: what it took from the preset becomes its own.
          for (const row of all<TargetRow & { explicit: string }>(sql.followers, current.name)) {
            const own = JSON.parse(row.explicit) as TargetOptionsInput;
            const explicit = { ...fieldsDifferingFrom(targetOf(row).options), ...own };
            sql.unlink.run(JSON.stringify(explicit), row.id);
          }
          return sql.deleteConfig.run(id).changes > 0;
        })
      ),
    addSession: (input) =>
      run(() => {
        const { targetId, name, start, end } = input;
        const result = sql.insertSession.run(targetId, name, start, end, clock.now());
        return getSession(Number(result.lastInsertRowid))!;
      }),
    getSession: (id) => run(() => getSession(id)),
    listSessions: (targetId) =>
      run(() => all<SessionRow>(sql.listSessions, targetId).map(sessionOf)),
    updateSession: (id, patch) =>
      run(() => {
        const current = getSession(id);
        if (!current) return null;
        const next = { ...current, ...patch };
        sql.updateSession.run(next.name, next.start, next.end, id);
        return getSession(id);
      }),
    removeSession: (id) => run(() => sql.deleteSession.run(id).changes > 0),
    targetMeta: (targetId) =>
      run(() => {
        const row = one<MetaRow>(sql.getMeta, targetId);
        return row ? metaOf(row) : {
          targetId,
          configuration: null,
          replay: false,
          explicit: {},
          declared: false,
          groups: [],
          agents: null,
        };
      }),
    allTargetMeta: () =>
      run(() => new Map(all<MetaRow>(sql.allMeta).map((row) => [row.target_id, metaOf(row)]))),
    replayTargetIds: () =>
      run(() => all<{ target_id: number }>(sql.replayIds).map((row) => row.target_id)),
    targetsVersion: () => run(() => one<{ n: number }>(sql.targetsVersion)!.n),
    setTargetMeta: (meta) =>
      run(() => {
        const explicit = JSON.stringify(meta.explicit);
        sql.putMeta.run(
          meta.targetId,
          meta.configuration,
          meta.replay ? 1 : 0,
          explicit,
          meta.declared ? 1 : 0,
          JSON.stringify(meta.groups ?? []),
          meta.agents == null ? null : JSON.stringify(meta.agents),
        );
      }),
    passwordHash: () => run(() => one<{ hash: string }>(sql.getPassword)?.hash ?? null),
    setPasswordHash: (hash) =>
      run(() => {
        if (hash === null) sql.deletePassword.run();
        else sql.putPassword.run(hash);
      }),
    addApiToken: ({ name, tokenHash }) =>
      run(() => {
        const result = sql.insertToken.run(name, tokenHash, clock.now());
        return tokenOf(one<TokenRow>(sql.getToken, Number(result.lastInsertRowid))!);
      }),
    listApiTokens: () => run(() => all<TokenRow>(sql.listTokens).map(tokenOf)),
    apiTokenByHash: (tokenHash) =>
      run(() => {
        const row = one<TokenRow>(sql.tokenByHash, tokenHash);
        return row ? tokenOf(row) : null;
      }),
    touchApiToken: (id, at) =>
      run(() => {
        sql.touchToken.run(at, id);
      }),
    removeApiToken: (id) => run(() => sql.deleteToken.run(id).changes > 0),
    roundPage: (targetId, query) => run(() => pager.roundPage(targetId, query)),
  };
}
