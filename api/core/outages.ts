// Outage detection in the core: follows recorded rounds (MonitorService.subscribe), runs the
// machine in outage_machine.ts per target and writes what it decides through the OutageStore
// port, one write after another so an outage is recorded before it is extended or closed. An
// outage left open by the previous run is picked up on load, so the next answered round closes
// it (a restart does not split it in two or forget it).
import { type EngineEvent, log } from "../../engine/mod.ts";
import { DEFAULT_OUTAGE_ROUNDS, MAX_OUTAGE_ROUNDS, type OutageStore } from "../../store/mod.ts";
import { invalid, targetNotFound } from "./errors.ts";
import { INITIAL_OUTAGE_STATE, type OutageState, stepOutage } from "./outage_machine.ts";

interface Tracked {
  state: OutageState;
  /** Id of the open outage once recorded (the write is queued, so it may still be pending). */
  id: number | null;
}

export class OutageTracker {
  readonly #store: OutageStore;
  readonly #targets = new Map<number, Tracked>();
  readonly #thresholds = new Map<number, number>();
  #writes: Promise<void> = Promise.resolve();

  /** The agent this process probes as: it tracks the outages it sees, not other agents'. */
  readonly #agent: string;

  constructor(store: OutageStore, agent: string) {
    this.#store = store;
    this.#agent = agent;
  }

  /** Reads the per-target thresholds and the outages still open. */
  async load(): Promise<void> {
    for (const [id, rounds] of await this.#store.allOutageRounds()) {
      this.#thresholds.set(id, rounds);
    }
    for (const outage of await this.#store.outages({ open: true, limit: 1000 })) {
      // Another agent's outage is its own to close (one from before agents is picked up).
      if (outage.agent !== null && outage.agent !== this.#agent) continue;
      this.#targets.set(outage.targetId, {
        id: outage.id,
        state: {
          lastSeq: -1,
          lost: outage.roundsLost,
          firstLostAt: outage.start,
          lastLostAt: outage.lastLostAt,
          open: true,
        },
      });
    }
  }

  /** Unanswered rounds in a row that make an outage of this target. */
  threshold(targetId: number): number {
    return this.#thresholds.get(targetId) ?? DEFAULT_OUTAGE_ROUNDS;
  }

  /** Sets a target's own threshold (null: back to the default); applies from the next round. */
  async setThreshold(targetId: number, rounds: number | null): Promise<number> {
    if (
      rounds !== null && (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_OUTAGE_ROUNDS)
    ) {
      throw invalid(
        "invalid_body",
        `rounds: must be a whole number from 1 to ${MAX_OUTAGE_ROUNDS}`,
      );
    }
    if (!await this.#store.setOutageRounds(targetId, rounds)) throw targetNotFound(targetId);
    if (rounds === null) this.#thresholds.delete(targetId);
    else this.#thresholds.set(targetId, rounds);
    return this.threshold(targetId);
  }

  /** Whether the target is in an outage now (as of the newest round heard). */
  isOpen(targetId: number): boolean {
    return this.#targets.get(targetId)?.state.open ?? false;
  }

  onEvent(event: EngineEvent): void {
    if (event.type !== "round") return;
    const { targetId, seq, startedAt, destinationReached } = event.round;
    const tracked = this.#targets.get(targetId) ?? { state: INITIAL_OUTAGE_STATE, id: null };
    const { state, step } = stepOutage(
      tracked.state,
      { seq, startedAt, answered: destinationReached },
      this.threshold(targetId),
    );
    tracked.state = state;
    this.#targets.set(targetId, tracked);
    if (step.kind === "none") return;
    this.#queue(async () => {
      if (step.kind === "start") {
        const outage = await this.#store.addOutage({ targetId, agent: this.#agent, ...step });
        tracked.id = outage.id;
        log.info("outage started", { targetId, start: new Date(step.start).toISOString() });
        return;
      }
      const id = tracked.id;
      if (id === null) return; // its start failed to be written (logged there)
      if (step.kind === "extend") {
        await this.#store.updateOutage(id, {
          roundsLost: step.roundsLost,
          lastLostAt: step.lastLostAt,
        });
        return;
      }
      tracked.id = null;
      await this.#store.updateOutage(id, step);
      log.info("outage ended", { targetId, roundsLost: step.roundsLost });
    });
  }

  /** A removed target: its outages went with it. */
  forget(targetId: number): void {
    this.#targets.delete(targetId);
    this.#thresholds.delete(targetId);
  }

  /** Resolves once every queued write is done. */
  settled(): Promise<void> {
    return this.#writes;
  }

  #queue(work: () => Promise<void>): void {
    this.#writes = this.#writes.then(work).catch((error) =>
      log.error("recording an outage failed", { error: String(error) })
    );
  }
}
