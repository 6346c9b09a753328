// The storage ports: narrow interfaces a consumer takes one at a time (targets, rounds and
// history, server records, alerts, maintenance), and `Store`, all of them together, which every
// backend implements (store/sqlite/ today). Each port has one shared suite under tests/store/
// that every backend must pass. Methods are async so a networked backend fits the same shape.
import type {
  AddressChange,
  Round,
  RouteChange,
  RoutePath,
  TargetOptions,
} from "../engine/ground.ts";
import type { RoundPageQuery, ServerRecordStore } from "./server_types.ts";
import type { AlertStore } from "./alerts_types.ts";
import type { HistoryStore } from "./history_types.ts";
import type { OutageStore } from "./outages_types.ts";
import type { InterfaceStore } from "./interface_types.ts";

export interface TargetRecord {
  id: number;
  host: string;
  label: string | null;
  options: TargetOptions;
  paused: boolean;
  createdAt: number;
}

/** A target without its options: what lists that show no options need (the summary). */
export type TargetHead = Omit<TargetRecord, "options">;

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

/** Targets: what is monitored and with which options. */
export interface TargetStore {
  addTarget(target: NewTarget): Promise<TargetRecord>;
  getTarget(id: number): Promise<TargetRecord | null>;
  listTargets(): Promise<TargetRecord[]>;
  /** Every target's head, in id order: listTargets without the options, for less to copy. */
  listTargetHeads(): Promise<TargetHead[]>;
  updateTarget(id: number, patch: TargetPatch): Promise<TargetRecord | null>;
  /** Deletes the target and all its data. Returns false when there was no such target. */
  removeTarget(id: number): Promise<boolean>;
}

/** Rounds and everything derived from them: routes, names and the long-term history queries. */
export interface RoundStore extends Omit<HistoryStore, "enforceRetention"> {
  // appendRound only queues; a writer flushes queued rounds in one transaction at least once per
  // second (and on flush()/close(), see MaintenanceStore).
  appendRound(round: Round): void;
  /** Rounds in time order (oldest first), hop addresses restored from the path table. */
  rounds(targetId: number, query: RoundQuery): Promise<Round[]>;
  /**
   * One page of flushed rounds in time order after a cursor: streamed exports read ranges of any
   * size this way (flush() first to include what is queued).
   */
  roundPage(targetId: number, query: RoundPageQuery): Promise<Round[]>;

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
}

/** How much room the data takes: `freeBytes` is space the backend reuses for new data. */
export interface StorageSpace {
  /** Where the data lives (a file path, or a description without credentials). */
  location: string;
  usedBytes: number;
  freeBytes: number;
}

/** The round writer's state and what it has done since the store was opened (for /metrics). */
export interface StoreStats {
  /** Rounds accepted by appendRound and not written yet. */
  queuedRounds: number;
  /** Flushes that committed rounds, flushes that failed, and the wall time both took. */
  flushes: number;
  failedFlushes: number;
  flushMsTotal: number;
  /** The newest flush's duration (null: none yet). */
  lastFlushMs: number | null;
  /** Rounds written since the store was opened (duplicates and orphans left out). */
  roundsWritten: number;
  /**
   * Rounds dropped since the store was opened because the queue was at its bound while the
   * database could not be written (0 for SQLite, whose queue only waits for a local file).
   */
  droppedRounds: number;
  /** The data's size now, read cheaply: pending writes are not settled first (see storageSpace). */
  sizeBytes: number;
}

export interface IntegrityReport {
  ok: boolean;
  /** What the backend found wrong (empty when ok). */
  problems: string[];
}

/** Upkeep: retention, returning space, checking, and the end of the store's life. */
export interface MaintenanceStore {
  /**
   * Runs one bounded retention step now (the writer loop also runs them on its own), with the
   * retention the store was opened with. Call until `done` to remove everything past it.
   */
  enforceRetention(options?: { maxRows?: number }): Promise<{ deletedRows: number; done: boolean }>;
  /** The space taken and the space free inside it, after pending writes are settled. */
  storageSpace(): Promise<StorageSpace>;
  /** Queue depth, flush counts and times, and the current size; writes nothing, cheap to poll. */
  storeStats(): Promise<StoreStats>;
  /** Returns free space to the file system (or the database server). Blocks writers meanwhile. */
  vacuum(): Promise<StorageSpace>;
  checkIntegrity(): Promise<IntegrityReport>;
  /** Writes every queued round now. */
  flush(): Promise<void>;
  /** Flushes and releases the store; later calls reject. */
  close(): Promise<void>;
}

/** A vantage point that wrote rounds into the store (see AgentStore). */
export interface AgentRecord {
  name: string;
  /** Epoch ms of its first and newest write. */
  firstSeen: number;
  lastSeen: number;
  /** Targets it has measured (rounds or route records stored under its name). */
  targetCount: number;
}

/** The per-target measurement reads, as one agent measured the target. */
export type AgentReads = Pick<
  RoundStore,
  | "rounds"
  | "roundPage"
  | "routeChanges"
  | "addressChanges"
  | "hopStats"
  | "timeline"
  | "insights"
  | "exportRounds"
>;

/**
 * Vantage points: every round a store writes is marked with the agent it was opened as. The
 * other ports read, for a target, the opener's own measurements when it has any, else those of
 * the agent seen most recently; `agentReads(name)` reads one agent's.
 */
export interface AgentStore {
  /** The agent this store writes as. */
  readonly agent: string;
  /** Agents that have written rounds, by name. */
  listAgents(): Promise<AgentRecord[]>;
  /** One agent's measurements, or null when no agent of that name ever wrote here. */
  agentReads(name: string): Promise<AgentReads | null>;
}

/** Every port together: what a backend implements and what openStore returns. */
export interface Store
  extends
    AgentStore,
    TargetStore,
    RoundStore,
    ServerRecordStore,
    AlertStore,
    OutageStore,
    MaintenanceStore,
    InterfaceStore {}
