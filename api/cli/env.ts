// The process environment the commands see. With full --allow-env it is the whole environment;
// under a narrowed --allow-env (the service unit) Deno.env.toObject() would throw, so only the
// variables PingWatcher reads are copied, each one only when Deno already grants it: a denied
// variable is simply absent, and nothing ever prompts.

/** Every variable the program reads (the service unit's --allow-env list comes from here). */
export const ENV_NAMES: readonly string[] = [
  "PINGWATCHER_AGENT",
  "PINGWATCHER_ALERTS_CONFIG",
  "PINGWATCHER_CONFIG",
  "PINGWATCHER_CORS_ORIGINS",
  "PINGWATCHER_DATA_DIR",
  "PINGWATCHER_DB",
  "PINGWATCHER_HEADLESS",
  "PINGWATCHER_HOST",
  "PINGWATCHER_HOUR_DAYS",
  "PINGWATCHER_INTERFACES_EXCLUDE",
  "PINGWATCHER_INTERFACES_INCLUDE",
  "PINGWATCHER_INTERFACES_INTERVAL",
  "PINGWATCHER_INTERFACES_OFF",
  "PINGWATCHER_INTERFACES_PRIMARY",
  "PINGWATCHER_LOG_LEVEL",
  "PINGWATCHER_METRICS_ALL_HOPS",
  "PINGWATCHER_MINUTE_DAYS",
  "PINGWATCHER_PASSWORD",
  "PINGWATCHER_PORT",
  "PINGWATCHER_PROBER",
  "PINGWATCHER_RAW_DAYS",
  "PINGWATCHER_SERVER",
  "PINGWATCHER_TOKEN",
  // the default data directory (api/cli/paths.ts)
  "XDG_DATA_HOME",
  "HOME",
  "USERPROFILE",
  "LOCALAPPDATA",
  // colours and the alert command action's PATH
  "NO_COLOR",
  "PATH",
];

/** The environment as a plain object, whole or narrowed to what the permissions grant. */
export function processEnv(): Record<string, string> {
  if (Deno.permissions.querySync({ name: "env" }).state === "granted") return Deno.env.toObject();
  const env: Record<string, string> = {};
  for (const name of ENV_NAMES) {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") continue;
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}
