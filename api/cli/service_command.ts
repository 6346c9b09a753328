// `pingwatcher service print systemd|launchd`: prints a unit that runs the server headless with
// narrowed Deno permissions (service_unit.ts renders it). Every value is checked here: a path
// that is relative or carries characters a unit or a permission list cannot hold, a bad host,
// port, user or name is a usage error (exit 2).
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { basename } from "node:path";
import { isIpv4, isIpv6, parseHost } from "../../engine/mod.ts";
import { type CliIo, type Command, UsageError } from "./command.ts";
import { launchdPlist, type ServiceSpec, systemdUnit } from "./service_unit.ts";

const FORMATS = { systemd: systemdUnit, launchd: launchdPlist } as const;
type Format = keyof typeof FORMATS;

const DEFAULT_DATA_DIR: Record<Format, string> = {
  systemd: "/var/lib/pingwatcher",
  launchd: "/usr/local/var/pingwatcher",
};

export const SERVICE_USAGE = `Usage: pingwatcher service print systemd|launchd [options]

Prints a service definition that runs the server headless (pingwatcher serve --headless) with
narrowed Deno permissions: --allow-run only the probers (mtr-packet, ping, ping6) and the interface
monitor's readers (grep for /proc and /sys, netstat and route on macOS), --allow-read and
--allow-write only the data directory, --allow-net only the listen address and the name servers
(reverse DNS), --allow-env only the variables PingWatcher reads.
  --data-dir DIR         data directory (default /var/lib/pingwatcher for systemd,
                         /usr/local/var/pingwatcher for launchd)
  --host ADDRESS         listen address (default 127.0.0.1)
  --port N               listen port (default 8000)
  --user NAME            run as this user (systemd User=, launchd UserName)
  --name NAME            unit name / launchd Label (default pingwatcher)
  --deno PATH            run main.ts with this deno (default: this program: the compiled binary,
                         or the deno running main.ts)
  --dns-server ADDRESS   name server for reverse DNS, repeatable (default: /etc/resolv.conf's)
  --net HOST[:PORT]      another destination, repeatable: host-name targets (their names are
                         resolved), SMTP servers, webhook hosts
  --allow-command PATH   a program alert command actions may run, repeatable
  --native-prober        systemd only: also --allow-ffi and CAP_NET_RAW for the server itself, so
                         it probes with its own ICMP sockets (the native prober) instead of
                         mtr-packet; FFI gives the program what Deno's sandbox otherwise withholds
Paths must be absolute, without quotes, commas, $, % or backslashes.`;

export const serviceCommand: Command = {
  name: "service",
  summary: "print a systemd unit or launchd plist with narrowed permissions",
  usage: SERVICE_USAGE,
  run: (argv, io) => Promise.resolve(runService(argv, io)),
};

export function runService(argv: string[], io: Pick<CliIo, "write">): number {
  const { values, positionals } = parse(argv);
  if (positionals[0] !== "print") throw new UsageError("expected: service print systemd|launchd");
  const format = positionals[1];
  if (format !== "systemd" && format !== "launchd") {
    throw new UsageError(`service print: "${format ?? ""}" is not one of systemd, launchd`);
  }
  if (positionals.length > 2) throw new UsageError(`unexpected argument "${positionals[2]}"`);
  io.write(FORMATS[format](serviceSpec(format, values)));
  return 0;
}

type Values = ReturnType<typeof parse>["values"];

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        "data-dir": { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        user: { type: "string" },
        name: { type: "string" },
        deno: { type: "string" },
        "dns-server": { type: "string", multiple: true },
        net: { type: "string", multiple: true },
        "allow-command": { type: "string", multiple: true },
        "native-prober": { type: "boolean" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Resolves and validates the options into what the renderers need. */
export function serviceSpec(format: Format, values: Values): ServiceSpec {
  const dataDir = absolutePath("--data-dir", values["data-dir"] ?? DEFAULT_DATA_DIR[format]);
  const user = values.user ?? null;
  if (user !== null && !/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
    throw new UsageError(`--user: "${user}" is not a valid user name`);
  }
  const nativeProber = values["native-prober"] ?? false;
  if (nativeProber && format !== "systemd") {
    throw new UsageError("--native-prober: the native prober runs on Linux only (systemd)");
  }
  const name = values.name ?? "pingwatcher";
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new UsageError(`--name: "${name}" may hold only letters, digits, ".", "_" and "-"`);
  }
  return {
    name,
    dataDir,
    host: listenHost(values.host ?? "127.0.0.1"),
    port: port(values.port ?? "8000"),
    user,
    ...program(values.deno),
    dnsServers: (values["dns-server"] ?? systemNameServers()).map((ip) => {
      if (!isIpv4(ip) && !isIpv6(ip)) {
        throw new UsageError(`--dns-server: "${ip}" is not an IP address`);
      }
      return ip;
    }),
    net: (values.net ?? []).map(netDestination),
    commands: (values["allow-command"] ?? []).map((p) => absolutePath("--allow-command", p)),
    nativeProber,
  };
}

function absolutePath(flag: string, path: string): string {
  if (!path.startsWith("/")) throw new UsageError(`${flag}: "${path}" is not an absolute path`);
  const control = [...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (control || /["'\\$%,`]/.test(path)) {
    throw new UsageError(
      `${flag}: "${JSON.stringify(path).slice(1, -1)}" holds a newline, quote, comma, $, % or ` +
        `backslash, which a unit file or a permission list cannot carry`,
    );
  }
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  if (trimmed.split("/").some((part) => part === "." || part === "..")) {
    throw new UsageError(`${flag}: "${path}" must not contain . or .. parts`);
  }
  return trimmed;
}

function listenHost(text: string): string {
  try {
    return parseHost(text.replace(/^\[(.*)\]$/, "$1")).host;
  } catch {
    throw new UsageError(`--host: "${text}" is not an IP address or a valid host name`);
  }
}

function port(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) {
    throw new UsageError(`--port: "${text}" is not a port number (0-65535)`);
  }
  return value;
}

function netDestination(text: string): string {
  const match = text.match(/^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/);
  const host = match?.[1].replace(/^\[(.*)\]$/, "$1");
  try {
    if (!match || !host) throw new Error();
    parseHost(host);
    if (match[2] !== undefined) port(match[2]);
  } catch {
    throw new UsageError(`--net: "${text}" is not HOST or HOST:PORT`);
  }
  return text;
}

/** The script with its deno, or this compiled binary. */
function program(denoFlag: string | undefined): { deno: string | null; program: string } {
  const script = fileURLToPath(new URL("../../main.ts", import.meta.url));
  if (denoFlag !== undefined) {
    return { deno: absolutePath("--deno", denoFlag), program: absolutePath("main.ts", script) };
  }
  const exec = Deno.execPath();
  const isDeno = /^deno(\.exe)?$/.test(basename(exec));
  return isDeno
    ? { deno: absolutePath("deno", exec), program: absolutePath("main.ts", script) }
    : { deno: null, program: absolutePath("the binary", exec) };
}

/** The name servers in /etc/resolv.conf (none when it cannot be read). */
function systemNameServers(): string[] {
  let text: string;
  try {
    text = Deno.readTextFileSync("/etc/resolv.conf");
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)]
    .map((m) => m[1].replace(/%.*$/, ""))
    .filter((ip) => isIpv4(ip) || isIpv6(ip));
}
