// Wires a running server together: the monitor service (api/core), history queries, auth, the
// WebSocket hub and the handler. Used by the CLI, the tests and the latency bench alike. Everything
// that hears rounds (hub, alerts) subscribes to the monitor service, after they were recorded.
import {
  type Clock,
  Engine,
  type EngineOptions,
  type Prober,
  systemAddressLookup,
} from "../engine/mod.ts";
import type { AlertService } from "../alerts/mod.ts";
import type { Store } from "../store/mod.ts";
import { AuthGate, type AuthGateOptions } from "./auth.ts";
import type { ApiDeps } from "./deps.ts";
import { type ApiHandler, createHandler, type HandlerOptions } from "./handler.ts";
import type { HistoryQueries } from "./history.ts";
import type { MetricsOptions } from "./metrics.ts";
import { summaryRows } from "./routes/mod.ts";
import { MonitorService } from "./core/mod.ts";
import { engineTraceroute } from "./traceroute.ts";
import { VERSION } from "./version.ts";
import { WsHub, type WsHubOptions } from "./ws_hub.ts";
import type { InterfaceMonitor } from "./interfaces.ts";
import { SystemWatch } from "./system.ts";

export interface AppOptions {
  store: Store;
  prober: Prober;
  clock?: Clock;
  engine?: Partial<EngineOptions>;
  auth?: Omit<AuthGateOptions, "store">;
  hub?: Partial<WsHubOptions>;
  history?: HistoryQueries;
  handler?: HandlerOptions;
  addressLookup?: EngineOptions["addressLookup"];
  bodyLimitBytes?: number;
  importLimitBytes?: number;
  /** Rounds per target in summaries pushed over the WebSocket (default 10). */
  summaryFocus?: number;
  /** What GET /metrics includes (default: final hops only). */
  metrics?: MetricsOptions;
  /** AS numbers per hop in /hops (off unless given: every lookup asks a third party). */
  asLookup?: ApiDeps["asLookup"];
}

export interface App {
  deps: ApiDeps;
  service: MonitorService;
  hub: WsHub;
  handler: ApiHandler;
  /** Hands the API the alert service (started after the app, since it follows its rounds). */
  useAlerts(alerts: AlertService | null): void;
  /** Hands the API the interface monitor (started beside the engine, on its own timer). */
  useInterfaces(monitor: InterfaceMonitor | null): void;
  /** Starts probing the stored targets. */
  start(): Promise<void>;
  /** Closes WebSockets, stops probing and flushes the store (does not close it). */
  stop(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  const { store, prober, clock } = options;
  const addressLookup = options.addressLookup ?? systemAddressLookup;
  const engine = new Engine({ prober, clock, addressLookup, ...options.engine });
  const service = new MonitorService({ store, engine, prober });
  const history = options.history ?? store;
  const focus = options.summaryFocus ?? 10;
  const hub = new WsHub({
    version: VERSION,
    summary: async (ids) => {
      const targets = await service.summaryTargets(ids);
      const now = clock ? clock.now() : Date.now();
      return await summaryRows(targets, { history, focus, outages: store, now });
    },
    ...options.hub,
  });
  service.subscribe((event) => hub.publish(event));
  const auth = new AuthGate({ store, now: clock ? () => clock.now() : undefined, ...options.auth });
  const deps: ApiDeps = {
    store,
    service,
    alerts: null,
    history,
    auth,
    hub,
    traceroute: engineTraceroute({ prober, clock, addressLookup }),
    version: VERSION,
    bodyLimitBytes: options.bodyLimitBytes,
    importLimitBytes: options.importLimitBytes,
    metrics: options.metrics ?? { allHops: false },
    now: clock ? () => clock.now() : undefined,
    interfaces: null,
    system: new SystemWatch(clock ? clock.now() : Date.now()),
    asLookup: options.asLookup,
  };
  return {
    deps,
    service,
    hub,
    handler: createHandler(deps, options.handler),
    useAlerts(alerts) {
      deps.alerts = alerts;
    },
    useInterfaces(monitor) {
      deps.interfaces = monitor;
    },
    start: () => service.start(),
    async stop() {
      hub.close();
      await service.stop();
    },
  };
}
