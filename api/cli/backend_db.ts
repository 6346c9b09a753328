// The commands' backend straight on the database (see backend.ts). Reads open it without a
// writer loop running (nothing is flushed or trimmed while a command reads); writes come here
// only with the writer lock held, released on close.
import { OfflineTargets } from "../core/mod.ts";
import { eventLog } from "../event_log.ts";
import { exportStream, roundJson } from "../export_format.ts";
import { summaryRows } from "../routes/mod.ts";
import { openStore, type Store } from "../../store/mod.ts";
import { BackendError, type CliBackend, type FiringAlert, SOURCE_EXIT } from "./backend.ts";
import { lockPathOf, type WriterLock } from "./writer_lock.ts";

/** Longer than any command runs: the writer loop (flushes, retention steps) never fires. */
const NEVER_MS = 2 ** 31 - 1;

export async function databaseBackend(
  dbPath: string,
  options: { readOnly: boolean; lock: WriterLock | null },
): Promise<CliBackend> {
  const readOnlyFile = options.readOnly && lockPathOf(dbPath) !== null;
  const store = await openStore(dbPath, readOnlyFile ? { flushIntervalMs: NEVER_MS } : {});
  const targets = new OfflineTargets(store);
  const targetOrFail = async (id: number) => {
    const record = await store.getTarget(id);
    if (!record) throw new BackendError(SOURCE_EXIT.refused, `target ${id} not found`);
    return record;
  };
  return {
    via: "database",
    where: dbPath,
    listTargets: () => targets.list(),
    getTarget: (id) => targets.get(id),
    createTarget: (input) => targets.create(input),
    setPaused: (id, paused) => targets.setPaused(id, paused),
    removeTarget: (id) => targets.remove(id),
    logs: async (id, q) => {
      await targetOrFail(id);
      const rounds = await store.rounds(id, { start: q.start, end: q.end, last: q.limit });
      return rounds.map(roundJson);
    },
    events: async (q) => {
      if (q.targetId !== undefined) await targetOrFail(q.targetId);
      return await eventLog(store, { ...q, now: Date.now() });
    },
    summary: async (focus) =>
      await summaryRows(targets.list(), {
        history: store,
        focus,
        outages: store,
        now: Date.now(),
        every: true,
      }),
    firingAlerts: () => firingFromHistory(store),
    exportStream: async (s) => {
      if (s.sessionId !== undefined) {
        const session = await store.getSession(s.sessionId);
        if (!session) {
          throw new BackendError(SOURCE_EXIT.refused, `session ${s.sessionId} not found`);
        }
        const target = await targetOrFail(session.targetId);
        const { start, end, name } = session;
        return exportStream(store, { target, start, end, format: s.format, session: name });
      }
      const target = await targetOrFail(s.targetId!);
      return exportStream(store, { target, start: s.start, end: s.end, format: s.format });
    },
    close: async () => {
      try {
        await store.close();
      } finally {
        options.lock?.release();
      }
    },
  };
}

/**
 * Without the alert service running, an alert is firing when the newest firing-or-recovered event
 * of its (rule, target) says firing and the rule still exists.
 */
async function firingFromHistory(store: Store): Promise<FiringAlert[]> {
  const rules = new Set((await store.listAlertRules()).map((r) => r.id));
  const events = await store.alertEvents({ kinds: ["firing", "recovered"], limit: 1000 });
  const seen = new Set<string>();
  const firing: FiringAlert[] = [];
  for (const event of events) {
    const key = `${event.ruleId}/${event.targetId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (event.kind !== "firing" || !rules.has(event.ruleId)) continue;
    const detail = (event.detail ?? {}) as { ruleName?: unknown };
    firing.push({
      ruleId: event.ruleId,
      ruleName: typeof detail.ruleName === "string" ? detail.ruleName : `rule ${event.ruleId}`,
      targetId: event.targetId,
      since: event.at,
    });
  }
  return firing;
}
