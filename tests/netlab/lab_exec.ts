// Running things for the lab: commands (never a shell), the skip check, the delay helper's build,
// and the removal of namespaces left behind by runs that died before their cleanup.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const NETLAB_DIR = dirname(fileURLToPath(import.meta.url));
export const BUILD_DIR = join(NETLAB_DIR, "build");
export const DELAY_HELPER = join(BUILD_DIR, "delay");
const DELAY_SOURCE = join(NETLAB_DIR, "delay.c");

/** Namespace names: `${prefix}${pid}x${counter}-${node}`; the pid tells stale labs apart. */
export const DEFAULT_PREFIX = "pwl";

export interface RunResult {
  code: number;
  success: boolean;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

export async function run(argv: string[], options: { stdin?: string } = {}): Promise<RunResult> {
  const command = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    success: out.success,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** Runs and throws with the command's stderr when it fails. */
export async function must(argv: string[], options: { stdin?: string } = {}): Promise<string> {
  const result = await run(argv, options);
  if (!result.success) {
    throw new Error(`${argv.join(" ")} failed (${result.code}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

export function inNs(ns: string, argv: string[]): string[] {
  return ["ip", "netns", "exec", ns, ...argv];
}

function findExecutable(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat(["/usr/sbin", "/sbin"])) {
    try {
      const info = Deno.statSync(join(dir, name));
      if (info.isFile && ((info.mode ?? 0) & 0o111)) return join(dir, name);
    } catch { /* not here */ }
  }
  return null;
}

const NEEDED = ["ip", "iptables", "ip6tables", "iptables-restore", "ip6tables-restore", "gcc"]
  .concat(["dnsmasq", "mtr-packet", "ping", "sysctl"]);

let skipReason: Promise<string | null> | null = null;

/** Why the lab cannot run here (null when it can). Builds the delay helper as a side effect. */
export function labSkipReason(): Promise<string | null> {
  skipReason ??= findSkipReason();
  return skipReason;
}

async function findSkipReason(): Promise<string | null> {
  if (Deno.build.os !== "linux") return "the network lab needs Linux network namespaces";
  if (Deno.uid() !== 0) return "the network lab needs root (network namespaces, iptables)";
  const missing = NEEDED.filter((name) => findExecutable(name) === null);
  if (missing.length) {
    return `missing ${missing.join(", ")} (Debian: iproute2 iptables gcc dnsmasq-base ` +
      `mtr-tiny iputils-ping procps libnetfilter-queue-dev)`;
  }
  try {
    await buildDelayHelper();
  } catch (error) {
    return `cannot build the NFQUEUE delay helper: ${(error as Error).message}`;
  }
  const probe = `${DEFAULT_PREFIX}${Deno.pid}probe`;
  const added = await run(["ip", "netns", "add", probe]);
  if (!added.success) return `cannot create network namespaces: ${added.stderr.trim()}`;
  await run(["ip", "netns", "del", probe]);
  return null;
}

function mtimeOf(path: string): number | null {
  try {
    return Deno.statSync(path).mtime?.getTime() ?? null;
  } catch {
    return null;
  }
}

/** gcc tests/netlab/delay.c -> tests/netlab/build/delay, unless the binary is up to date. */
export async function buildDelayHelper(): Promise<string> {
  const built = mtimeOf(DELAY_HELPER);
  if (built !== null && built >= (mtimeOf(DELAY_SOURCE) ?? Infinity)) return DELAY_HELPER;
  await Deno.mkdir(BUILD_DIR, { recursive: true });
  // Build beside and rename: parallel test workers never see a half-written binary.
  const partial = `${DELAY_HELPER}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}`;
  await must([
    "gcc",
    "-O2",
    "-Wall",
    "-o",
    partial,
    DELAY_SOURCE,
    "-lnetfilter_queue",
    "-lnfnetlink",
  ]);
  await Deno.rename(partial, DELAY_HELPER);
  return DELAY_HELPER;
}

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Deletes a namespace after killing whatever still runs in it. Never throws. */
export async function removeNamespace(ns: string): Promise<void> {
  const pids = await run(["ip", "netns", "pids", ns]);
  for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
  await run(["ip", "netns", "del", ns]);
}

export async function removeNetnsEtc(ns: string): Promise<void> {
  await Deno.remove(join("/etc/netns", ns), { recursive: true }).catch(() => {});
}

/** Removes labs (of this prefix) whose creating process no longer exists. */
export async function removeStaleLabs(prefix: string): Promise<void> {
  const listed = await run(["ip", "netns", "list"]);
  const pattern = new RegExp(`^${prefix}(\\d+)x\\d+-[a-z0-9]+$`);
  for (const line of listed.stdout.split("\n")) {
    const name = line.split(" ")[0];
    const match = name.match(pattern);
    if (!match || processAlive(Number(match[1]))) continue;
    await removeNamespace(name);
    await removeNetnsEtc(name);
  }
}
