// The macOS source: `netstat -ibn` through Deno.Command for the counters and up/down, and
// `route -n get default` for the default route's interface. Speed and carrier are unknown.
import { parseNetstatIbn, parseRouteGetDefault } from "./netstat_parse.ts";
import type { InterfaceReading, InterfaceSource, LinkKind } from "./types.ts";

async function run(command: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" })
    .output();
  if (!output.success) {
    const err = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`${command} ${args.join(" ")} failed (exit ${output.code}): ${err}`);
  }
  return new TextDecoder().decode(output.stdout);
}

export function macKindOf(name: string): LinkKind {
  if (/^lo\d+$/.test(name)) return "loopback";
  if (/^(utun|gif|stf|ipsec|ppp)\d+$/.test(name)) return "tunnel";
  if (/^en\d+$/.test(name)) return "ethernet";
  return "other";
}

export function macosSource(): InterfaceSource {
  return {
    platform: "darwin",
    async read(): Promise<InterfaceReading[]> {
      return parseNetstatIbn(await run("netstat", ["-ibn"])).map((row) => ({
        name: row.name,
        state: row.up ? "up" : "down",
        kind: macKindOf(row.name),
        speedMbps: null,
        carrier: null,
        // netstat prints the 64-bit if_data64 counters.
        counterBits: 64,
        counters: row.counters,
      }));
    },
    async defaultRouteInterface() {
      try {
        return parseRouteGetDefault(await run("route", ["-n", "get", "default"]));
      } catch {
        return null;
      }
    },
  };
}
