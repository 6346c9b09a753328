// Process figures for the bench scripts, from /proc (Linux): resident memory, CPU time of this
// process, of live children and of a whole process tree, and percentiles of sorted samples.
const CLOCK_TICKS_PER_S = 100;

/** The fields of a /proc stat file after the command name (field 3, the state, first). */
function statFields(path: string, text = Deno.readTextFileSync(path)): string[] {
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** Field `i` of a stat file (utime 14, stime 15, cutime 16, cstime 17), clock ticks → ms. */
function tickMs(fields: string[], i: number): number {
  return Number(fields[i - 3]) * 1000 / CLOCK_TICKS_PER_S;
}

function statTimes(path: string): { own: number; children: number } {
  const fields = statFields(path);
  return {
    own: tickMs(fields, 14) + tickMs(fields, 15),
    children: tickMs(fields, 16) + tickMs(fields, 17),
  };
}

function statTimesMs(path: string): number {
  return statTimes(path).own;
}

/** CPU used so far by this process and its reaped children (ping, fping), ms. */
export function selfAndReapedCpuMs(): number {
  const self = statTimes("/proc/self/stat");
  return self.own + self.children;
}

/** VmRSS of this process in kB. */
export function vmRssKb(pid: number | "self" = "self"): number {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  const match = text.match(/^VmRSS:\s+(\d+) kB/m);
  return match ? Number(match[1]) : 0;
}

/** CPU (user + system) used by this process so far, ms. */
export function selfCpuMs(): number {
  return statTimesMs("/proc/self/stat");
}

/** CPU used so far by live processes `pids` (gone ones count 0), ms. */
export function childCpuMs(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += statTimesMs(`/proc/${pid}/stat`);
    } catch { /* gone */ }
  }
  return sum;
}

/** Pids of live children of `parent` (default this process) whose command name is `comm`. */
export function childPids(comm: string, parent = Deno.pid): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (name === comm && ppid === parent) pids.push(Number(entry.name));
    } catch { /* gone */ }
  }
  return pids;
}

function parentOf(pid: string): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null; // gone
  }
}

/** Live descendants of `pid` (children, grandchildren, ...), from the parent links in /proc. */
export function descendantPids(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const ppid = parentOf(entry.name);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry.name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    out.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return out;
}

/**
 * CPU used so far by `pid` and all its descendants, ms: utime+stime of each live one plus
 * cutime+cstime (children they have reaped: the short-lived ones). A child that ends moves its
 * time into its parent's cutime, so a difference of two readings counts it once.
 */
export function treeCpuMs(pid: number): number {
  let sum = 0;
  for (const each of [pid, ...descendantPids(pid)]) {
    try {
      const times = statTimes(`/proc/${each}/stat`);
      sum += times.own + times.children;
    } catch { /* gone between the listing and the read */ }
  }
  return sum;
}

/** User and system CPU, ms. */
export interface CpuSplit {
  user: number;
  system: number;
}

/** CPU (user + system) used so far by process `pid` itself, not its children, ms; throws if gone. */
export function processCpuMs(pid: number): number {
  return statTimesMs(`/proc/${pid}/stat`);
}

/**
 * CPU so far per thread name of process `pid` (threads of one name summed; the main thread as
 * "NAME (main)"). A thread that ended is gone from the listing: its time is in no name.
 */
export function threadCpuMs(pid: number): Map<string, CpuSplit> {
  const out = new Map<string, CpuSplit>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const path = `/proc/${pid}/task/${entry.name}/stat`;
      const text = Deno.readTextFileSync(path);
      const name = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      const key = entry.name === String(pid) ? `${name} (main)` : name;
      const fields = statFields(path, text);
      const sum = out.get(key) ?? { user: 0, system: 0 };
      sum.user += tickMs(fields, 14);
      sum.system += tickMs(fields, 15);
      out.set(key, sum);
    } catch { /* gone */ }
  }
  return out;
}

/** What each thread name used between two readings of threadCpuMs, the busiest first. */
export function threadCpuDelta(
  before: Map<string, CpuSplit>,
  after: Map<string, CpuSplit>,
): [string, CpuSplit][] {
  return [...after].map(([name, cpu]): [string, CpuSplit] => {
    const was = before.get(name) ?? { user: 0, system: 0 };
    return [name, { user: cpu.user - was.user, system: cpu.system - was.system }];
  }).filter(([, cpu]) => cpu.user + cpu.system > 0)
    .sort((a, b) => b[1].user + b[1].system - (a[1].user + a[1].system));
}

/** Peak resident memory (VmHWM) of a process in kB: the maximum since it started. */
export function peakRssKb(pid: number): number {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  const match = text.match(/^VmHWM:\s+(\d+) kB/m);
  return match ? Number(match[1]) : 0;
}

/**
 * The largest anonymous resident memory (RssAnon: the process's own pages, without the program
 * file's and libraries' shared ones) of `pid`, in kB, read every `everyMs` until `stop()`. The
 * kernel keeps no peak of it (VmHWM counts both), hence the sampling.
 */
export function anonPeakSampler(pid: number, everyMs = 250): { stop(): number } {
  let peak = 0;
  const read = () => {
    try {
      const text = Deno.readTextFileSync(`/proc/${pid}/status`);
      peak = Math.max(peak, Number(text.match(/^RssAnon:\s+(\d+) kB/m)?.[1] ?? 0));
    } catch { /* gone */ }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return peak;
    },
  };
}

/** Nearest-rank percentile of ascending `sorted` (0 when empty). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

/** The 1/5/15-minute load averages, as /proc/loadavg says them. */
export function loadAverage(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
}
