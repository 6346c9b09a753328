// `pingwatcher events`: outages, route changes and alert firings/recoveries, newest first.
import { EVENT_KINDS, type EventKind, type EventLogItem } from "../event_log.ts";
import { formatDurationMs } from "./events_text.ts";
import { type CliIo, type Command, parseCommandLine, UsageError } from "./command.ts";
import { SOURCE_FLAGS, SOURCE_USAGE } from "./backend.ts";
import { withBackend } from "./backend_run.ts";
import { colorsWanted, type Style, styleFor, table } from "./style.ts";
import { countArg, idArg, isoTime, timeRange } from "./time_arg.ts";

export const EVENTS_USAGE = `Usage: pingwatcher events [options]

Outages (start, end, duration, rounds lost), route changes and alert firings and recoveries,
newest first, from the running server or the database (read-only).

  --target ID          only this target's events
  --kind LIST          comma-separated: ${EVENT_KINDS.join(",")} (default all)
  --since TIME         from this time: epoch ms, ISO 8601, or an age like 15m, 2h, 7d
                       (an outage counts when it overlaps the range)
  --until TIME         up to this time (exclusive)
  --limit N            events per page (1..1000, default 50)
  --cursor C           the next page: the cursor printed at the end of the previous one
  --json               {"events": [...], "nextCursor": ...} as GET /api/events answers
${SOURCE_USAGE}

Exit codes: 0 done, 1 refused (no such target, no database), 2 bad command line, 6 the server
cannot be reached.`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    ...SOURCE_FLAGS,
    target: { type: "string" },
    kind: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    limit: { type: "string" },
    cursor: { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const kinds = values.kind?.split(",").map((k) => k.trim());
  for (const kind of kinds ?? []) {
    if (!EVENT_KINDS.includes(kind as EventKind)) {
      throw new UsageError(`--kind: "${kind}" is not one of ${EVENT_KINDS.join(", ")}`);
    }
  }
  if (values.cursor !== undefined && !/^-?\d{1,16}_[0-2]_\d{1,15}$/.test(values.cursor)) {
    throw new UsageError("--cursor: not a cursor printed by a previous page");
  }
  const query = {
    targetId: values.target === undefined ? undefined : idArg("--target", values.target),
    kinds: kinds as EventKind[] | undefined,
    ...timeRange(values, Date.now()),
    limit: countArg("--limit", values.limit, { max: 1000, fallback: 50 }),
    cursor: values.cursor,
  };
  const json = values.json ?? false;
  return await withBackend(
    values,
    { env: io.env, write: false, command: "events", writeError: io.writeError },
    async (backend) => {
      const page = await backend.events(query);
      if (json) {
        io.write(JSON.stringify(page, null, 2) + "\n");
        return 0;
      }
      const style = styleFor(colorsWanted(io));
      if (!page.events.length) io.write("no events\n");
      else io.write(eventsTable(page.events, style));
      if (page.nextCursor) io.write(`more: --cursor ${page.nextCursor}\n`);
      return 0;
    },
  );
}

function eventsTable(events: EventLogItem[], style: Style): string {
  const rows = [["TIME", "TARGET", "KIND", "DETAIL"]];
  for (const e of events) rows.push([isoTime(e.at), String(e.targetId), ...describe(e, style)]);
  return table(rows);
}

function describe(e: EventLogItem, style: Style): [string, string] {
  if (e.kind === "outage") {
    const o = e.outage;
    const span = o.open
      ? style.red(`ongoing for ${formatDurationMs(o.durationMs)}`)
      : `until ${isoTime(o.end)}, ${formatDurationMs(o.durationMs)}`;
    return [style.red("outage"), `${span}, ${o.roundsLost} rounds lost`];
  }
  if (e.kind === "routeChange") {
    const { before, after } = e.routeChange;
    const changed = after.map((ips, i) => ips.join("/") !== (before[i] ?? []).join("/") ? i + 1 : 0)
      .filter((ttl) => ttl > 0);
    return [
      style.yellow("route"),
      `${before.length} -> ${after.length} hops; changed at ttl ${changed.join(",") || "-"}`,
    ];
  }
  const a = e.alert;
  const what = a.event === "firing" ? style.red("alert") : style.green("recovered");
  return [what, `${a.ruleName ?? `rule ${a.ruleId}`}${a.message ? `: ${a.message}` : ""}`];
}

export const eventsCommand: Command = {
  name: "events",
  summary: "outages, route changes and alerts, newest first (pingwatcher events --help)",
  usage: EVENTS_USAGE,
  run,
};
