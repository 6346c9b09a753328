// One resolver for every command's settings: a flag wins over its PINGWATCHER_* variable, which
// wins over the default. The log level is resolved here too, before any command runs, so that
// `--log-level` beats PINGWATCHER_LOG_LEVEL for every command alike.
import { z } from "zod";
import { type LogLevel, setLogLevel } from "../../engine/mod.ts";
import { UsageError } from "./command.ts";

/** flag > env[name] > fallback. */
export function setting<T extends string | null>(
  flag: string | undefined,
  options: { env: Record<string, string>; name: string; fallback: T },
): string | T {
  if (flag !== undefined) return flag;
  const fromEnv = options.env[options.name];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : options.fallback;
}

/**
 * The agent name when none is given: the host name where the permissions grant it (the service
 * unit's do not, and nothing should prompt), else "local"; a host name that is not a valid agent
 * name (see api/schemas.ts agentName) keeps its valid characters.
 */
export function defaultAgentName(): string {
  if (Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state !== "granted") {
    return "local";
  }
  try {
    const name = Deno.hostname().replace(/[^A-Za-z0-9._-]/g, "").replace(/^[._-]+/, "");
    return name.slice(0, 63) || "local";
  } catch {
    return "local";
  }
}

const logLevel = z.enum(["debug", "info", "warn", "error"]);

/**
 * Takes `--log-level X` / `--log-level=X` out of argv and resolves it against
 * PINGWATCHER_LOG_LEVEL. Returns the level and the remaining arguments.
 */
export function resolveLogLevel(
  argv: string[],
  env: Record<string, string>,
): { level: LogLevel; rest: string[] } {
  let flag: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--log-level") {
      if (i + 1 >= argv.length) throw new UsageError("--log-level needs a value");
      flag = argv[++i];
    } else if (arg.startsWith("--log-level=")) flag = arg.slice("--log-level=".length);
    else rest.push(arg);
  }
  const text = setting(flag, { env, name: "PINGWATCHER_LOG_LEVEL", fallback: "info" });
  const parsed = logLevel.safeParse(text);
  if (!parsed.success) {
    throw new UsageError(`--log-level: "${text}" is not one of ${logLevel.options.join(", ")}`);
  }
  return { level: parsed.data, rest };
}

/** Resolves and applies the log level; the commands never see the flag. */
export function applyLogLevel(argv: string[], env: Record<string, string>): string[] {
  const { level, rest } = resolveLogLevel(argv, env);
  setLogLevel(level);
  return rest;
}
