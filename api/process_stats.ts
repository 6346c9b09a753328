// This process's own figures for /metrics: CPU time, resident memory, open file descriptors and
// the start time. CPU and descriptors come from /proc/self (Linux); elsewhere, or when reading it
// is not permitted, CPU comes from node:process and descriptors are null (/metrics leaves them out).
import process from "node:process";

export interface ProcessStats {
  /** User plus system CPU time. */
  cpuSeconds: number | null;
  residentBytes: number;
  openFds: number | null;
  /** Epoch seconds at which the process started. */
  startTimeSeconds: number;
}

/** Clock ticks per second of /proc/self/stat's times (USER_HZ: 100 on every Linux port). */
const USER_HZ = 100;

/** utime + stime in seconds from the text of /proc/PID/stat, or null when it does not parse. */
export function cpuSecondsOf(statText: string): number | null {
  // The command name (field 2) is in parentheses and may hold spaces or ")": split after the last.
  const close = statText.lastIndexOf(")");
  if (close < 0) return null;
  const fields = statText.slice(close + 2).trim().split(/\s+/);
  // After the name: state is field 3, so utime (field 14) and stime (15) are at 11 and 12.
  const utime = Number(fields[11]), stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) / USER_HZ;
}

async function readCpuSeconds(): Promise<number | null> {
  try {
    return cpuSecondsOf(await Deno.readTextFile("/proc/self/stat"));
  } catch {
    // Deno refuses /proc without --allow-all; Node's counter needs no permission.
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  }
}

async function countOpenFds(): Promise<number | null> {
  try {
    let count = 0;
    for await (const _ of Deno.readDir("/proc/self/fd")) count++;
    return count;
  } catch {
    return null;
  }
}

export async function processStats(): Promise<ProcessStats> {
  return {
    cpuSeconds: await readCpuSeconds(),
    residentBytes: Deno.memoryUsage().rss,
    openFds: await countOpenFds(),
    startTimeSeconds: performance.timeOrigin / 1000,
  };
}
