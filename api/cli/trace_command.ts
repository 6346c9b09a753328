// `pingwatcher trace HOST`: an mtr-like trace that stores nothing.
import { selectProber, systemAddressLookup } from "../../engine/mod.ts";
import type { Command } from "./command.ts";
import { runTrace } from "./trace.ts";
import { TRACE_USAGE } from "./trace_args.ts";

export const traceCommand: Command = {
  name: "trace",
  summary: "mtr-like trace of one HOST, nothing stored (pingwatcher trace --help)",
  usage: TRACE_USAGE,
  run: (argv, io) =>
    runTrace(argv, {
      write: io.write,
      writeError: io.writeError,
      isTty: io.isTty,
      selectProber: (choice) => selectProber(choice),
      addressLookup: systemAddressLookup,
      interrupted: io.interrupted,
    }),
};
