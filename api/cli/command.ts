// The shape every command shares: its usage text and a `run` that answers with an exit code.
// Commands get the outside world (streams, environment, signals) through CliIo so tests can run
// them without a process.
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** A wrong command line: the dispatcher prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const EXIT_USAGE = 2;

export interface CliIo {
  write(text: string): void;
  writeError(text: string): void;
  env: Record<string, string>;
  /** stdout is a terminal (live tables, colours). */
  isTty: boolean;
  /** stderr is a terminal (progress bars). */
  stderrIsTty: boolean;
  /** Resolves on SIGINT/SIGTERM. */
  interrupted: Promise<void>;
  readStdin(): Promise<string>;
  /** The module a long-running command starts its store's Worker from (main.ts); absent: none. */
  storeWorker?: string;
}

export interface Command {
  name: string;
  /** One line for `pingwatcher --help`. */
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** parseArgs with positionals, strictly: an unknown or malformed flag is a UsageError. */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
