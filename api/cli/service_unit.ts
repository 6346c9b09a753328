// What `pingwatcher service print` writes: the program's argv with narrowed Deno permissions, and
// that argv as a systemd unit or a launchd plist. Pure functions of a resolved ServiceSpec, so
// the tests can read every line without a process.
import { dirname } from "node:path";
import { INTERFACE_READER_PROGRAMS, PROBER_PROGRAMS } from "../../engine/mod.ts";
import { ENV_NAMES } from "./env.ts";

/** The V8 flags of the start task (deno.json), which the unit's `deno run` line repeats. */
const SERVER_V8_FLAGS = "--max-semi-space-size=4,--heap-growing-percent=50";

export interface ServiceSpec {
  name: string;
  dataDir: string;
  host: string;
  port: number;
  user: string | null;
  /** Run as `deno run … script`; null: `program` is a compiled PingWatcher binary. */
  deno: string | null;
  /** main.ts (with deno) or the compiled binary. */
  program: string;
  /** Name servers Deno.resolveDns talks to (reverse DNS of hop addresses), port 53. */
  dnsServers: string[];
  /** Extra --allow-net destinations: host-name targets, SMTP servers, webhook hosts. */
  net: string[];
  /** Extra --allow-run programs: alert command actions. */
  commands: string[];
  /** --allow-ffi and CAP_NET_RAW for the server itself: the native prober's raw sockets. */
  nativeProber: boolean;
}

/** An address as Deno's --allow-net and URLs spell it: IPv6 in brackets. */
function netHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** The --allow-* flags the server needs, and nothing more. */
export function permissionFlags(spec: ServiceSpec): string[] {
  const net = [
    `${netHost(spec.host)}:${spec.port}`,
    ...spec.dnsServers.map((ip) => `${netHost(ip)}:53`),
    ...spec.net,
  ];
  return [
    "--no-prompt",
    // The probers run their programs by name (mtr-packet, ping, ping6): the registry is the list;
    // the interface monitor reads /proc and /sys through grep (netstat and route on macOS).
    `--allow-run=${[...PROBER_PROGRAMS, ...INTERFACE_READER_PROGRAMS, ...spec.commands].join(",")}`,
    // main.ts's folder too: the store's Worker is started from main.ts and loads the modules
    // beside it (a compiled binary runs with the permissions compiled into it).
    `--allow-read=${
      spec.deno === null ? spec.dataDir : `${spec.dataDir},${dirname(spec.program)}`
    }`,
    `--allow-write=${spec.dataDir}`,
    `--allow-net=${[...new Set(net)].join(",")}`,
    `--allow-env=${ENV_NAMES.join(",")}`,
    // FFI is all or nothing (a library call can do anything), so only when asked for.
    ...(spec.nativeProber ? ["--allow-ffi"] : []),
  ];
}

/** The argv the service runs (no shell). */
export function serviceArgv(spec: ServiceSpec): string[] {
  const serve = [
    "serve",
    "--headless",
    "--data-dir",
    spec.dataDir,
    "--host",
    spec.host,
    "--port",
    String(spec.port),
  ];
  if (spec.deno === null) return [spec.program, ...serve];
  return [
    spec.deno,
    "run",
    `--v8-flags=${SERVER_V8_FLAGS}`,
    ...permissionFlags(spec),
    spec.program,
    ...serve,
  ];
}

/** systemd's quoting for one ExecStart word (the spec's values carry no quotes, $, % or \). */
function systemdWord(word: string): string {
  return /\s/.test(word) ? `"${word}"` : word;
}

/** One word per continued line for the permissions, so the unit reads well. */
function execStart(argv: string[]): string {
  const lines: string[][] = [[]];
  for (const word of argv) {
    if (word.startsWith("--allow-") || word === argv[argv.indexOf("serve") - 1]) lines.push([]);
    lines[lines.length - 1].push(systemdWord(word));
  }
  return lines.filter((line) => line.length > 0).map((line) => line.join(" ")).join(" \\\n  ");
}

const HOME_DIRS = ["/home/", "/root/", "/run/user/"];
const inHome = (path: string) => HOME_DIRS.some((dir) => (path + "/").startsWith(dir));

export function systemdUnit(spec: ServiceSpec): string {
  const argv = serviceArgv(spec);
  const stateDir = spec.dataDir.startsWith("/var/lib/")
    ? spec.dataDir.slice("/var/lib/".length)
    : null;
  const homeUsed = [spec.dataDir, spec.program, spec.deno ?? ""].some(inHome);
  const lines = [
    `# /etc/systemd/system/${spec.name}.service (printed by: pingwatcher service print systemd)`,
    "[Unit]",
    "Description=PingWatcher network path monitor",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    spec.user
      ? `User=${spec.user}`
      : "# No User=: runs as root, but holding no capability beyond CAP_NET_RAW (below).",
    ...(spec.user ? [`Group=${spec.user}`] : []),
    `WorkingDirectory=${systemdWord(spec.dataDir)}`,
    "# Secrets (PINGWATCHER_TOKEN=..., PINGWATCHER_PASSWORD=...), optional, mode 600.",
    `EnvironmentFile=-/etc/${spec.name}/secrets.env`,
    ...(spec.deno === null ? compiledNote(spec) : []),
    `ExecStart=${execStart(argv)}`,
    "# systemctl reload: re-reads the config file (pingwatcher.yaml in the data directory).",
    "ExecReload=/bin/kill -HUP $MAINPID",
    "KillSignal=SIGTERM",
    "TimeoutStopSec=15",
    "Restart=on-failure",
    "RestartSec=5",
    ...(stateDir !== null
      ? [`StateDirectory=${stateDir}`, "StateDirectoryMode=0750"]
      : [`ReadWritePaths=${systemdWord(spec.dataDir)}`]),
    "# mtr-packet and ping get CAP_NET_RAW from their file capabilities. NoNewPrivileges=yes",
    "# would make exec ignore file capabilities (and ambient capabilities are dropped when a",
    "# program with file capabilities starts), so it is not set; the bounding set below still",
    "# caps what any exec can gain at CAP_NET_RAW.",
    "CapabilityBoundingSet=CAP_NET_RAW",
    ...(spec.nativeProber && spec.user
      ? [
        "# The native prober opens raw ICMP sockets in the server itself.",
        "AmbientCapabilities=CAP_NET_RAW",
      ]
      : []),
    "ProtectSystem=strict",
    homeUsed ? "ProtectHome=read-only" : "ProtectHome=yes",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectControlGroups=yes",
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
    "LockPersonality=yes",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ];
  return lines.join("\n") + "\n";
}

/** A compiled binary carries the permissions it was compiled with; say how to narrow them. */
function compiledNote(spec: ServiceSpec): string[] {
  return [
    "# A compiled binary runs with the permissions it was compiled with. For the narrowed set:",
    // One line: a comment ending in a backslash must not look like a continued line.
    `#   deno compile ${permissionFlags(spec).join(" ")} ` +
    `--v8-flags=${SERVER_V8_FLAGS} --output ${spec.program} main.ts`,
  ];
}

function xmlText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

export function launchdPlist(spec: ServiceSpec): string {
  const strings = (values: string[]) =>
    values.map((value) => `    <string>${xmlText(value)}</string>`);
  const key = (name: string, value: string) => [
    `  <key>${name}</key>`,
    `  <string>${xmlText(value)}</string>`,
  ];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ` +
    `"http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
    `<!-- /Library/LaunchDaemons/${xmlText(spec.name)}.plist ` +
    `(printed by: pingwatcher service print launchd) -->`,
    `<plist version="1.0">`,
    `<dict>`,
    ...key("Label", spec.name),
    `  <key>ProgramArguments</key>`,
    `  <array>`,
    ...strings(serviceArgv(spec)),
    `  </array>`,
    ...(spec.user ? key("UserName", spec.user) : []),
    ...key("WorkingDirectory", spec.dataDir),
    `  <key>RunAtLoad</key>`,
    `  <true/>`,
    `  <key>KeepAlive</key>`,
    `  <dict>`,
    `    <key>SuccessfulExit</key>`,
    `    <false/>`,
    `  </dict>`,
    ...key("StandardOutPath", `${spec.dataDir}/${spec.name}.log`),
    ...key("StandardErrorPath", `${spec.dataDir}/${spec.name}.err.log`),
    `</dict>`,
    `</plist>`,
  ];
  return lines.join("\n") + "\n";
}
