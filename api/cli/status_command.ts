// `pingwatcher status`: the last known state of every target, from the running server or the
// database (read-only).
import { type CliIo, type Command, parseCommandLine, UsageError } from "./command.ts";
import { SOURCE_FLAGS, SOURCE_USAGE } from "./backend.ts";
import { withBackend } from "./backend_run.ts";
import { statusOf, statusTable } from "./status_view.ts";
import { colorsWanted, styleFor } from "./style.ts";

export const STATUS_USAGE = `Usage: pingwatcher status [options]

The last known state of every target: up, degraded (some loss, or the newest round unanswered),
down (in an outage, or nothing answered over the focus window), paused or unknown (no rounds
yet); the final hop's newest RTT and its loss over the focus window, uptime over 24 h, the last
route change, the current outage and the alerts firing. Read from the running server when one
is named or running on the database, else from the database without writing to it.

  --focus N            rounds per target in the focus window (1..100, default 10)
  --json               one JSON document: {"source", "focus", "targets": [...]}
${SOURCE_USAGE}

Exit codes: 0 no target is down, 1 some target is down (or the request was refused, or there is
no database), 2 bad command line, 6 the server cannot be reached.`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    ...SOURCE_FLAGS,
    focus: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const focus = values.focus === undefined ? 10 : Number(values.focus);
  if (!Number.isInteger(focus) || focus < 1 || focus > 100) {
    throw new UsageError("--focus must be a whole number from 1 to 100");
  }
  const json = values.json ?? false;
  return await withBackend(
    values,
    { env: io.env, write: false, command: "status", writeError: io.writeError },
    async (backend) => {
      const rows = await backend.summary(focus);
      const alerts = await backend.firingAlerts();
      const targets = [];
      for (const row of rows) {
        const page = await backend.events({ targetId: row.id, kinds: ["routeChange"], limit: 1 });
        targets.push(statusOf(row, { lastRouteChange: page.events[0]?.at ?? null, alerts }));
      }
      if (json) {
        const source = { via: backend.via, where: backend.where };
        io.write(JSON.stringify({ source, focus, targets }, null, 2) + "\n");
      } else if (!targets.length) {
        io.write(`no targets (${backend.via}: ${backend.where})\n`);
      } else {
        io.write(statusTable(targets, styleFor(colorsWanted(io))));
      }
      return targets.some((t) => t.state === "down") ? 1 : 0;
    },
  );
}

export const statusCommand: Command = {
  name: "status",
  summary: "last known state of every target, exit 1 if any is down (pingwatcher status --help)",
  usage: STATUS_USAGE,
  run,
};
