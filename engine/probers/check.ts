// Can a prober run here? Each check runs its program once and explains a failure in words a
// user can act on ("install mtr-tiny", "not allowed by --allow-run").
import { systemClock } from "../clock.ts";
import type { Clock } from "../types.ts";
import { readAll } from "./lines.ts";
import { featureSupportOf, parseReplyLine } from "./mtr_packet_parse.ts";

export interface RunResult {
  code: number;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with some input, killing it after `timeoutMs`. Throws spawn errors. */
export async function runOnce(
  executable: string,
  options: { args?: string[]; input?: string; timeoutMs?: number; clock?: Clock },
): Promise<RunResult> {
  const clock = options.clock ?? systemClock;
  const child = new Deno.Command(executable, {
    args: options.args ?? [],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.input ?? "")).catch(() => {});
  await writer.close().catch(() => {});
  const deadline = new AbortController();
  clock.sleep(options.timeoutMs ?? 3000, deadline.signal).then(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, () => {});
  const [stdout, stderr, status] = await Promise.all([
    readAll(child.stdout),
    readAll(child.stderr),
    child.status,
  ]);
  deadline.abort();
  return { code: status.code, signal: status.signal, stdout, stderr };
}

/** Why a program could not even start, in the user's terms. */
export function spawnFailure(program: string, error: unknown, install: string): string {
  if (error instanceof Deno.errors.NotFound) return `${program}: not found — ${install}`;
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return `${program}: not allowed to run (grant it with --allow-run=${program})`;
  }
  return `${program}: cannot start (${error instanceof Error ? error.message : String(error)})`;
}

export interface MtrPacketSupport {
  udp: boolean;
  tcp: boolean;
  ipv6: boolean;
  version: string | null;
}

export type CheckResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const MTR_INSTALL = "install mtr-tiny (apt install mtr-tiny; brew install mtr)";

/** Asks mtr-packet what it supports; fails when it cannot open its sockets. */
export async function checkMtrPacket(
  executable = "mtr-packet",
  clock?: Clock,
): Promise<CheckResult<MtrPacketSupport>> {
  const input = ["icmp", "udp", "tcp", "ip-6", "version"]
    .map((feature, i) => `${i + 1} check-support feature ${feature}\n`).join("");
  let run: RunResult;
  try {
    run = await runOnce(executable, { input, clock });
  } catch (error) {
    return { ok: false, reason: spawnFailure("mtr-packet", error, MTR_INSTALL) };
  }
  const answers = new Map<number, string>();
  for (const line of run.stdout.split("\n")) {
    const reply = parseReplyLine(line);
    const support = reply && featureSupportOf(reply);
    if (reply && support) answers.set(reply.token, support);
  }
  if (answers.get(1) === "ok") {
    return {
      ok: true,
      value: {
        udp: answers.get(2) === "ok",
        tcp: answers.get(3) === "ok",
        ipv6: answers.get(4) === "ok",
        version: answers.get(5) ?? null,
      },
    };
  }
  return { ok: false, reason: mtrPacketFailure(run) };
}

export function mtrPacketFailure(run: RunResult): string {
  const stderr = run.stderr.trim().split("\n")[0]?.replace(/^\S*mtr-packet:\s*/, "") ?? "";
  if (/permission denied|operation not permitted/i.test(run.stderr)) {
    return `mtr-packet: permission denied (${stderr}) — ${MTR_INSTALL} so that mtr-packet ` +
      `has cap_net_raw (setcap cap_net_raw+ep "$(command -v mtr-packet)"), or run as root`;
  }
  const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
  return `mtr-packet ${how}${stderr ? `: ${stderr}` : ""} — ${MTR_INSTALL}`;
}
