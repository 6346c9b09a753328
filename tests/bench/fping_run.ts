// fping as the reference: `fping -l -p PERIOD -i 1 ADDRESSES...` in the lab's agent namespace,
// its output counted as it arrives (a line per answered ping; a lost one prints "timed out" when
// fping gives up on it), so the probes it sent over a window can be read from its own words.
import type { Lab } from "../netlab/lab.ts";

export interface FpingRun {
  pid: number;
  /** Ping results fping has printed so far (answered + timed out). */
  results(): number;
  /** Of those, the answered ones. */
  replies(): number;
  stop(): Promise<void>;
}

/** Starts fping in loop mode on `addresses`, one ping per address every `periodMs`. */
export function startFping(lab: Lab, addresses: string[], periodMs: number): FpingRun {
  const child = lab.command(
    ["fping", "-l", "-p", String(Math.round(periodMs)), "-i", "1", ...addresses],
    { stdin: "null", stdout: "piped", stderr: "piped" },
  ).spawn();
  let answered = 0;
  let timedOut = 0;
  let partial = "";
  const count = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.includes(" bytes, ")) answered++;
        else if (line.includes("timed out")) timedOut++;
      }
    }
  })();
  // Its summary (on SIGINT) and any complaint go to stderr; drained so it never blocks.
  const errors = new Response(child.stderr).text();
  return {
    pid: child.pid,
    results: () => answered + timedOut,
    replies: () => answered,
    async stop() {
      try {
        child.kill("SIGINT");
      } catch { /* gone */ }
      const status = await child.status;
      await count;
      const stderr = await errors;
      // fping exits 1 when some target did not answer, 0 when all did; anything else is trouble.
      if (status.code > 1) throw new Error(`fping exited ${status.code}: ${stderr.slice(-2000)}`);
    },
  };
}
