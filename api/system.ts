// GET /api/system and /api/system/health: what this server is and how it is doing. Rates (probes
// per second, CPU share) and health compare the counters now with a snapshot taken at least
// WINDOW_MS earlier (the start, until one is that old), so each figure covers a real stretch of
// time without a timer of its own.
import type { ApiDeps } from "./deps.ts";
import { processStats } from "./process_stats.ts";

/** How far back health looks: a skipped round, restart or failed flush in it means degraded. */
export const HEALTH_WINDOW_MS = 5 * 60_000;
/** Probes/s and CPU share are averaged over at least this long. */
const RATE_WINDOW_MS = 10_000;

interface Snapshot {
  at: number;
  probes: number;
  skipped: number;
  restarts: number;
  failedFlushes: number;
  cpuSeconds: number | null;
}

export interface SystemReply {
  name: "pingwatcher";
  version: string;
  deno: string;
  os: string;
  arch: string;
  osRelease: string;
  cpuCount: number;
  startedAt: number;
  uptimeS: number;
  process: { cpuSeconds: number | null; cpuPct: number | null; rssBytes: number };
  database: { sizeBytes: number; queuedRounds: number; failedFlushes: number };
  prober: { name: string; restarts: number };
  probesPerS: number;
  rounds: { started: number; completed: number; late: number; skipped: number };
  interfaces: { state: string; reason: string | null };
}

export interface HealthReply {
  status: "ok" | "degraded";
  /** What made it degraded, in words (empty when ok). */
  reasons: string[];
  /** The stretch looked at, epoch ms [since, at]. */
  since: number;
  at: number;
}

function totalProbes(deps: ApiDeps, ids: number[]): number {
  let total = 0;
  for (const id of ids) {
    for (const hop of deps.service.counters.counts(id).hops.values()) {
      total += hop.sent + hop.errors;
    }
  }
  return total;
}

export class SystemWatch {
  readonly startedAt: number;
  readonly #history: Snapshot[] = [];

  constructor(now: number) {
    this.startedAt = now;
    this.#history.push({
      at: now,
      probes: 0,
      skipped: 0,
      restarts: 0,
      failedFlushes: 0,
      cpuSeconds: null,
    });
  }

  /** Records a snapshot now and returns the newest one at least `windowMs` old (or the start). */
  #compare(now: Snapshot, windowMs: number): Snapshot {
    this.#history.push(now);
    // Keep the start, and what the longest window may still need.
    const keepFrom = now.at - HEALTH_WINDOW_MS * 2;
    while (this.#history.length > 2 && this.#history[1].at < keepFrom) this.#history.splice(1, 1);
    let base = this.#history[0];
    for (const snap of this.#history) if (snap.at <= now.at - windowMs) base = snap;
    return base;
  }

  async #snapshot(deps: ApiDeps, nowMs: number) {
    const targets = await deps.service.list();
    const engine = deps.service.engine.counters();
    const stats = await deps.store.storeStats();
    const proc = await processStats();
    const snap: Snapshot = {
      at: nowMs,
      probes: totalProbes(deps, targets.map((t) => t.id)),
      skipped: engine.roundsSkipped,
      restarts: deps.service.prober.restarts ?? 0,
      failedFlushes: stats.failedFlushes,
      cpuSeconds: proc.cpuSeconds,
    };
    return { snap, engine, stats, proc };
  }

  async system(deps: ApiDeps): Promise<SystemReply> {
    const nowMs = (deps.now ?? Date.now)();
    const { snap, engine, stats, proc } = await this.#snapshot(deps, nowMs);
    const base = this.#compare(snap, RATE_WINDOW_MS);
    const spanS = (snap.at - base.at) / 1000;
    const cpuPct = snap.cpuSeconds !== null && base.cpuSeconds !== null && spanS > 0
      ? (snap.cpuSeconds - base.cpuSeconds) / spanS * 100
      : null;
    const interfaces = deps.interfaces?.status ?? { state: "off", reason: "not started" };
    return {
      name: "pingwatcher",
      version: deps.version,
      deno: Deno.version.deno,
      os: Deno.build.os,
      arch: Deno.build.arch,
      osRelease: Deno.osRelease(),
      cpuCount: navigator.hardwareConcurrency,
      startedAt: this.startedAt,
      uptimeS: (nowMs - this.startedAt) / 1000,
      process: { cpuSeconds: proc.cpuSeconds, cpuPct, rssBytes: proc.residentBytes },
      database: {
        sizeBytes: stats.sizeBytes,
        queuedRounds: stats.queuedRounds,
        failedFlushes: stats.failedFlushes,
      },
      prober: { name: deps.service.prober.name, restarts: snap.restarts },
      probesPerS: spanS > 0 ? (snap.probes - base.probes) / spanS : 0,
      rounds: {
        started: engine.roundsStarted,
        completed: engine.roundsCompleted,
        late: engine.roundsLate,
        skipped: engine.roundsSkipped,
      },
      interfaces: { state: interfaces.state, reason: interfaces.reason },
    };
  }

  async health(deps: ApiDeps): Promise<HealthReply> {
    const nowMs = (deps.now ?? Date.now)();
    const { snap } = await this.#snapshot(deps, nowMs);
    const base = this.#compare(snap, HEALTH_WINDOW_MS);
    const reasons: string[] = [];
    const grew = (n: number, what: string) => {
      if (n > 0) reasons.push(`${n} ${what}`);
    };
    grew(snap.skipped - base.skipped, "rounds skipped (the engine could not keep up)");
    grew(snap.restarts - base.restarts, "prober restarts");
    grew(snap.failedFlushes - base.failedFlushes, "failed store flushes (data is not being saved)");
    return { status: reasons.length ? "degraded" : "ok", reasons, since: base.at, at: snap.at };
  }
}
