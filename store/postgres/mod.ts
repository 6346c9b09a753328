// The PostgreSQL backend's surface: the only door into store/postgres/ (npm:postgres stays inside).
export { openPostgresStore, type PostgresStoreOptions } from "./store.ts";
export { describeUrl, PgUrlError } from "./connect.ts";
export { COMPONENTS as POSTGRES_MIGRATIONS, type PgMigrationSet } from "./schema.ts";
