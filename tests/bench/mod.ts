// `deno task bench`: runs every bench script in turn and prints its figures.
import { runProbersLabBench } from "./probers_lab.ts";

const BENCHES: { name: string; run: () => Promise<string> }[] = [
  { name: "probers_lab", run: runProbersLabBench },
];

for (const bench of BENCHES) {
  const started = performance.now();
  console.log(`== ${bench.name}`);
  try {
    console.log(await bench.run());
  } catch (error) {
    console.log(`FAILED: ${error instanceof Error ? error.stack : error}`);
    Deno.exitCode = 1;
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
