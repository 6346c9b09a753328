// Linux's C library through Deno's FFI, for the native prober: raw ICMP sockets that timestamp
// what they receive in the kernel (SO_TIMESTAMPNS), and a poll() on a helper thread that wakes
// the event loop once for every batch of arrivals. Loaded on first use; needs --allow-ffi.
// Constants and struct layouts are Linux's on 64-bit x86 and ARM (the two it is opened on).
const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  poll: { parameters: ["buffer", "usize", "i32"], result: "i32", nonblocking: true },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Symbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

const AF = { 4: 2, 6: 10 } as const;
const SOCK_RAW = 3;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const IPPROTO_IP = 0;
const IPPROTO_IPV6 = 41;
const IPPROTO_ICMPV6 = 58;
const SOL_SOCKET = 1;
const SOL_RAW = 255;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;
const SO_TIMESTAMPNS = 35;
const MSG_DONTWAIT = 0x40;
const POLLIN = 1;
export const ERRNO = {
  EPERM: 1,
  EINTR: 4,
  EAGAIN: 11,
  EACCES: 13,
  EMSGSIZE: 90,
  EAFNOSUPPORT: 97,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ENOBUFS: 105,
  EHOSTUNREACH: 113,
} as const;

let loaded: { symbols: Symbols; errno: Deno.UnsafePointerView } | null = null;

/** The C library, opened once; throws when FFI is not allowed or this is not Linux on 64 bits. */
function libc() {
  if (loaded) return loaded;
  if (Deno.build.os !== "linux" || !["x86_64", "aarch64"].includes(Deno.build.arch)) {
    throw new Error(
      `needs Linux on x86_64 or aarch64 (this is ${Deno.build.os} ${Deno.build.arch})`,
    );
  }
  const { symbols } = Deno.dlopen("libc.so.6", SYMBOLS);
  loaded = { symbols, errno: new Deno.UnsafePointerView(symbols.__errno_location()!) };
  return loaded;
}

function errno(): number {
  return libc().errno.getInt32();
}

/** Off-heap bytes whose address stays put (small typed arrays may live in V8's moving heap). */
function pinned(bytes: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(bytes));
}

function addressOf(bytes: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
}

export class SocketError extends Error {
  constructor(readonly call: string, readonly errno: number) {
    super(`${call} failed (errno ${errno})`);
  }
}

/** One received datagram; `bytes`/`source` are reused by the next receive. */
export interface Datagram {
  bytes: Uint8Array;
  length: number;
  source: Uint8Array;
  /** Kernel arrival time (CLOCK_REALTIME), or null when the kernel attached none. */
  sec: number | null;
  nsec: number;
}

/** A non-blocking raw ICMP (IPv4) or ICMPv6 socket that passes only the given message types. */
export class RawIcmpSocket {
  readonly fd: number;
  readonly #int = pinned(4);
  readonly #data = pinned(4096);
  readonly #name = pinned(32);
  readonly #control = pinned(128);
  readonly #header = pinned(56);
  readonly #iov = pinned(16);
  readonly #headerView: DataView;
  readonly #controlView: DataView;
  readonly #datagram: Datagram;
  #ttl = -1;

  constructor(readonly version: 4 | 6, passTypes: readonly number[]) {
    const { symbols } = libc();
    const protocol = version === 4 ? 1 : IPPROTO_ICMPV6;
    this.fd = symbols.socket(AF[version], SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (this.fd < 0) throw new SocketError("socket", errno());
    try {
      this.#filter(passTypes);
      this.#setInt(SOL_SOCKET, SO_TIMESTAMPNS, 1);
      // Bursts of replies wait here while the event loop is busy; raise the buffer past rmem_max
      // when allowed (root), else to what rmem_max permits.
      if (!this.#trySetInt(SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)) {
        this.#trySetInt(SOL_SOCKET, SO_RCVBUF, 4 << 20);
      }
    } catch (error) {
      symbols.close(this.fd);
      throw error;
    }
    const iov = new DataView(this.#iov.buffer);
    iov.setBigUint64(0, addressOf(this.#data), true);
    iov.setBigUint64(8, BigInt(this.#data.length), true);
    this.#headerView = new DataView(this.#header.buffer);
    this.#headerView.setBigUint64(0, addressOf(this.#name), true);
    this.#headerView.setBigUint64(16, addressOf(this.#iov), true);
    this.#headerView.setBigUint64(24, 1n, true);
    this.#headerView.setBigUint64(32, addressOf(this.#control), true);
    this.#controlView = new DataView(this.#control.buffer);
    const sourceAt = version === 4 ? 4 : 8;
    this.#datagram = {
      bytes: this.#data,
      length: 0,
      source: this.#name.subarray(sourceAt, sourceAt + (version === 4 ? 4 : 16)),
      sec: null,
      nsec: 0,
    };
  }

  /** Sets the TTL (hop limit) of the next sends; a no-op when it is already that. */
  setTtl(ttl: number): void {
    if (ttl === this.#ttl) return;
    if (this.version === 4) this.#setInt(IPPROTO_IP, 2, ttl);
    else this.#setInt(IPPROTO_IPV6, 16, ttl);
    this.#ttl = ttl;
  }

  /** Sends one packet; 0, or the errno of a failed send. */
  send(packet: Uint8Array, sockaddr: Uint8Array): number {
    const sent = libc().symbols.sendto(
      this.fd,
      packet,
      BigInt(packet.length),
      0,
      sockaddr,
      sockaddr.length,
    );
    return Number(sent) < 0 ? errno() : 0;
  }

  /** The next waiting datagram, or null when none is waiting. */
  receive(): Datagram | null {
    const { symbols } = libc();
    for (;;) {
      this.#headerView.setUint32(8, this.#name.length, true);
      this.#headerView.setUint32(40, this.#control.length, true);
      const length = Number(symbols.recvmsg(this.fd, this.#header, MSG_DONTWAIT));
      if (length >= 0) return this.#read(length);
      const code = errno();
      if (code === ERRNO.EINTR) continue;
      if (code === ERRNO.EAGAIN) return null;
      throw new SocketError("recvmsg", code);
    }
  }

  close(): void {
    libc().symbols.close(this.fd);
  }

  #read(length: number): Datagram {
    const datagram = this.#datagram;
    datagram.length = length;
    datagram.sec = null;
    const controlBytes = int64(this.#headerView, 40);
    for (let at = 0; at + 16 <= controlBytes;) {
      const cmsgBytes = int64(this.#controlView, at);
      if (cmsgBytes < 16) break;
      const level = this.#controlView.getInt32(at + 8, true);
      const type = this.#controlView.getInt32(at + 12, true);
      if (level === SOL_SOCKET && type === SO_TIMESTAMPNS && cmsgBytes >= 32) {
        datagram.sec = int64(this.#controlView, at + 16);
        datagram.nsec = int64(this.#controlView, at + 24);
      }
      at += (cmsgBytes + 7) & ~7;
    }
    return datagram;
  }

  /** Raw sockets see every ICMP message of the host: the kernel drops the rest before us. */
  #filter(passTypes: readonly number[]): void {
    const { symbols } = libc();
    const words = new Uint32Array(new ArrayBuffer(this.version === 4 ? 4 : 32)).fill(0xffffffff);
    for (const type of passTypes) words[type >> 5] &= ~(1 << (type & 31));
    const bytes = new Uint8Array(words.buffer);
    const level = this.version === 4 ? SOL_RAW : IPPROTO_ICMPV6;
    if (symbols.setsockopt(this.fd, level, 1, bytes, bytes.length) < 0) {
      throw new SocketError("setsockopt(ICMP filter)", errno());
    }
  }

  #setInt(level: number, name: number, value: number): void {
    if (!this.#trySetInt(level, name, value)) throw new SocketError("setsockopt", errno());
  }

  #trySetInt(level: number, name: number, value: number): boolean {
    new DataView(this.#int.buffer).setInt32(0, value, true);
    return libc().symbols.setsockopt(this.fd, level, name, this.#int, 4) === 0;
  }
}

/** A sockaddr_in / sockaddr_in6 for an address's bytes (4 or 16). */
export function sockaddr(address: Uint8Array): Uint8Array {
  const v4 = address.length === 4;
  const bytes = pinned(v4 ? 16 : 28);
  new DataView(bytes.buffer).setUint16(0, v4 ? AF[4] : AF[6], true);
  bytes.set(address, v4 ? 4 : 8);
  return bytes;
}

/** CLOCK_REALTIME, the clock of the kernel's receive timestamps: read() then sec and nsec. */
export class RealtimeClock {
  readonly #buffer = pinned(16);
  readonly #view = new DataView(this.#buffer.buffer);

  read(): void {
    libc().symbols.clock_gettime(0, this.#buffer);
  }

  get sec(): number {
    return int64(this.#view, 0);
  }

  get nsec(): number {
    return int64(this.#view, 8);
  }
}

/** A little-endian 64-bit integer as a number, without a BigInt per read. */
function int64(view: DataView, at: number): number {
  return view.getInt32(at + 4, true) * 0x1_0000_0000 + view.getUint32(at, true);
}

/**
 * Waits on a helper thread until one of the sockets has something to read (or `wake()` is
 * called), so the event loop is woken once per batch of arrivals instead of once per packet.
 */
export class Readiness {
  readonly #pipe = pinned(8);
  readonly #pollfds: Uint8Array;
  readonly #count: number;
  readonly #byte = pinned(8);

  constructor(fds: readonly number[]) {
    const { symbols } = libc();
    // O_NONBLOCK and O_CLOEXEC have the values of SOCK_NONBLOCK and SOCK_CLOEXEC on Linux.
    if (symbols.pipe2(this.#pipe, SOCK_NONBLOCK | SOCK_CLOEXEC) < 0) {
      throw new SocketError("pipe2", errno());
    }
    const all = [...fds, this.#fd(0)];
    this.#count = all.length;
    this.#pollfds = pinned(8 * all.length);
    const view = new DataView(this.#pollfds.buffer);
    all.forEach((fd, i) => {
      view.setInt32(8 * i, fd, true);
      view.setInt16(8 * i + 4, POLLIN, true);
    });
  }

  /**
   * Resolves when a socket is readable or wake() was called, with a bit set for each readable
   * socket (bit i: the constructor's fds[i]).
   */
  async wait(): Promise<number> {
    const { symbols } = libc();
    await symbols.poll(this.#pollfds, BigInt(this.#count), -1);
    const view = new DataView(this.#pollfds.buffer);
    let ready = 0;
    for (let i = 0; i < this.#count - 1; i++) {
      if (view.getInt16(8 * i + 6, true) !== 0) ready |= 1 << i;
    }
    if (view.getInt16(8 * (this.#count - 1) + 6, true) !== 0) {
      while (Number(symbols.read(this.#fd(0), this.#byte, 8n)) > 0) { /* drained */ }
    }
    return ready;
  }

  wake(): void {
    libc().symbols.write(this.#fd(1), this.#byte, 1n);
  }

  /** Call only once no wait() is running (a closed descriptor's number could be reused). */
  close(): void {
    libc().symbols.close(this.#fd(0));
    libc().symbols.close(this.#fd(1));
  }

  #fd(end: 0 | 1): number {
    return new DataView(this.#pipe.buffer).getInt32(4 * end, true);
  }
}
