// The Store interface: everything the rest of the program may ask of storage. SQLite implements
// it today (store/sqlite.ts); a PostgreSQL backend can join later and run the same shared suite
// (tests/store/suite.ts). Methods are async so a networked backend fits the same shape.
import type {
  AddressChange,
  Round,
  RouteChange,
  RoutePath,
  TargetOptions,
} from "../engine/types.ts";
import type { ServerStore } from "./server_types.ts";
import type { AlertStore } from "./alerts_types.ts";
import type { HistoryStore } from "./history_types.ts";

export interface TargetRecord {
  id: number;
  host: string;
  label: string | null;
  options: TargetOptions;
  paused: boolean;
  createdAt: number;
}

export interface NewTarget {
  host: string;
  label?: string | null;
  options: TargetOptions;
  paused?: boolean;
}

export interface TargetPatch {
  label?: string | null;
  options?: TargetOptions;
  paused?: boolean;
}

/** A range of rounds: either the last `last` rounds, or a time range [start, end) in epoch ms. */
export interface RoundQuery {
  last?: number;
  start?: number;
  end?: number;
}

export interface StoredRouteChange extends RouteChange {
  id: number;
}

export interface DnsName {
  ip: string;
  /** null = looked up, no PTR record. */
  name: string | null;
  resolvedAt: number;
}

export interface Store extends ServerStore, AlertStore, HistoryStore {
  // Targets.
  addTarget(target: NewTarget): Promise<TargetRecord>;
  getTarget(id: number): Promise<TargetRecord | null>;
  listTargets(): Promise<TargetRecord[]>;
  updateTarget(id: number, patch: TargetPatch): Promise<TargetRecord | null>;
  /** Deletes the target and all its data. Returns false when there was no such target. */
  removeTarget(id: number): Promise<boolean>;

  // Samples. appendRound only queues; a writer flushes queued rounds in one transaction at
  // least once per second (and on flush()/close()).
  appendRound(round: Round): void;
  flush(): Promise<void>;
  /** Rounds in time order (oldest first), hop addresses restored from the path table. */
  rounds(targetId: number, query: RoundQuery): Promise<Round[]>;

  // Routes and names.
  recordRouteChange(change: RouteChange): Promise<StoredRouteChange>;
  routeChanges(
    targetId: number,
    query?: { start?: number; end?: number },
  ): Promise<StoredRouteChange[]>;
  /** The route in force at the end of the stored history (for resuming route tracking). */
  lastRoute(targetId: number): Promise<RoutePath | null>;
  recordAddressChange(change: AddressChange): Promise<void>;
  addressChanges(targetId: number): Promise<AddressChange[]>;
  putDnsName(entry: DnsName): Promise<void>;
  dnsNames(ips: string[]): Promise<Map<string, DnsName>>;

  close(): Promise<void>;
}
