// The server records on PostgreSQL (store/server_types.ts), as store/sqlite/server.ts keeps them.
import type { Clock, TargetOptionsInput } from "../../engine/ground.ts";
import { fieldsDifferingFrom } from "../explicit_fields.ts";
import {
  type ApiTokenRecord,
  type ConfigurationRecord,
  NameTakenError,
  type ServerRecordStore,
  type SessionRecord,
  type TargetMeta,
} from "../server_types.ts";
import type { Db, Sql } from "./connect.ts";
import { targetOf, type TargetRow } from "./targets.ts";

type Row = Record<string, unknown>;

function configOf(row: Row): ConfigurationRecord {
  return {
    id: row.id as number,
    name: row.name as string,
    options: JSON.parse(row.options as string) as TargetOptionsInput,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

function sessionOf(row: Row): SessionRecord {
  return {
    id: row.id as number,
    targetId: row.target_id as number,
    name: row.name as string,
    start: row.start_ms as number,
    end: row.end_ms as number,
    createdAt: row.created_at as number,
  };
}

function tokenOf(row: Row): ApiTokenRecord {
  return {
    id: row.id as number,
    name: row.name as string,
    tokenHash: row.token_hash as string,
    createdAt: row.created_at as number,
    lastUsedAt: row.last_used_at as number | null,
  };
}

function metaOf(row: Row): TargetMeta {
  return {
    targetId: row.target_id as number,
    configuration: row.configuration as string | null,
    replay: row.replay as boolean,
    explicit: JSON.parse(row.explicit as string) as TargetOptionsInput,
    declared: row.declared as boolean,
    groups: JSON.parse(row.groups as string) as string[],
    agents: row.agents === null ? null : JSON.parse(row.agents as string) as string[],
  };
}

async function uniqueName<T>(entity: string, name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === "23505") throw new NameTakenError(entity, name);
    throw error;
  }
}

export function createPgServerRecords(
  sql: Sql,
  clock: Clock,
  guard: <A extends unknown[], T>(work: (...args: A) => Promise<T>) => (...args: A) => Promise<T>,
): ServerRecordStore {
  const getConfig = async (db: Db, id: number) => {
    const [row] = await db`SELECT * FROM configurations WHERE id = ${id}`;
    return row ? configOf(row) : null;
  };
  const getSession = async (id: number) => {
    const [row] = await sql`SELECT * FROM sessions WHERE id = ${id}`;
    return row ? sessionOf(row) : null;
  };
  return {
    addConfiguration: guard(async ({ name, options }) => {
      const now = clock.now();
      const [row] = await uniqueName(
        "configuration",
        name,
        () =>
          sql`INSERT INTO configurations (name, options, created_at, updated_at)
          VALUES (${name}, ${JSON.stringify(options)}, ${now}, ${now}) RETURNING *`,
      );
      return configOf(row);
    }),
    getConfiguration: guard((id) => getConfig(sql, id)),
    configurationByName: guard(async (name) => {
      const [row] = await sql`SELECT * FROM configurations WHERE name = ${name}`;
      return row ? configOf(row) : null;
    }),
    listConfigurations: guard(async () =>
      (await sql`SELECT * FROM configurations ORDER BY name`).map(configOf)
    ),
    updateConfiguration: guard((id, patch) =>
      sql.begin(async (tx) => {
        const current = await getConfig(tx, id);
        if (!current) return null;
        const name = patch.name ?? current.name;
        const options = JSON.stringify(patch.options ?? current.options);
        await uniqueName("configuration", name, async () => {
          await tx`SAVEPOINT config_update`;
          try {
            await tx`UPDATE configurations SET name = ${name}, options = ${options},
              updated_at = ${clock.now()} WHERE id = ${id}`;
          } catch (error) {
            await tx`ROLLBACK TO SAVEPOINT config_update`;
            throw error;
          }
        });
        if (name !== current.name) {
          await tx`UPDATE target_meta SET configuration = ${name}
            WHERE configuration = ${current.name}`;
        }
        return await getConfig(tx, id);
      })
    ),
    removeConfiguration: guard((id) =>
      sql.begin(async (tx) => {
        const current = await getConfig(tx, id);
        if (!current) return false;
        const followers = await tx`SELECT t.*, m.explicit FROM target_meta m
          JOIN targets t ON t.id = m.target_id WHERE m.configuration = ${current.name}`;
        for (const row of followers) {
          const own = JSON.parse(row.explicit as string) as TargetOptionsInput;
          const explicit = {
            ...fieldsDifferingFrom(targetOf(row as unknown as TargetRow).options),
            ...own,
          };
          await tx`UPDATE target_meta SET configuration = NULL,
            explicit = ${JSON.stringify(explicit)} WHERE target_id = ${row.id as number}`;
        }
        return (await tx`DELETE FROM configurations WHERE id = ${id}`).count > 0;
      })
    ),
    addSession: guard(async ({ targetId, name, start, end }) => {
      const [row] = await sql`INSERT INTO sessions (target_id, name, start_ms, end_ms, created_at)
        VALUES (${targetId}, ${name}, ${start}, ${end}, ${clock.now()}) RETURNING *`;
      return sessionOf(row);
    }),
    getSession: guard(getSession),
    listSessions: guard(async (targetId) =>
      (await sql`SELECT * FROM sessions WHERE target_id = ${targetId} ORDER BY start_ms, id`)
        .map(sessionOf)
    ),
    updateSession: guard(async (id, patch) => {
      const current = await getSession(id);
      if (!current) return null;
      const next = { ...current, ...patch };
      await sql`UPDATE sessions SET name = ${next.name}, start_ms = ${next.start},
        end_ms = ${next.end} WHERE id = ${id}`;
      return await getSession(id);
    }),
    removeSession: guard(async (id) =>
      (await sql`DELETE FROM sessions WHERE id = ${id}`).count > 0
    ),
    targetMeta: guard(async (targetId) => {
      const [row] = await sql`SELECT * FROM target_meta WHERE target_id = ${targetId}`;
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
    allTargetMeta: guard(async () =>
      new Map(
        (await sql`SELECT * FROM target_meta`).map((row) => [row.target_id as number, metaOf(row)]),
      )
    ),
    replayTargetIds: guard(async () =>
      (await sql<{ target_id: number }[]>`
        SELECT target_id FROM target_meta WHERE replay ORDER BY target_id`).map((row) =>
        row.target_id
      )
    ),
    targetsVersion: guard(async () => {
      const [row] = await sql<{ n: number }[]>`SELECT n FROM targets_version`;
      return row.n;
    }),
    setTargetMeta: guard(async (meta) => {
      await sql`INSERT INTO target_meta
        (target_id, configuration, replay, explicit, declared, groups, agents)
        VALUES (${meta.targetId}, ${meta.configuration}, ${meta.replay},
          ${JSON.stringify(meta.explicit)}, ${meta.declared ?? false},
          ${JSON.stringify(meta.groups ?? [])},
          ${meta.agents == null ? null : JSON.stringify(meta.agents)})
        ON CONFLICT (target_id) DO UPDATE SET configuration = excluded.configuration,
          replay = excluded.replay, explicit = excluded.explicit, declared = excluded.declared,
          groups = excluded.groups, agents = excluded.agents`;
    }),
    passwordHash: guard(async () => {
      const [row] = await sql`SELECT hash FROM server_password WHERE id = 1`;
      return (row?.hash as string | undefined) ?? null;
    }),
    setPasswordHash: guard(async (hash) => {
      if (hash === null) await sql`DELETE FROM server_password`;
      else {
        await sql`INSERT INTO server_password (id, hash) VALUES (1, ${hash})
          ON CONFLICT (id) DO UPDATE SET hash = excluded.hash`;
      }
    }),
    addApiToken: guard(async ({ name, tokenHash }) => {
      const [row] = await sql`INSERT INTO api_tokens (name, token_hash, created_at)
        VALUES (${name}, ${tokenHash}, ${clock.now()}) RETURNING *`;
      return tokenOf(row);
    }),
    listApiTokens: guard(async () =>
      (await sql`SELECT * FROM api_tokens ORDER BY id`).map(tokenOf)
    ),
    apiTokenByHash: guard(async (tokenHash) => {
      const [row] = await sql`SELECT * FROM api_tokens WHERE token_hash = ${tokenHash}`;
      return row ? tokenOf(row) : null;
    }),
    touchApiToken: guard(async (id, at) => {
      await sql`UPDATE api_tokens SET last_used_at = ${at} WHERE id = ${id}`;
    }),
    removeApiToken: guard(async (id) =>
      (await sql`DELETE FROM api_tokens WHERE id = ${id}`).count > 0
    ),
  };
}
