// Where the database lives: --db, else $PINGWATCHER_DB, else pingwatcher.db in the data directory.
// The data directory follows each platform's convention for per-user application data:
//   Linux and other Unix: $XDG_DATA_HOME/pingwatcher, else ~/.local/share/pingwatcher
//   macOS:                ~/Library/Application Support/PingWatcher
//   Windows:              %LOCALAPPDATA%\PingWatcher (else %USERPROFILE%\AppData\Local\PingWatcher)
// --data-dir and $PINGWATCHER_DATA_DIR override it everywhere.
import { dirname, join, posix, win32 } from "node:path";

/** The per-user data directory on `os` (a Deno.build.os value), from the environment alone. */
export function defaultDataDir(
  env: Record<string, string | undefined>,
  os: string = Deno.build.os,
): string {
  if (env.PINGWATCHER_DATA_DIR) return env.PINGWATCHER_DATA_DIR;
  if (os === "windows") {
    if (env.LOCALAPPDATA) return win32.join(env.LOCALAPPDATA, "PingWatcher");
    const profile = env.USERPROFILE ?? env.HOME ?? ".";
    return win32.join(profile, "AppData", "Local", "PingWatcher");
  }
  const home = env.HOME ?? env.USERPROFILE ?? ".";
  if (os === "darwin") {
    return posix.join(home, "Library", "Application Support", "PingWatcher");
  }
  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
  if (env.XDG_DATA_HOME?.startsWith("/")) return posix.join(env.XDG_DATA_HOME, "pingwatcher");
  return posix.join(home, ".local", "share", "pingwatcher");
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
