// `pingwatcher seed`: synthetic history for demos and benchmarks (seed.ts does the work).
import { systemClock } from "../../engine/mod.ts";
import { openStore } from "../../store/mod.ts";
import { runSeed, SEED_USAGE } from "./seed.ts";
import type { Command } from "./command.ts";
import { databasePath } from "./paths.ts";

export const seedCommand: Command = {
  name: "seed",
  summary: "write synthetic history (pingwatcher seed --help)",
  usage: SEED_USAGE,
  run: (argv, io) =>
    runSeed(argv, {
      openStore: (paths) => openStore(databasePath(paths, io.env)),
      clock: systemClock,
      write: io.write,
      writeError: io.writeError,
      isTty: io.stderrIsTty,
      env: io.env,
      interrupted: io.interrupted,
    }),
};
