// What the API handler is built from. Tests pass the same pieces with a FakeProber engine.
import type { Store } from "../store/mod.ts";
import type { AuthGate } from "./auth.ts";
import type { HistoryQueries } from "./history.ts";
import type { TargetService } from "./service.ts";
import type { TracerouteRunner } from "./traceroute.ts";
import type { WsHub } from "./ws_hub.ts";

export interface ApiDeps {
  store: Store;
  service: TargetService;
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
  /** Epoch ms now (default Date.now). */
  now?: () => number;
}
