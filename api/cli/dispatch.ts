// Picks the command for an argv and runs it: `--log-level` is resolved first (flag > environment
// > default) for every command, `CMD --help` prints that command's usage, and a UsageError
// anywhere becomes exit 2 with the usage. The server is the default command, but a first
// argument that looks like a command word rather than a host is refused before anything starts.
import { isIpv4, isIpv6 } from "../../engine/mod.ts";
import { StoreUrlError } from "../../store/mod.ts";
import { type CliIo, type Command, EXIT_USAGE, UsageError } from "./command.ts";
import { COMMANDS, DEFAULT_COMMAND } from "./commands.ts";
import { parseFlags } from "./serve_args.ts";
import { applyLogLevel } from "./settings.ts";
import { VERSION } from "../version.ts";

/** `pingwatcher --version`: the program, the runtime and the platform it was built for. */
export function versionText(): string {
  return `pingwatcher ${VERSION} (deno ${Deno.version.deno}, ${Deno.build.os}-${Deno.build.arch})`;
}

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `PingWatcher: continuous traceroute monitor.

Usage: pingwatcher [COMMAND] [options]   (no COMMAND: serve)

Commands:
${lines.join("\n")}

Every command takes --log-level debug|info|warn|error [PINGWATCHER_LOG_LEVEL] and --help;
pingwatcher --version prints the version.
Exit codes: 0 done, 1 some target not ok (check), down (status), a request refused, or the file
exists (init-config), 2 bad command line or a config file with problems (FILE:LINE:COL FIELD:
REASON), 3 host cannot be resolved (trace), 4 no working prober, 5 refused to listen without a
password (serve), 6 the server cannot be reached (or, for serve, the database cannot be
opened), 7 the database is written by another
PingWatcher (serve, monitor, writing commands). Each command's --help lists its own.`;
}

const isHelp = (arg: string) => arg === "--help" || arg === "-h";

/** Runs argv; resolves with the exit code. */
export async function dispatch(argv: string[], io: CliIo): Promise<number> {
  let command: Command = DEFAULT_COMMAND;
  try {
    if (argv.length === 1 && argv[0] === "--version") {
      io.write(versionText() + "\n");
      return 0;
    }
    const rest = applyLogLevel(argv, io.env);
    const named = COMMANDS.find((c) => c.name === rest[0]);
    if (!named && rest.some(isHelp)) {
      io.write(helpText() + "\n");
      return 0;
    }
    if (named) command = named;
    const args = named ? rest.slice(1) : rest;
    if (named && args.some(isHelp)) {
      io.write(command.usage + "\n");
      return 0;
    }
    if (!named) refuseCommandWord(args);
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof StoreUrlError) {
      io.writeError(`pingwatcher: --db: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (!(error instanceof UsageError)) throw error;
    const usage = command === DEFAULT_COMMAND ? helpText() : command.usage;
    io.writeError(`pingwatcher: ${error.message}\n\n${usage}\n`);
    return EXIT_USAGE;
  }
}

/**
 * `pingwatcher target add 127.0.0.9` must not monitor a host called "target": a bare word (no dot
 * or colon, not an IP literal, not localhost) in front is an unknown command. Single-label host
 * names still work through the explicit `pingwatcher serve NAME`.
 */
function refuseCommandWord(argv: string[]): void {
  let first: string | undefined;
  try {
    first = parseFlags(argv).positionals[0];
  } catch {
    return; // the server reports its own usage error
  }
  if (first === undefined || !isCommandWord(first)) return;
  const names = COMMANDS.map((c) => c.name).join(", ");
  throw new UsageError(
    `unknown command '${first}' (commands: ${names}). To monitor a single-label host name, ` +
      `use: pingwatcher serve ${first}`,
  );
}

function isCommandWord(text: string): boolean {
  if (text.includes(".") || text.includes(":")) return false;
  if (isIpv4(text) || isIpv6(text)) return false;
  return text.toLowerCase() !== "localhost";
}
