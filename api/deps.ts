// What the API handler is built from. Tests pass the same pieces with a FakeProber engine.
import type { AlertService } from "../alerts/mod.ts";
import type { AsLookup } from "../engine/mod.ts";
import type { Store } from "../store/mod.ts";
import type { AuthGate } from "./auth.ts";
import type { HistoryQueries } from "./history.ts";
import type { InterfaceMonitor } from "./interfaces.ts";
import type { SystemWatch } from "./system.ts";
import type { MetricsOptions } from "./metrics.ts";
import type { MonitorService } from "./core/mod.ts";
import type { TracerouteRunner } from "./traceroute.ts";
import type { WsHub } from "./ws_hub.ts";

export interface ApiDeps {
  store: Store;
  service: MonitorService;
  /** The running alert service; null answers the alert routes with 503. */
  alerts: AlertService | null;
  history: HistoryQueries;
  auth: AuthGate;
  /** Null: /ws answers 503 (handler tests without a hub). */
  hub: WsHub | null;
  traceroute: TracerouteRunner;
  version: string;
  /** Largest JSON body accepted (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Largest import body accepted (default 256 MiB). */
  importLimitBytes?: number;
  /** What GET /metrics includes (default: final hops only). */
  metrics?: MetricsOptions;
  /** The interface monitor (null: routes answer from stored history only, as when off). */
  interfaces?: InterfaceMonitor | null;
  /** Process-wide figures and health over time. */
  system: SystemWatch;
  /** Epoch ms now (default Date.now). */
  now?: () => number;
  /** AS lookups for /hops (serve --as-lookup); absent: off, the default (asks a third party). */
  asLookup?: AsLookup;
}
