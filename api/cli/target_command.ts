// `pingwatcher target add|list|show|pause|resume|rm|logs`: target management from the shell,
// through the running server when there is one (so probing follows at once), else on the
// database under the writer lock (the server picks the change up when it starts).
import { OptionsError, parseHost } from "../../engine/mod.ts";
import { type CliIo, type Command, parseCommandLine, UsageError } from "./command.ts";
import { SOURCE_FLAGS, SOURCE_USAGE } from "./backend.ts";
import { withBackend } from "./backend_run.ts";
import { colorsWanted, styleFor } from "./style.ts";
import { ADD_FLAGS, addBody } from "./target_add.ts";
import { TARGET_FLAGS_USAGE } from "./target_flags.ts";
import { logLines, targetDetails, targetsTable } from "./target_output.ts";
import { countArg, idArg, timeRange } from "./time_arg.ts";

export const TARGET_USAGE = `Usage: pingwatcher target SUBCOMMAND [options]

  target add HOST [options]     add a target (probing starts at once when a server runs)
      --label TEXT               a name to show instead of the host
      --configuration NAME       follow a named configuration (flags given here win)
      --group NAME               put it in a group (repeat for several)
      --agent NAME               probe it only from this agent (repeat for several; default:
                                 every agent probes it)
${TARGET_FLAGS_USAGE.split("\n").map((line) => "  " + line).join("\n")}
  target list                   every target
  target show ID                one target's settings and state
  target pause ID               stop probing (the data stays)
  target resume ID              probe again
  target rm ID                  delete the target and all its data (also: target delete ID)
  target logs ID [options]      raw samples, oldest first: the newest --last rounds of the range
      --last N                   how many rounds (1..10000, default 20)
      --since TIME, --until TIME the range: epoch ms, ISO 8601, or an age like 15m, 2h, 7d

Every subcommand takes:
  --json               print JSON (the API's shapes) instead of text
${SOURCE_USAGE}

Writes (add, pause, resume, rm) go through the running server when one is named or runs on the
database; otherwise they write the database under its writer lock.

Exit codes: 0 done, 1 refused (no such target, invalid value, no database), 2 bad command line,
6 the server cannot be reached, 7 the database is locked by another writer that cannot be
reached.`;

const SUBCOMMANDS = ["add", "list", "show", "pause", "resume", "rm", "logs"] as const;
type Sub = typeof SUBCOMMANDS[number];
const WRITES = new Set<Sub>(["add", "pause", "resume", "rm"]);

async function run(argv: string[], io: CliIo): Promise<number> {
  // PingMeDaddy's spelling.
  const sub = (argv[0] === "delete" ? "rm" : argv[0]) as Sub;
  if (!SUBCOMMANDS.includes(sub)) {
    throw new UsageError(
      argv[0] === undefined
        ? `a subcommand is missing (${SUBCOMMANDS.join(", ")})`
        : `unknown subcommand "${argv[0]}" (${SUBCOMMANDS.join(", ")})`,
    );
  }
  const extra = sub === "add" ? ADD_FLAGS : sub === "logs" ? LOG_FLAGS : {};
  const { values, positionals } = parseCommandLine(argv.slice(1), {
    ...SOURCE_FLAGS,
    ...extra,
    json: { type: "boolean" },
  });
  const wanted = sub === "list" ? 0 : 1;
  if (positionals.length > wanted) {
    throw new UsageError(`unexpected argument "${positionals[wanted]}"`);
  }
  const v = values as Record<string, unknown>;
  const json = v.json === true;
  const style = styleFor(colorsWanted(io, json));
  const out = (data: unknown, text: () => string) =>
    io.write(json ? JSON.stringify(data, null, 2) + "\n" : text());
  // Everything about the command line is checked before the database or server is touched.
  const body = sub === "add" ? addBody(hostArg(positionals[0]), v) : null;
  const id = sub === "add" || sub === "list" ? 0 : idArg("ID", positionals[0]);
  const logQuery = sub === "logs"
    ? {
      limit: countArg("--last", v.last as string | undefined, { max: 10_000, fallback: 20 }),
      ...timeRange(v as { since?: string; until?: string }, Date.now()),
    }
    : null;
  const options = { env: io.env, write: WRITES.has(sub), command: `target ${sub}` };
  return await withBackend(v, { ...options, writeError: io.writeError }, async (backend) => {
    const via = `(${backend.via === "server" ? "via server" : "database"} ${backend.where})`;
    switch (sub) {
      case "add": {
        const target = await backend.createTarget(body!);
        out({ target }, () => `added target ${target.id} ${target.host} ${via}\n`);
        return 0;
      }
      case "list": {
        const targets = await backend.listTargets();
        out({ targets }, () => targets.length ? targetsTable(targets, style) : "no targets\n");
        return 0;
      }
      case "show": {
        const target = await backend.getTarget(id);
        out({ target }, () => targetDetails(target));
        return 0;
      }
      case "pause":
      case "resume": {
        const target = await backend.setPaused(id, sub === "pause");
        out({ target }, () => `target ${id} ${sub === "pause" ? "paused" : "resumed"} ${via}\n`);
        return 0;
      }
      case "rm": {
        await backend.removeTarget(id);
        out({ removed: id }, () => `target ${id} removed with its data ${via}\n`);
        return 0;
      }
      case "logs": {
        const rounds = await backend.logs(id, logQuery!);
        out(
          { targetId: id, rounds },
          () => rounds.length ? logLines(rounds, style) : "no rounds\n",
        );
        return 0;
      }
    }
  });
}

const LOG_FLAGS = {
  last: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
} as const;

function hostArg(text: string | undefined): string {
  if (text === undefined) throw new UsageError("HOST is missing");
  try {
    return parseHost(text).host;
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    throw new UsageError(error.message);
  }
}

export const targetCommand: Command = {
  name: "target",
  summary: "add, list, show, pause, resume, rm targets; logs: raw samples (target --help)",
  usage: TARGET_USAGE,
  run,
};
