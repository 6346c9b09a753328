// `pingwatcher monitor [HOST...]`: the text monitor without a server.
import { proberChoicesText, selectProber } from "../../engine/mod.ts";
import { ConfigError, monitorConfig } from "./config/mod.ts";
import { openStore } from "../../store/mod.ts";
import type { Command } from "./command.ts";
import { ensureTargets, monitor, parseMonitorArgs } from "./monitor.ts";
import { databasePath } from "./paths.ts";
import { TARGET_FLAGS_USAGE } from "./target_flags.ts";
import { acquireWriterLock, LockBusyError, type WriterLock } from "./writer_lock.ts";

const MONITOR_USAGE = `Usage: pingwatcher monitor [HOST...] [options]

Monitors HOSTs (added to the database) and every target already in it, with a live text
summary and no server. Nothing is probed unless you name a HOST or one is already in the database.
  --db PATH              database file [PINGWATCHER_DB]
  --data-dir DIR         data directory (default ~/.local/share/pingwatcher) [PINGWATCHER_DATA_DIR]
  --prober ${proberChoicesText()}   probing backend (default auto)
  --focus N              rounds in the summary's window (default 10)
  --config PATH          config file whose targets to monitor as well (default
                         DATA_DIR/pingwatcher.yaml when it exists) [PINGWATCHER_CONFIG]
Settings for HOSTs added by this command (--port is an older spelling of --probe-port):
${TARGET_FLAGS_USAGE}
Exit codes: 0 done, 2 bad command line or a config file with problems, 4 no working prober,
7 another PingWatcher writes the database (a server or monitor on it).`;

export const monitorCommand: Command = {
  name: "monitor",
  summary: "the text monitor without a server (pingwatcher monitor --help)",
  usage: MONITOR_USAGE,
  async run(argv, io) {
    const args = parseMonitorArgs(argv);
    let config;
    try {
      config = await monitorConfig(args, io.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.writeError(
        `${error.message}\nmonitor: the config file has problems; nothing was started\n`,
      );
      return 2;
    }
    const path = databasePath(args, io.env);
    let lock: WriterLock;
    try {
      lock = acquireWriterLock(path, "monitor");
    } catch (error) {
      if (!(error instanceof LockBusyError)) throw error;
      io.writeError(`pingwatcher: ${error.message}\n`);
      return 7;
    }
    try {
      return await monitorWith(path, { args, config }, io);
    } finally {
      lock.release();
    }
  },
};

async function monitorWith(
  path: string,
  { args, config }: {
    args: ReturnType<typeof parseMonitorArgs>;
    config: Awaited<ReturnType<typeof monitorConfig>>;
  },
  io: Parameters<Command["run"]>[1],
): Promise<number> {
  const store = await openStore(path);
  const targets = await ensureTargets(store, args);
  if (targets.length === 0 && !config.declares) {
    await store.close();
    io.write(`No targets yet. Name one to monitor, e.g.: pingwatcher monitor 127.0.0.1\n`);
    return 0;
  }
  const selected = await selectProber(args.prober);
  if (!selected.ok) {
    await store.close();
    io.writeError(`pingwatcher: no working prober\n${selected.reason}\n`);
    return 4;
  }
  let plan;
  try {
    plan = await config.plan(store, selected.prober);
  } catch (error) {
    await store.close();
    await selected.prober.close();
    if (!(error instanceof ConfigError)) throw error;
    io.writeError(
      `${error.message}\nmonitor: the config file has problems; nothing was started\n`,
    );
    return 2;
  }
  await monitor(targets, args, {
    prepare: (service) => config.apply(service, plan),
    store,
    prober: selected.prober,
    write: io.write,
    isTty: io.isTty,
    interrupted: io.interrupted,
  });
  await selected.prober.close();
  return 0;
}
