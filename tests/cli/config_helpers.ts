// Shared by the config file tests.
import { isIpv4, isIpv6 } from "../../engine/mod.ts";

/** 127.0.0.0/8 or ::1: the only addresses a default or an example may name. */
export function isLoopbackAddress(host: string): boolean {
  if (isIpv4(host)) return host.startsWith("127.");
  return isIpv6(host) && host === "::1";
}
