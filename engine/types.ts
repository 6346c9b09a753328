// Shared vocabulary of the engine. Units are in the names: Ms = milliseconds, Us = microseconds.

export type Protocol = "icmp" | "udp" | "tcp";
export type IpVersion = 4 | 6;

/** One probe to send: a single packet with a TTL, answered by a ProbeResult. */
export interface ProbeRequest {
  /** Destination IP literal (never a name: names are resolved before probing). */
  address: string;
  ipVersion: IpVersion;
  ttl: number;
  protocol: Protocol;
  /** Destination port for udp/tcp; ignored for icmp. */
  port?: number;
  /** UDP source port held constant (a Paris-style flow); absent: it changes probe by probe. */
  localPort?: number;
  /** Packet size in bytes as mtr means it (whole IP packet for mtr-packet, payload for ping). */
  sizeBytes: number;
  timeoutMs: number;
}

/**
 * What came back for one probe.
 * - reply: the destination answered (echo reply, TCP SYN-ACK/RST, UDP port unreachable).
 * - ttlExceeded: a router at this TTL answered with Time Exceeded.
 * - unreachable: an ICMP unreachable (or a local no-route / network-down): `code` says which.
 * - timeout: nothing came back within the probe's timeout. This is packet loss.
 * - error: the probe could not be sent or its fate is unknown (prober crashed, permission, bad
 *   argument). Not packet loss: statistics leave errors out.
 * `approximate` marks RTTs that were measured around a child process (the ping prober's
 * intermediate hops) rather than taken from the packet exchange itself.
 */
/**
 * One MPLS label stack entry a router quoted in its ICMP answer (RFC 4950): the label, the traffic
 * class (formerly EXP), bottom of stack, and the TTL the labelled packet had.
 */
export interface MplsLabel {
  label: number;
  tc: number;
  s: boolean;
  ttl: number;
}

export type ProbeResult =
  | { kind: "reply"; ip: string; rttUs: number; approximate?: boolean; mpls?: MplsLabel[] }
  | { kind: "ttlExceeded"; ip: string; rttUs: number; approximate?: boolean; mpls?: MplsLabel[] }
  | {
    kind: "unreachable";
    ip: string | null;
    rttUs: number | null;
    code: string;
    approximate?: boolean;
    mpls?: MplsLabel[];
    /**
     * The TTL (hop limit) the probe still had when it reached the router that answered, as the
     * router quoted it (RFC 792, RFC 4443): that router is `ttl - quotedTtl + 1` hops away.
     * Absent when the prober cannot read the quote (mtr-packet, ping).
     */
    quotedTtl?: number;
  }
  | { kind: "timeout" }
  | { kind: "error"; code: string; message: string };

export type ProbeKind = ProbeResult["kind"];

export interface Prober {
  /** "mtr-packet" or "ping". */
  readonly name: string;
  /** False when the backend cannot see routers on the way (busybox ping): final hop only. */
  readonly intermediateHops?: boolean;
  /**
   * Protocols whose RTTs are kernel receive timestamps minus the time read just before each send,
   * so many probes leaving at once do not make them longer (mtr-packet and ping time a reply when
   * they read it). The engine starts such targets' rounds in batches (see SPREAD_SLOT_MS).
   */
  readonly kernelTimed?: readonly Protocol[];
  /**
   * Why it cannot send `protocol` on this host, said after "the NAME prober" (null: it can), for
   * probers whose protocols depend on the host; absent: its registry entry's protocols decide.
   */
  cannotSend?(protocol: Protocol): string | null;
  /** Times the backend's long-lived child died and was restarted (absent: it has none). */
  readonly restarts?: number;
  /**
   * Sends one probe and resolves when it is answered, times out, or fails. Never rejects for
   * network outcomes; an aborted signal resolves with kind "error", code "aborted".
   */
  probe(request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult>;
  /** Stops child processes; pending probes resolve as errors. */
  close(): Promise<void>;
}

/** Time source. Nothing in engine/ calls Date.now() or setTimeout directly. */
export interface Clock {
  /** Wall-clock epoch milliseconds (timestamps that are stored). */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond resolution (durations, schedules). */
  monotonic(): number;
  /** Resolves after `ms`; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** One hop of one round. `ip`/`rttUs` are null when nothing answered: never 0. */
export interface HopSample {
  ttl: number;
  kind: ProbeKind;
  ip: string | null;
  rttUs: number | null;
  approximate: boolean;
  /** For kind "unreachable" or "error": the prober's code (e.g. "no-route", "host-unreachable"). */
  code?: string;
  /** MPLS label stack quoted by the router (outermost first); absent when there was none. */
  mpls?: MplsLabel[];
}

/** One trace of the whole path, as finished by the tracer. */
export interface Round {
  targetId: number;
  /** Per-target sequence number, 0-based, counting scheduled rounds (skipped ones included). */
  seq: number;
  /** Epoch ms at which the round was scheduled to start. */
  startedAt: number;
  /** The IP that was probed. */
  address: string;
  /** TTL 1..n in order; ends at the destination when it answered. */
  hops: HopSample[];
  destinationReached: boolean;
}

/** A route: for each TTL (index 0 = TTL 1) the addresses seen there (several = ECMP, [] = silent). */
export type RoutePath = string[][];

export interface RouteChange {
  targetId: number;
  at: number;
  before: RoutePath;
  after: RoutePath;
}

/** The resolved address of a hostname target changed (dynamic DNS). */
export interface AddressChange {
  targetId: number;
  at: number;
  host: string;
  before: string | null;
  after: string;
}

/** Per-target engine options, every field resolved (see engine/options.ts for defaults). */
export interface TargetOptions {
  protocol: Protocol;
  packetSizeBytes: number;
  timeoutMs: number;
  maxHops: number;
  interPacketDelayMs: number;
  intervalMs: number;
  finalHopOnly: boolean;
  /** Destination port for udp/tcp (defaults: udp 33434, tcp 80). */
  port: number;
  /**
   * UDP flow (engine/flow.ts): 1..9999 keeps every probe's 5-tuple constant (Paris traceroute),
   * so ECMP routers send them all one way; 0 = classic (ports change probe by probe). Default 1
   * for udp; always 0 for icmp and tcp.
   */
  flowId: number;
  /** Restrict to one address family when resolving a name; null = first address found. */
  ipVersion: IpVersion | null;
}

export interface Target {
  id: number;
  /** Host as the user gave it: an IP literal or an RFC 1123 name. */
  host: string;
  label: string | null;
  options: TargetOptions;
  paused: boolean;
}
