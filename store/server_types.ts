// What the server keeps besides rounds: named configurations (presets of engine options),
// sessions (named time ranges of a target), credentials (one password, API tokens) and per-target
// server metadata (the configuration a target follows, replay targets imported from an export).
import type { Round, TargetOptionsInput } from "../engine/ground.ts";

/** A page of stored rounds after a keyset cursor (startedAt, seq). */
export interface RoundPageQuery {
  /** Rounds strictly after this one (exclusive cursor); omitted = from `start`. */
  after?: { startedAt: number; seq: number };
  start?: number;
  /** Exclusive end, epoch ms. */
  end?: number;
  limit: number;
}

export interface ConfigurationRecord {
  id: number;
  name: string;
  /** The engine options this preset sets; fields left out keep the target's own values. */
  options: TargetOptionsInput;
  createdAt: number;
  updatedAt: number;
}

export interface SessionRecord {
  id: number;
  targetId: number;
  name: string;
  /** [start, end) in epoch milliseconds. */
  start: number;
  end: number;
  createdAt: number;
}

export interface TargetMeta {
  targetId: number;
  /** Name of the configuration the target follows, or null. */
  configuration: string | null;
  /** A read-only target imported from an export: never probed, never changed. */
  replay: boolean;
  /**
   * The option fields the target set itself (engine units). Its options are its configuration's
   * fields under these; a field not here follows the configuration, else the default.
   */
  explicit: TargetOptionsInput;
  /**
   * Declared in the config file (pingwatcher.yaml): kept in step with the file on start and
   * reload. Runtime targets (added over the API or CLI) are not. Read back always set; absent on
   * write = false.
   */
  declared?: boolean;
  /** Group names the target belongs to (from the config file). Read back always set; absent = []. */
  groups?: string[];
  /**
   * The agents (vantage points, see AgentStore) that probe the target; null = every agent. Read
   * back always set; absent on write = null.
   */
  agents?: string[] | null;
}

export interface ApiTokenRecord {
  id: number;
  name: string;
  /** SHA-256 (hex) of the token; the token itself is shown once and never stored. */
  tokenHash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Server records: configurations, sessions, per-target metadata and credentials. */
export interface ServerRecordStore {
  // Configurations. Names are unique: add/rename to a taken name throws NameTakenError.
  addConfiguration(input: { name: string; options: TargetOptionsInput }): Promise<
    ConfigurationRecord
  >;
  getConfiguration(id: number): Promise<ConfigurationRecord | null>;
  configurationByName(name: string): Promise<ConfigurationRecord | null>;
  listConfigurations(): Promise<ConfigurationRecord[]>;
  updateConfiguration(
    id: number,
    patch: { name?: string; options?: TargetOptionsInput },
  ): Promise<ConfigurationRecord | null>;
  /**
   * Targets following it keep their options and lose the link: what they took from it becomes
   * their own (added to `explicit` where it differs from the defaults).
   */
  removeConfiguration(id: number): Promise<boolean>;

  // Sessions.
  addSession(input: Omit<SessionRecord, "id" | "createdAt">): Promise<SessionRecord>;
  getSession(id: number): Promise<SessionRecord | null>;
  listSessions(targetId: number): Promise<SessionRecord[]>;
  updateSession(
    id: number,
    patch: { name?: string; start?: number; end?: number },
  ): Promise<SessionRecord | null>;
  removeSession(id: number): Promise<boolean>;

  // Per-target server metadata (missing = no configuration, not a replay, no explicit fields).
  targetMeta(targetId: number): Promise<TargetMeta>;
  allTargetMeta(): Promise<Map<number, TargetMeta>>;
  /** Ids of the replay targets, ascending: the one flag the summary needs of every target. */
  replayTargetIds(): Promise<number[]>;
  /**
   * A count that rises with every change to a target or its metadata (added, changed, removed),
   * made by this process or any other writing the same database: equal counts, nothing changed
   * (it may also rise for a write that changed nothing, as PostgreSQL's statement triggers do).
   */
  targetsVersion(): Promise<number>;
  setTargetMeta(meta: TargetMeta): Promise<void>;

  // Credentials.
  /** The scrypt hash string of the server password (see api/auth_hash.ts), or null. */
  passwordHash(): Promise<string | null>;
  setPasswordHash(hash: string | null): Promise<void>;
  addApiToken(input: { name: string; tokenHash: string }): Promise<ApiTokenRecord>;
  listApiTokens(): Promise<ApiTokenRecord[]>;
  apiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  touchApiToken(id: number, at: number): Promise<void>;
  removeApiToken(id: number): Promise<boolean>;
}

/** The server's records plus paged rounds for exports (the shape the API took before ports). */
export interface ServerStore extends ServerRecordStore {
  roundPage(targetId: number, query: RoundPageQuery): Promise<Round[]>;
}

/** A configuration name (or other unique name) is already used. */
export class NameTakenError extends Error {
  constructor(readonly entity: string, readonly takenName: string) {
    super(`a ${entity} named "${takenName}" already exists`);
    this.name = "NameTakenError";
  }
}
