// `pingwatcher cleanup`: applies history retention now (cleanup.ts does the work).
import { systemClock } from "../../engine/mod.ts";
import { CLEANUP_USAGE, runCleanup } from "./cleanup.ts";
import type { Command } from "./command.ts";
import { databasePath } from "./paths.ts";

export const cleanupCommand: Command = {
  name: "cleanup",
  summary: "apply history retention now (pingwatcher cleanup --help)",
  usage: CLEANUP_USAGE,
  run: (argv, io) =>
    Promise.resolve(runCleanup(argv, {
      resolveDbPath: (paths) => databasePath(paths, io.env),
      clock: systemClock,
      write: io.write,
      writeError: io.writeError,
      stderrIsTty: io.stderrIsTty,
      env: io.env,
    })),
};
