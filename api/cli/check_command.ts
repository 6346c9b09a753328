// `pingwatcher check [HOST...]`: one round to every target now, a verdict per target (check.ts).
import { selectProber, systemAddressLookup } from "../../engine/mod.ts";
import { runCheck } from "./check.ts";
import { CHECK_USAGE } from "./check_args.ts";
import type { Command } from "./command.ts";
import { databasePath } from "./paths.ts";

export const checkCommand: Command = {
  name: "check",
  summary: "one round to every target now, exit 1 if any is not ok (pingwatcher check --help)",
  usage: CHECK_USAGE,
  run: (argv, io) =>
    runCheck(argv, {
      write: io.write,
      writeError: io.writeError,
      isTty: io.isTty,
      env: io.env,
      selectProber: (choice) => selectProber(choice),
      addressLookup: systemAddressLookup,
      databasePath: (paths) => databasePath(paths, io.env, { create: false }),
      interrupted: io.interrupted,
    }),
};
