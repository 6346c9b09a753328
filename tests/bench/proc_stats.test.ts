// The per-thread CPU the benches print (fping_lab.ts, profile_lab.ts): read from /proc, then the
// difference of two readings by thread name.
import assert from "node:assert/strict";
import { processCpuMs, threadCpuDelta, threadCpuMs } from "./proc_stats.ts";

const onLinux = Deno.build.os === "linux";

Deno.test("threadCpuDelta - what each thread name used between two readings, busiest first", () => {
  const before = new Map([
    ["deno (main)", { user: 1000, system: 200 }],
    ["worker-1", { user: 300, system: 10 }],
    ["tokio-runtime-w", { user: 0, system: 30 }],
  ]);
  const after = new Map([
    ["deno (main)", { user: 1500, system: 250 }],
    ["worker-1", { user: 900, system: 20 }],
    ["tokio-runtime-w", { user: 0, system: 30 }],
    ["V8 DefaultWorke", { user: 40, system: 0 }],
  ]);
  assert.deepEqual(threadCpuDelta(before, after), [
    ["worker-1", { user: 600, system: 10 }],
    ["deno (main)", { user: 500, system: 50 }],
    ["V8 DefaultWorke", { user: 40, system: 0 }],
  ]);
});

Deno.test({
  name: "threadCpuMs - this process's threads, the main one by its own name, summing to its CPU",
  ignore: !onLinux,
  fn() {
    const deadline = performance.now() + 30;
    while (performance.now() < deadline) { /* some CPU of the main thread */ }
    const threads = threadCpuMs(Deno.pid);
    const main = [...threads].find(([name]) => name.endsWith(" (main)"))?.[1];
    assert.ok(main, [...threads.keys()].join(", "));
    const process = processCpuMs(Deno.pid);
    const sum = [...threads.values()].reduce((s, t) => s + t.user + t.system, 0);
    // Threads that ended are in the process's total and in no thread: never the other way round.
    assert.ok(sum <= process + 10, `${sum} > ${process}`);
    assert.ok(main.user + main.system <= sum);
  },
});
