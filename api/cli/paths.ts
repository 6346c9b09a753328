// Where the database lives: --db, else $PINGWATCHER_DB, else pingwatcher.db in the data directory.
import { dirname, join } from "node:path";

/** The per-user data directory. */
export function defaultDataDir(env: Record<string, string | undefined>): string {
  if (env.PINGWATCHER_DATA_DIR) return env.PINGWATCHER_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, "pingwatcher");
  const home = env.HOME ?? env.USERPROFILE ?? ".";
  if (Deno.build.os === "darwin") {
    return join(home, "Library", "Application Support", "pingwatcher");
  }
  return join(home, ".local", "share", "pingwatcher");
}

/** The database file, creating its directory on first use unless `create` is false. */
export function databasePath(
  args: { db: string | null; dataDir: string | null },
  env: Record<string, string | undefined>,
  options: { create?: boolean } = {},
): string {
  if (args.db) return args.db;
  if (env.PINGWATCHER_DB && !args.dataDir) return env.PINGWATCHER_DB;
  const dir = args.dataDir ?? defaultDataDir(env);
  if (options.create !== false) Deno.mkdirSync(dir, { recursive: true });
  return join(dir, "pingwatcher.db");
}

/**
 * Where files kept beside the database go (alerts.json): --data-dir, else the database file's
 * directory, else, for a database server URL (postgres://…), the default data directory.
 */
export function dataDirFor(
  args: { dataDir: string | null },
  env: Record<string, string | undefined>,
  dbPath: string,
): string {
  if (args.dataDir) return args.dataDir;
  if (!/^[a-z][a-z0-9+.-]+:\/\//i.test(dbPath) || /^file:/i.test(dbPath)) return dirname(dbPath);
  const dir = defaultDataDir(env);
  Deno.mkdirSync(dir, { recursive: true });
  return dir;
}
