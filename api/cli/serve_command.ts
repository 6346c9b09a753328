// `pingwatcher serve` (also the default command): the monitor plus the HTTP API and web UI.
import { selectProber } from "../../engine/mod.ts";
import type { Command } from "./command.ts";
import { runServe } from "./serve.ts";
import { SERVE_USAGE } from "./serve_args.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "monitor + HTTP API + web UI (the default command; pingwatcher serve --help)",
  usage: SERVE_USAGE,
  run: (argv, io) =>
    runServe(argv, {
      write: io.write,
      writeError: io.writeError,
      env: io.env,
      selectProber: (choice) => selectProber(choice),
      interrupted: io.interrupted,
      storeWorker: io.storeWorker,
      // A literal specifier, so `deno compile` still embeds the bundle; loaded only when served.
      loadUi: async () => (await import("../../ui/serve.ts")).serveUi,
    }),
};
