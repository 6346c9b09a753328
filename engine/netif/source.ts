// Picks the interface source for this operating system; others are told it is not supported.
import { linuxSource } from "./linux.ts";
import { macosSource } from "./macos.ts";
import type { InterfaceSource } from "./types.ts";

export type SourceChoice = { ok: true; source: InterfaceSource } | { ok: false; reason: string };

export function systemInterfaceSource(os: string = Deno.build.os): SourceChoice {
  if (os === "linux") return { ok: true, source: linuxSource() };
  if (os === "darwin") return { ok: true, source: macosSource() };
  return {
    ok: false,
    reason: `interface monitoring is not supported on ${os} (Linux and macOS only)`,
  };
}
