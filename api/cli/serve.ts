// The default command: the monitor plus the HTTP API (and the web UI unless --headless).
// Shutdown on SIGINT/SIGTERM closes WebSockets, stops the server and the engine, and flushes the
// store before exiting.
import { join } from "node:path";
import {
  AlertsConfigError,
  type AlertService,
  loadAlertsConfig,
  resolveAlertsConfig,
  startAlerts,
} from "../../alerts/mod.ts";
import {
  AsLookup,
  log,
  OptionsError,
  type ProberChoice,
  type ProberSelection,
  systemClock,
} from "../../engine/mod.ts";
import { openStore, type Store } from "../../store/mod.ts";
import { createApp } from "../app.ts";
import { TARGET_SYNC_MS } from "../core/mod.ts";
import { InterfaceMonitor } from "../interfaces.ts";
import { hashPassword, sha256Hex } from "../auth_hash.ts";
import { isLoopback } from "../auth.ts";
import type { HandlerOptions } from "../handler.ts";
import { serve } from "../server.ts";
import { UsageError } from "./command.ts";
import { databasePath, dataDirFor } from "./paths.ts";
import { addFlaggedTarget } from "./target_flags.ts";
import { writeServerFile } from "./server_file.ts";
import { acquireWriterLock, LockBusyError } from "./writer_lock.ts";
import { parseServeArgs, SERVE_USAGE, type ServeArgs } from "./serve_args.ts";
import {
  configAuth,
  ConfigError,
  configErrorText,
  prepareDeclared,
  type ReloadOutcome,
  type ServeConfig,
  serveConfig,
  startDeclared,
  startDeclaredRules,
  withConfigEnv,
} from "./config/mod.ts";

export const SERVE_EXIT = {
  ok: 0,
  usage: 2,
  noProber: 4,
  refused: 5,
  noDatabase: 6,
  locked: 7,
} as const;

export interface ServeDeps {
  write(text: string): void;
  writeError(text: string): void;
  env: Record<string, string>;
  selectProber(choice: ProberChoice): Promise<ProberSelection>;
  /** Resolves on SIGINT/SIGTERM. */
  interrupted: Promise<void>;
  /** Serves the web UI (anything outside /api and /ws); absent = API only. */
  ui?: HandlerOptions["fallback"];
  /** Loads the web UI only when it is served (the bundle is not needed otherwise). */
  loadUi?(): Promise<HandlerOptions["fallback"]>;
  /** Runs a SQLite store in a Worker started from this module (main.ts): see OpenStoreOptions. */
  storeWorker?: string;
  /** Called once listening (tests learn the port here). */
  onListen?(url: string): void;
  /** Called after each config file reload (tests wait on it). */
  onConfigReload?(outcome: ReloadOutcome): void;
}

export async function runServe(argv: string[], deps: ServeDeps): Promise<number> {
  let args: ServeArgs;
  let config: ServeConfig;
  try {
    args = parseServeArgs(argv, deps.env);
    config = await serveConfig(args, deps.env);
    args = parseServeArgs(argv, withConfigEnv(deps.env, config.loaded?.data ?? null));
  } catch (error) {
    if (error instanceof ConfigError) {
      deps.writeError(configErrorText(error));
      return SERVE_EXIT.usage;
    }
    if (!(error instanceof OptionsError) && !(error instanceof UsageError)) throw error;
    deps.writeError(`pingwatcher: ${error.message}\n\n${SERVE_USAGE}\n`);
    return SERVE_EXIT.usage;
  }
  const dbPath = databasePath(args, deps.env);
  // One writer per database: a second server (or a writing command) is refused, not let in.
  let lock;
  try {
    lock = acquireWriterLock(dbPath, "serve");
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    deps.writeError(`pingwatcher: ${error.message}\n`);
    return SERVE_EXIT.locked;
  }
  try {
    const store = openStore(dbPath, {
      retention: args.retention,
      agent: args.agent,
      worker: deps.storeWorker,
    });
    try {
      // A database server that is down or refuses the login is said once, plainly (no trace).
      const reachable = await store.listTargets().then(() => null, (error: Error) => error);
      if (reachable) {
        deps.writeError(`pingwatcher: the database cannot be opened: ${reachable.message}\n`);
        return SERVE_EXIT.noDatabase;
      }
      return await runWithStore(args, store, {
        ...deps,
        dataDir: dataDirFor(args, deps.env, dbPath),
        dbPath,
        config,
      });
    } finally {
      await store.close();
    }
  } finally {
    lock.release();
  }
}

async function runWithStore(
  args: ServeArgs,
  store: Store,
  deps: ServeDeps & { dataDir: string; dbPath: string; config: ServeConfig },
): Promise<number> {
  const alertsConfigPath = args.alertsConfig ?? join(deps.dataDir, "alerts.json");
  if (args.alertsConfig && !(await exists(args.alertsConfig))) {
    deps.writeError(`pingwatcher: --alerts-config: ${args.alertsConfig} does not exist\n`);
    return SERVE_EXIT.usage;
  }
  let alertsConfig;
  try {
    // --alerts-config / PINGWATCHER_ALERTS_CONFIG > the config file's alerts section > alerts.json
    const section = deps.config.loaded?.data.alerts;
    alertsConfig = section && !args.alertsConfig
      ? resolveAlertsConfig(section, deps.dataDir)
      : await loadAlertsConfig(alertsConfigPath, deps.dataDir);
  } catch (error) {
    if (!(error instanceof AlertsConfigError)) throw error;
    deps.writeError(`pingwatcher: ${error.message}\n`);
    return SERVE_EXIT.usage;
  }
  await addHosts(store, args);
  const secrets = await environmentSecrets(deps.env);
  const selected = await deps.selectProber(args.prober);
  if (!selected.ok) {
    deps.writeError(`pingwatcher: no working prober\n${selected.reason}\n`);
    return SERVE_EXIT.noProber;
  }
  const ui = args.headless ? undefined : deps.ui ?? await deps.loadUi?.();
  const app = createApp({
    store,
    prober: selected.prober,
    auth: {
      ...secrets,
      ...configAuth(deps.config, secrets.extraTokenHash),
      corsOrigins: args.corsOrigins,
      allowedHosts: [args.listen],
    },
    handler: { fallback: ui },
    metrics: { allHops: args.metricsAllHops },
    asLookup: args.asLookup ? new AsLookup({ clock: systemClock }) : undefined,
  });
  let reloader = null;
  let stopSync: (() => void) | null = null;
  try {
    const declared = await prepareDeclared(deps.config, store, selected.prober);
    if (args.generateToken) {
      const token = await app.deps.auth.createToken(`generated ${new Date().toISOString()}`);
      deps.write(`API token (shown once, keep it safe): ${token.token}\n`);
    }
    if (!isLoopback(args.listen) && !(await app.deps.auth.required())) {
      deps.writeError(
        `pingwatcher: refusing to listen on ${args.listen} without a password or token.\n` +
          `Set one first: pingwatcher passwd, --generate-token, PINGWATCHER_PASSWORD or ` +
          `PINGWATCHER_TOKEN.\n`,
      );
      return SERVE_EXIT.refused;
    }
    await app.start();
    // Other processes on the database (agents) add, change and remove targets: follow them.
    stopSync = app.service.startTargetSync();
    reloader = await startDeclared(deps.config, declared, {
      service: app.service,
      prober: selected.prober,
      onReload: deps.onConfigReload,
    });
    const alerts = await startAlerts({
      engine: app.service,
      store,
      dataDir: deps.dataDir,
      config: alertsConfig,
      onEvent: (event) =>
        app.hub.publishWire({ type: "alert", targetId: event.targetId, alert: event }),
      // Rules made through another agent's API apply here too, as its targets do.
      followRulesMs: TARGET_SYNC_MS,
    });
    app.useAlerts(alerts);
    await startDeclaredRules(deps.config, alerts, reloader);
    const interfaces = await InterfaceMonitor.create({
      store,
      enabled: args.interfaces.enabled,
      flags: args.interfaces.flags,
    });
    app.useInterfaces(interfaces);
    interfaces.start();
    if (interfaces.status.reason) log.info(`interfaces: ${interfaces.status.reason}`);
    try {
      await listenUntilInterrupted(args, app, alerts, deps);
    } finally {
      await interfaces.stop();
    }
    return SERVE_EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    deps.writeError(configErrorText(error));
    return SERVE_EXIT.usage;
  } finally {
    stopSync?.();
    reloader?.stop();
    await selected.prober.close();
  }
}

async function listenUntilInterrupted(
  args: ServeArgs,
  app: ReturnType<typeof createApp>,
  alerts: AlertService,
  deps: ServeDeps & { dbPath: string },
): Promise<void> {
  let removeServerFile = () => {};
  const hasUi = deps.ui !== undefined || deps.loadUi !== undefined;
  const server = serve(app.handler, {
    hostname: args.listen,
    port: args.port,
    onListen: ({ hostname, port }) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      const url = `http://${host}:${port}`;
      const ui = args.headless ? "headless: API only" : hasUi ? `web UI at ${url}/` : "API only";
      log.info(
        `PingWatcher listening on ${url} (${ui}); API at ${url}/api, docs at ` +
          `${url}/api/openapi.json, live updates at ws://${host}:${port}/ws`,
      );
      // Commands on this database find the server here and go through it (api/cli/backend.ts).
      const local = args.listen === "0.0.0.0" || args.listen === "::"
        ? `http://${args.listen === "::" ? "[::1]" : "127.0.0.1"}:${port}`
        : url;
      removeServerFile = writeServerFile(deps.dbPath, local);
      deps.onListen?.(url);
    },
  });
  await deps.interrupted;
  removeServerFile();
  log.info("shutting down: closing connections, stopping probes, flushing the store");
  app.hub.close();
  await server.shutdown();
  await app.stop();
  await alerts.stop();
  log.info("stopped");
}

async function addHosts(store: Store, args: ServeArgs): Promise<void> {
  const known = new Set((await store.listTargets()).map((t) => t.host));
  for (const host of args.hosts) {
    if (known.has(host)) continue;
    await addFlaggedTarget(store, host, args.options);
    known.add(host);
    log.info(`added target ${host}`);
  }
}

async function environmentSecrets(env: Record<string, string>) {
  const password = env.PINGWATCHER_PASSWORD;
  const token = env.PINGWATCHER_TOKEN;
  return {
    extraPasswordHash: password ? await hashPassword(password) : null,
    extraTokenHash: token ? sha256Hex(token) : null,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
