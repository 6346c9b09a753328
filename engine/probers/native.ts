// The native prober: PingWatcher's own raw ICMP sockets, no child process. A probe is one
// sendto(); replies are read in batches when a helper thread's poll() says they are there, and
// timed by the kernel's receive timestamp against the clock read just before the send, so a busy
// event loop delays reading a reply but not its RTT. UDP and TCP probes go to mtr-packet.
import { whenAborted } from "../abort.ts";
import { systemClock } from "../clock.ts";
import { log } from "../log.ts";
import type { Clock, IpVersion, Prober, ProbeRequest, ProbeResult, Protocol } from "../types.ts";
import { Deadlines } from "./deadlines.ts";
import {
  addressBytes,
  addressText,
  type IcmpAnswer,
  parseIcmp,
  payloadBytes,
  sameBytes,
  writeEcho,
} from "./icmp_packet.ts";
import { type Datagram, ERRNO, RawIcmpSocket, Readiness, RealtimeClock, sockaddr } from "./libc.ts";

/** ICMP types a socket passes up: echo reply, unreachable, time exceeded, parameter problem. */
const PASS_TYPES = { 4: [0, 3, 11, 12], 6: [1, 2, 3, 4, 129] } as const;
/** Datagrams read per wake-up before the event loop gets a turn again. */
const BATCH = 1024;
const MAX_ADDRESSES = 10_000;

interface Family {
  socket: RawIcmpSocket;
  /** Its place in a probe's token (see #send). */
  slot: 0 | 1;
  /**
   * The probe in flight on each sequence number. An array, not a map by token: a map that empties
   * after every burst of answers and refills with the next reallocates its table each time.
   */
  held: (Pending | undefined)[];
  nextSeq: number;
  /** One echo request buffer per payload size, rewritten for each probe. */
  packets: Map<number, Uint8Array>;
}

interface Address {
  bytes: Uint8Array;
  sockaddr: Uint8Array;
  text: string;
}

interface Pending {
  token: number;
  family: Family;
  seq: number;
  request: ProbeRequest;
  destination: Uint8Array;
  /** The destination's usual text form (the reply's address). */
  text: string;
  sec: number;
  nsec: number;
  settle: (result: ProbeResult) => void;
}

export interface NativeOptions {
  clock?: Clock;
}

export class NativeProber implements Prober {
  readonly name = "native";
  readonly intermediateHops = true;
  readonly kernelTimed: readonly Protocol[] = ["icmp"];
  readonly #families: Partial<Record<IpVersion, Family>> = {};
  /** The open families, in the order Readiness reports them. */
  readonly #familyList: Family[];
  /** The open families by slot. */
  readonly #bySlot: (Family | undefined)[] = [];
  readonly #unavailable: Partial<Record<IpVersion, string>> = {};
  readonly #addresses = new Map<string, Address>();
  readonly #id = 1 + Math.floor(Math.random() * 0xfffe);
  readonly #realtime = new RealtimeClock();
  readonly #timeouts: Deadlines;
  readonly #readiness: Readiness;
  readonly #receiving: Promise<void>;
  #other: Prober | null = null;
  /** Probes sent so far: with the family and the sequence number, a probe's unique token. */
  #sent = 0;
  #closed = false;

  /** Opens the IPv4 socket (throws when it cannot) and the IPv6 one when this host has IPv6. */
  constructor(options: NativeOptions = {}) {
    this.#families[4] = family(new RawIcmpSocket(4, PASS_TYPES[4]), 0);
    try {
      this.#families[6] = family(new RawIcmpSocket(6, PASS_TYPES[6]), 1);
    } catch (error) {
      this.#unavailable[6] = `no ICMPv6 socket here (${(error as Error).message})`;
    }
    this.#familyList = Object.values(this.#families);
    for (const family of this.#familyList) this.#bySlot[family.slot] = family;
    this.#readiness = new Readiness(this.#familyList.map((f) => f.socket.fd));
    this.#timeouts = new Deadlines(options.clock ?? systemClock, (token) => this.#timedOut(token), {
      live: (token) => this.#pending(token) !== undefined,
    });
    this.#receiving = this.#receive();
  }

  /** Sends UDP and TCP probes through `other` (mtr-packet); without it only ICMP is sent. */
  carryOthersWith(other: Prober): void {
    this.#other = other;
  }

  /** What it can send: ICMP, and UDP/TCP when mtr-packet carries them. */
  get protocols(): readonly Protocol[] {
    return this.#other ? ["icmp", "udp", "tcp"] : ["icmp"];
  }

  cannotSend(protocol: Protocol): string | null {
    if (this.protocols.includes(protocol)) return null;
    return `sends ${protocol.toUpperCase()} probes through mtr-packet, which is not installed: ` +
      "install mtr-tiny, or use ICMP";
  }

  get restarts(): number | undefined {
    return this.#other?.restarts;
  }

  probe(request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
    if (this.#closed) return Promise.resolve(failure("closed", "the prober was closed"));
    if (request.protocol !== "icmp") {
      return this.#other?.probe(request, signal) ?? Promise.resolve(failure(
        "prober-unavailable",
        `the native prober ${this.cannotSend(request.protocol)}`,
      ));
    }
    const family = this.#families[request.ipVersion];
    if (!family) {
      return Promise.resolve(failure("prober-unavailable", this.#unavailable[request.ipVersion]!));
    }
    if (signal?.aborted) return Promise.resolve(failure("aborted", "the probe was cancelled"));
    const seq = freeSeq(family);
    if (seq < 0) {
      return Promise.resolve(failure("probes-exhausted", "65,536 ICMP probes are in flight"));
    }
    return new Promise((resolve) => this.#send(family, seq, request, resolve, signal));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timeouts.stop();
    this.#readiness.wake();
    await this.#receiving;
    this.#readiness.close();
    for (const family of this.#familyList) family.socket.close();
    for (const family of this.#familyList) {
      for (const pending of family.held) {
        pending?.settle(failure("closed", "the prober was closed"));
      }
      family.held.fill(undefined);
    }
    await this.#other?.close();
  }

  #send(
    family: Family,
    seq: number,
    request: ProbeRequest,
    resolve: (result: ProbeResult) => void,
    signal?: AbortSignal,
  ): void {
    const target = this.#address(request.address);
    const size = payloadBytes(request.ipVersion, request.sizeBytes);
    let packet = family.packets.get(size);
    if (!packet) family.packets.set(size, packet = new Uint8Array(new ArrayBuffer(8 + size)));
    writeEcho(packet, request.ipVersion, this.#id, seq);
    try {
      family.socket.setTtl(request.ttl);
    } catch (error) {
      return resolve(
        failure("invalid-argument", `TTL ${request.ttl}: ${(error as Error).message}`),
      );
    }
    this.#realtime.read();
    const { sec, nsec } = this.#realtime;
    const errno = family.socket.send(packet, target.sockaddr);
    if (errno !== 0) return resolve(sendFailure(errno, packet.length));
    // Unique per probe, and it says where the probe is held: its socket and sequence number.
    const token = (++this.#sent * 2 + family.slot) * 65536 + seq;
    // One listener per signal, not per probe (see engine/abort.ts).
    const stopWatching = signal
      ? whenAborted(
        signal,
        () => this.#settle(token, failure("aborted", "the probe was cancelled")),
      )
      : undefined;
    const settle = (result: ProbeResult) => {
      stopWatching?.();
      resolve(result);
    };
    family.held[seq] = {
      token,
      family,
      seq,
      request,
      destination: target.bytes,
      text: target.text,
      sec,
      nsec,
      settle,
    };
    this.#timeouts.add(request.timeoutMs, token);
  }

  /** The probe still in flight with this token, if any. */
  #pending(token: number): Pending | undefined {
    const seq = token % 65536;
    const slot = Math.floor(token / 65536) % 2;
    const pending = this.#bySlot[slot]?.held[seq];
    return pending?.token === token ? pending : undefined;
  }

  #settle(token: number, result: ProbeResult): void {
    const pending = this.#pending(token);
    if (!pending) return;
    pending.family.held[pending.seq] = undefined;
    pending.settle(result);
  }

  /** The timeout passed: unless the answer is waiting unread (a busy event loop), it is lost. */
  #timedOut(token: number): void {
    if (!this.#pending(token)) return;
    this.#drain();
    this.#settle(token, { kind: "timeout" });
  }

  async #receive(): Promise<void> {
    while (!this.#closed) {
      const ready = await this.#readiness.wait();
      if (this.#closed) return;
      try {
        this.#drain(ready);
      } catch (error) {
        log.warn("native prober: reading replies failed", { error: String(error) });
      }
    }
  }

  /** Reads what waits on the sockets whose bit is set in `ready` (bit i: #familyList[i]). */
  #drain(ready = -1): void {
    for (let f = 0; f < this.#familyList.length; f++) {
      if ((ready & (1 << f)) === 0) continue;
      const family = this.#familyList[f];
      for (let i = 0; i < BATCH; i++) {
        const datagram = family.socket.receive();
        if (datagram === null) break;
        this.#answer(family, datagram);
      }
    }
  }

  #answer(family: Family, datagram: Datagram): void {
    const version = family.socket.version;
    const answer = parseIcmp(version, datagram.bytes, datagram.length, datagram.source);
    if (answer === null || answer.id !== this.#id) return;
    const pending = family.held[answer.seq];
    if (!pending || !sameBytes(answer.destination, pending.destination)) return;
    const { token } = pending;
    let { sec, nsec } = datagram;
    if (sec === null) {
      this.#realtime.read();
      ({ sec, nsec } = this.#realtime);
    }
    const rttUs = Math.max(0, Math.round((sec - pending.sec) * 1e6 + (nsec - pending.nsec) / 1e3));
    if (rttUs > pending.request.timeoutMs * 1000) return this.#settle(token, { kind: "timeout" });
    const ip = answer.kind === "reply" ? pending.text : addressText(datagram.source);
    this.#settle(token, resultOf(answer, ip, rttUs));
  }

  #address(address: string): Address {
    let known = this.#addresses.get(address);
    if (!known) {
      if (this.#addresses.size >= MAX_ADDRESSES) this.#addresses.clear();
      const bytes = addressBytes(address);
      known = { bytes, sockaddr: sockaddr(bytes), text: addressText(bytes) };
      this.#addresses.set(address, known);
    }
    return known;
  }
}

function family(socket: RawIcmpSocket, slot: 0 | 1): Family {
  return { socket, slot, held: new Array(65536).fill(undefined), nextSeq: 0, packets: new Map() };
}

/** The next sequence number no probe in flight holds, or -1 when all are held. */
function freeSeq(family: Family): number {
  for (let i = 0; i < 65536; i++) {
    const seq = family.nextSeq;
    family.nextSeq = (seq + 1) & 0xffff;
    if (family.held[seq] === undefined) return seq;
  }
  return -1;
}

function resultOf(answer: IcmpAnswer, ip: string, rttUs: number): ProbeResult {
  const mpls = answer.mpls ? { mpls: answer.mpls } : {};
  if (answer.kind === "unreachable") {
    const code = answer.code ?? "unreachable";
    return { kind: "unreachable", ip, rttUs, code, quotedTtl: answer.quotedTtl, ...mpls };
  }
  return { kind: answer.kind, ip, rttUs, ...mpls };
}

function failure(code: string, message: string): ProbeResult {
  return { kind: "error", code, message };
}

/** A send the kernel refused: no route here is an unreachable, the rest are not packet loss. */
function sendFailure(errno: number, bytes: number): ProbeResult {
  switch (errno) {
    case ERRNO.ENETUNREACH:
    case ERRNO.EHOSTUNREACH:
      return { kind: "unreachable", ip: null, rttUs: null, code: "no-route" };
    case ERRNO.ENETDOWN:
      return { kind: "unreachable", ip: null, rttUs: null, code: "network-down" };
    case ERRNO.EPERM:
    case ERRNO.EACCES:
      return failure("permission-denied", "the operating system denied sending the probe");
    case ERRNO.EAGAIN:
    case ERRNO.ENOBUFS:
      return failure("send-buffer-full", "the socket's send buffer was full");
    case ERRNO.EMSGSIZE:
      return failure("invalid-argument", `a ${bytes}-byte ICMP message does not fit the path MTU`);
  }
  return failure("unexpected-error", `sendto failed (errno ${errno})`);
}
