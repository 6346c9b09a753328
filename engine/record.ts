// Keeping what the engine finds: the one place that turns engine events into writes. The engine
// knows nothing of store/; any recorder with these methods (the SQLite store) will do.
import type { EngineEvent } from "./engine.ts";
import { log } from "./log.ts";
import type { AddressChange, Round, RouteChange } from "./types.ts";

export interface EventRecorder {
  appendRound(round: Round): void;
  recordRouteChange(change: RouteChange): Promise<unknown>;
  recordAddressChange(change: AddressChange): Promise<unknown>;
  putDnsName(entry: { ip: string; name: string | null; resolvedAt: number }): Promise<unknown>;
}

/**
 * Writes the rounds, route and address changes and reverse names an event carries. A failed
 * write is logged, never thrown: probing goes on. Other events (target errors) write nothing.
 */
export function recordEngineEvent(recorder: EventRecorder, event: EngineEvent, now: number): void {
  switch (event.type) {
    case "round":
      recorder.appendRound(event.round);
      return;
    case "routeChange":
      recorder.recordRouteChange(event.change).catch(report("route change"));
      return;
    case "addressChange":
      recorder.recordAddressChange(event.change).catch(report("address change"));
      return;
    case "dnsName":
      recorder.putDnsName({ ip: event.ip, name: event.name, resolvedAt: now })
        .catch(report("dns name"));
      return;
  }
}

/** Logs a failed write of `what` (made only when a write needs it: rounds come by the thousand). */
function report(what: string): (error: unknown) => void {
  return (error) => log.error(`storing ${what} failed`, { error: String(error) });
}
