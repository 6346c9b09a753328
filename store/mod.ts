// Public surface of storage: the Store interface and its SQLite implementation.
export { openSqliteStore } from "./sqlite.ts";
export type { FlushInfo, SqliteStoreOptions } from "./sqlite.ts";
export type {
  DnsName,
  NewTarget,
  RoundQuery,
  Store,
  StoredRouteChange,
  TargetPatch,
  TargetRecord,
} from "./types.ts";
