// The default command: the monitor plus the HTTP API (and the web UI unless --headless).
// Shutdown on SIGINT/SIGTERM closes WebSockets, stops the server and the engine, and flushes the
// store before exiting.
import { join } from "node:path";
import {
  AlertsConfigError,
  type AlertService,
  loadAlertsConfig,
  resolveAlertsConfig,
  type ResolvedAlertsConfig,
  startAlerts,
} from "../../alerts/mod.ts";
import {
  AsLookup,
  log,
  OptionsError,
  type Prober,
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
  /** Called once listening and probing (tests learn the port here). */
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
  const dataDir = dataDirFor(args, deps.env, dbPath);
  // Settings are checked before anything starts (the prober, the store's Worker).
  const alertsConfig = await serveAlertsConfig(args, deps, config, dataDir);
  if (!alertsConfig) return SERVE_EXIT.usage;
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
    const store = await openStore(dbPath, {
      retention: args.retention,
      agent: args.agent,
      worker: deps.storeWorker,
    });
    // The prober is made ready (mtr-packet started and asked what it can do) while the store
    // opens; it is closed on every way out.
    const selecting = deps.selectProber(args.prober);
    selecting.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
    try {
      // A database server that is down or refuses the login is said once, plainly (no trace).
      const reachable = await store.listTargetHeads().then(() => null, (e: Error) => e);
      if (reachable) {
        deps.writeError(`pingwatcher: the database cannot be opened: ${reachable.message}\n`);
        return SERVE_EXIT.noDatabase;
      }
      const selected = await selecting;
      if (!selected.ok) {
        deps.writeError(`pingwatcher: no working prober\n${selected.reason}\n`);
        return SERVE_EXIT.noProber;
      }
      return await runWithStore(args, store, selected.prober, {
        ...deps,
        dataDir,
        dbPath,
        config,
        alertsConfig,
      });
    } finally {
      const selected = await selecting.catch(() => null);
      if (selected?.ok) await selected.prober.close();
      await store.close();
    }
  } finally {
    lock.release();
  }
}

async function runWithStore(
  args: ServeArgs,
  store: Store,
  prober: Prober,
  deps: ServeDeps & {
    dataDir: string;
    dbPath: string;
    config: ServeConfig;
    alertsConfig: ResolvedAlertsConfig;
  },
): Promise<number> {
  await addHosts(store, args);
  const secrets = await environmentSecrets(deps.env);
  const ui = args.headless ? undefined : deps.ui ?? await deps.loadUi?.();
  const app = createApp({
    store,
    prober,
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
    const declared = await prepareDeclared(deps.config, store, prober);
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
    // The server listens before probing starts: the API answers from the store while the
    // targets start (tens of ms at 1,000 targets) and the alert service comes up (its routes
    // answer 503 until it has). The "listening" line (and onListen) come once everything runs.
    const listener = listen(args, app, deps);
    let alerts: AlertService | null = null;
    let interfaces: InterfaceMonitor | null = null;
    try {
      await app.start();
      // Other processes on the database (agents) add, change and remove targets: follow them.
      stopSync = app.service.startTargetSync();
      reloader = await startDeclared(deps.config, declared, {
        service: app.service,
        prober,
        onReload: deps.onConfigReload,
      });
      alerts = await startAlerts({
        engine: app.service,
        store,
        dataDir: deps.dataDir,
        config: deps.alertsConfig,
        onEvent: (event) =>
          app.hub.publishWire({ type: "alert", targetId: event.targetId, alert: event }),
        // Rules made through another agent's API apply here too, as its targets do.
        followRulesMs: TARGET_SYNC_MS,
      });
      app.useAlerts(alerts);
      await startDeclaredRules(deps.config, alerts, reloader);
      interfaces = await InterfaceMonitor.create({
        store,
        enabled: args.interfaces.enabled,
        flags: args.interfaces.flags,
      });
      app.useInterfaces(interfaces);
      interfaces.start();
      if (interfaces.status.reason) log.info(`interfaces: ${interfaces.status.reason}`);
      listener.announce();
      await deps.interrupted;
      log.info("shutting down: closing connections, stopping probes, flushing the store");
    } finally {
      // Also when the start failed (a config problem found late): nothing is left listening.
      app.hub.close();
      await listener.shutdown();
      await app.stop();
      await alerts?.stop();
      await interfaces?.stop();
    }
    log.info("stopped");
    return SERVE_EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    deps.writeError(configErrorText(error));
    return SERVE_EXIT.usage;
  } finally {
    stopSync?.();
    reloader?.stop();
  }
}

/** The HTTP server, listening from now on; announce() once the rest runs, shutdown() at the end. */
function listen(
  args: ServeArgs,
  app: ReturnType<typeof createApp>,
  deps: ServeDeps & { dbPath: string },
): { announce(): void; shutdown(): Promise<void> } {
  let removeServerFile = () => {};
  let address: { hostname: string; port: number } | null = null;
  const hasUi = deps.ui !== undefined || deps.loadUi !== undefined;
  const server = serve(app.handler, {
    hostname: args.listen,
    port: args.port,
    onListen: (listening) => address = listening,
  });
  return {
    announce() {
      const { hostname, port } = address ?? server.addr;
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
    async shutdown() {
      removeServerFile();
      await server.shutdown();
    },
  };
}

/** The alert service's settings: --alerts-config, the config file's section or alerts.json. */
async function serveAlertsConfig(
  args: ServeArgs,
  deps: ServeDeps,
  config: ServeConfig,
  dataDir: string,
): Promise<ResolvedAlertsConfig | null> {
  const alertsConfigPath = args.alertsConfig ?? join(dataDir, "alerts.json");
  if (args.alertsConfig && !(await exists(args.alertsConfig))) {
    deps.writeError(`pingwatcher: --alerts-config: ${args.alertsConfig} does not exist\n`);
    return null;
  }
  try {
    // --alerts-config / PINGWATCHER_ALERTS_CONFIG > the config file's alerts section > alerts.json
    const section = config.loaded?.data.alerts;
    return section && !args.alertsConfig
      ? resolveAlertsConfig(section, dataDir)
      : await loadAlertsConfig(alertsConfigPath, dataDir);
  } catch (error) {
    if (!(error instanceof AlertsConfigError)) throw error;
    deps.writeError(`pingwatcher: ${error.message}\n`);
    return null;
  }
}

async function addHosts(store: Store, args: ServeArgs): Promise<void> {
  if (!args.hosts.length) return;
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
