// Choosing the native prober: it needs --allow-ffi (asked first, so Deno never prompts) and raw
// ICMP sockets (root or CAP_NET_RAW); UDP and TCP probes get mtr-packet when it works here.
import { ERRNO } from "./libc.ts";
import type { ProberEntry, ProberSelection, SelectOptions } from "./entry.ts";
import { mtrPacketEntry } from "./mtr_packet.ts";
import { NativeProber } from "./native.ts";

/** Opens raw ICMP sockets (root or CAP_NET_RAW, and --allow-ffi), with mtr-packet for UDP/TCP. */
async function openNative(options: SelectOptions): Promise<ProberSelection> {
  // Asked first: on a terminal, Deno would otherwise stop and prompt for FFI access.
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return { ok: false, reason: `native: ${FFI_NEEDED}` };
  }
  if (options.rawSockets === false) return { ok: false, reason: `native: ${RAW_NEEDED}` };
  let prober: NativeProber;
  try {
    prober = new NativeProber({ clock: options.clock });
  } catch (error) {
    return { ok: false, reason: `native: ${openProblem(error)}` };
  }
  const other = await mtrPacketEntry.open(options);
  if (other.ok) prober.carryOthersWith(other.prober);
  return { ok: true, prober };
}

const RAW_NEEDED =
  "raw ICMP sockets need root or CAP_NET_RAW (sudo setcap cap_net_raw+ep on the binary)";
const FFI_NEEDED = "needs --allow-ffi (it calls the C library's socket functions)";

function openProblem(error: unknown): string {
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return FFI_NEEDED;
  }
  const errno = (error as { errno?: number }).errno;
  if (errno === ERRNO.EPERM || errno === ERRNO.EACCES) {
    return RAW_NEEDED;
  }
  return error instanceof Error ? error.message : String(error);
}

export const nativeEntry: ProberEntry = {
  name: "native",
  description: "PingWatcher's own ICMP sockets: no child process, kernel-timed RTTs (Linux, " +
    "root or CAP_NET_RAW); UDP and TCP through mtr-packet",
  capabilities: {
    protocols: ["icmp"],
    families: ["ipv4", "ipv6"],
    timing: "exact",
    platforms: ["linux"],
    programs: [],
  },
  open: openNative,
};
