// The interface collector's cost per sample on this machine: the bare step (read /proc/net/dev,
// parse, turn counters into increases) 10,000 times; a whole collection (also four sysfs files
// per interface, the filter, the primary) 10,000 times; and the whole collection through grep,
// the path taken when Deno refuses /proc and /sys (no --allow-all), 200 times. CPU time is the
// process's user + system time (node:process), so waiting is not counted.
import process from "node:process";
import {
  CounterTracker,
  grepRead,
  InterfaceCollector,
  linuxSource,
  parseProcNetDev,
  systemClock,
} from "../../engine/mod.ts";

/** CPU seconds of this process's finished children (cutime + cstime of /proc/self/stat). */
function childCpuS(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function measure(label: string, n: number, step: () => Promise<unknown>): Promise<string> {
  await step(); // warm up
  const cpu0 = process.cpuUsage();
  const child0 = childCpuS();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await step();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const childUs = (childCpuS() - child0) * 1e6 / n;
  const cpuUs = (cpu.user + cpu.system) / n;
  return `${label}: ${n} runs, CPU ${(cpuUs + childUs).toFixed(1)} µs per sample ` +
    `(${(cpu.user / n).toFixed(1)} user + ${(cpu.system / n).toFixed(1)} system` +
    `${childUs > 0 ? ` + ${childUs.toFixed(0)} in child processes` : ""}), ` +
    `wall ${(wallMs * 1000 / n).toFixed(1)} µs per sample`;
}

export async function runInterfacesBench(): Promise<string> {
  if (Deno.build.os !== "linux") return "interfaces: not run (Linux only)";
  const lines: string[] = [];
  const tracker = new CounterTracker();
  let mono = 0;
  lines.push(
    await measure("read+parse+rate (/proc/net/dev)", 10_000, async () => {
      const counters = parseProcNetDev(await Deno.readTextFile("/proc/net/dev"));
      mono += 10_000;
      for (const [name, c] of counters) tracker.observe(name, c, { monoMs: mono, bits: 64 });
    }),
  );
  const direct = new InterfaceCollector({ source: linuxSource(), clock: systemClock });
  lines.push(await measure("whole collection, direct reads", 10_000, () => direct.collect()));
  const viaGrep = new InterfaceCollector({
    source: linuxSource({ readFiles: grepRead() }),
    clock: systemClock,
  });
  lines.push(await measure("whole collection, through grep", 200, () => viaGrep.collect()));
  const interfaces = (await linuxSource().read()).length;
  lines.push(
    `(${interfaces} interfaces listed here; the monitor takes one sample every 10 s by default)`,
  );
  return lines.join("\n");
}

if (import.meta.main) console.log(await runInterfacesBench());
