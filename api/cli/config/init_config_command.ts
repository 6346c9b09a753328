// `pingwatcher init-config [--force] [PATH]`: writes the commented starter file (starter.ts).
import { dirname } from "node:path";
import { type Command, parseCommandLine, UsageError } from "../command.ts";
import { configLocation } from "./locate.ts";
import { STARTER_CONFIG } from "./starter.ts";

const USAGE = `Usage: pingwatcher init-config [PATH] [options]

Writes a commented starter config file (loopback targets only) to PATH, else to
PINGWATCHER_CONFIG, else to pingwatcher.yaml in the data directory. An existing file is
left alone unless --force is given.
  --force                overwrite an existing file
  --data-dir DIR         data directory (default ~/.local/share/pingwatcher) [PINGWATCHER_DATA_DIR]
Exit codes: 0 written, 1 the file exists (nothing written), 2 bad command line.`;

export const initConfigCommand: Command = {
  name: "init-config",
  summary: "write a commented starter pingwatcher.yaml (pingwatcher init-config --help)",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandLine(argv, {
      force: { type: "boolean" },
      "data-dir": { type: "string" },
    });
    if (positionals.length > 1) throw new UsageError("give at most one PATH");
    const { path } = configLocation(
      { config: positionals[0] ?? null, dataDir: values["data-dir"] ?? null },
      io.env,
    );
    await Deno.mkdir(dirname(path), { recursive: true });
    try {
      await Deno.writeTextFile(path, STARTER_CONFIG, { createNew: !values.force });
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      io.writeError(`init-config: ${path} already exists; nothing written (use --force)\n`);
      return 1;
    }
    io.write(`wrote ${path}\n`);
    return 0;
  },
};
