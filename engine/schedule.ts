// Drift-free schedule for one target: round k is due at start + k * interval, whatever happened to
// earlier rounds. Rounds are started, not awaited, so they overlap in flight.
import { whenAborted } from "./abort.ts";
import type { QueuedTimer, TimerQueue } from "./timer_queue.ts";
import type { Clock } from "./types.ts";

export interface ScheduleCounters {
  roundsStarted: number;
  roundsSkipped: number;
}

export interface ScheduleOptions {
  clock: Clock;
  /** Where the schedule waits for its rounds (one queue for all the engine's targets). */
  timers: TimerQueue;
  intervalMs: number;
  /** Delay of the first round (spreads many targets over the interval). */
  offsetMs: number;
  /**
   * Puts the first round, after its offset, on the next multiple of this many monotonic ms (see
   * SPREAD_SLOT_MS); 0 starts it exactly at the offset.
   */
  slotMs?: number;
  /** Sequence number of the first round. */
  firstSeq: number;
  counters: ScheduleCounters;
  /** Stop after this sequence number has been started or skipped (exclusive bound). */
  endSeq?: number;
  /**
   * Starts round `seq` due at epoch `scheduledAt` (monotonic `dueMono`). Returns false when it
   * could not start (the previous round of this target has not sent its first probe yet).
   */
  start(seq: number, scheduledAt: number, dueMono: number): boolean;
  /** Called for every round that was due but never started. */
  skip(seq: number): void;
}

/**
 * Runs until the signal aborts; resolves with the next unused sequence number. Waits in the
 * shared timer queue, not in a clock sleep of its own (see timer_queue.ts).
 */
export function runSchedule(options: ScheduleOptions, signal: AbortSignal): Promise<number> {
  const { clock, timers, intervalMs, counters } = options;
  const monoNow = clock.monotonic();
  const monoBase = onSlot(monoNow + options.offsetMs, options.slotMs ?? 0);
  const epochBase = clock.now() + (monoBase - monoNow);
  const endSeq = options.endSeq ?? Infinity;
  let k = 0;
  let seq = options.firstSeq;
  let waiting: QueuedTimer | null = null;
  let stopWatching: (() => void) | null = null;
  return new Promise((resolve, reject) => {
    const finish = () => {
      stopWatching?.();
      if (waiting) timers.cancel(waiting);
      waiting = null;
      resolve(seq);
    };
    // A round that fails to start ends the schedule with its error, as an awaited loop would.
    const due = () => {
      try {
        next();
      } catch (error) {
        stopWatching?.();
        reject(error);
      }
    };
    const next = () => {
      waiting = null;
      if (signal.aborted) return finish();
      const dueMono = monoBase + k * intervalMs;
      // Woken a whole interval or more behind (CPU starvation, suspended process): those rounds
      // can no longer be sent on time. Count them and rejoin the schedule.
      const behind = Math.floor((clock.monotonic() - dueMono) / intervalMs);
      for (let i = 0; i < behind && seq < endSeq - 1; i++) {
        options.skip(seq++);
        counters.roundsSkipped++;
        k++;
      }
      if (options.start(seq, epochBase + k * intervalMs, monoBase + k * intervalMs)) {
        counters.roundsStarted++;
      } else {
        options.skip(seq);
        counters.roundsSkipped++;
      }
      seq++;
      k++;
      if (signal.aborted || seq >= endSeq) return finish();
      waiting = timers.at(monoBase + k * intervalMs, due);
    };
    if (signal.aborted || seq >= endSeq) return finish();
    stopWatching = whenAborted(signal, finish);
    if (monoBase <= clock.monotonic()) due();
    else waiting = timers.at(monoBase, due);
  });
}

/**
 * Width of the slots spread schedules start in, with a prober whose RTTs are kernel timestamps
 * (Prober.kernelTimed; otherwise rounds start exactly at their offsets). Targets whose
 * rounds are due in the same slot start them together, so the process wakes once for all of them
 * rather than once per round. On the virtual machine measured, a thread's wake-up after a sleep
 * cost far more than the work it did: at a thousand targets every 2.5 s, final hop only through
 * the native prober, the server's CPU per probe was 237 µs unslotted or at 10 ms, 146 µs at 50 ms,
 * and 0.62–0.65 of 50 ms's at 250 ms (side by side). Every round still starts on its own drift-free
 * schedule (an interval that is a multiple of the slot keeps it in its slot; any other interval
 * just batches less), and a first round lands at most one slot later. mtr-packet times an answer
 * when it reads it, after sending the rest of its batch, so batching would make its RTTs longer.
 */
export const SPREAD_SLOT_MS = 250;
/**
 * Slots for schedules started while more than SPREAD_SLOT_MAX_RATE slotted rounds a second run:
 * a slot then holds at most ~150 rounds of the wide kind, and a burst's last round starts a few
 * milliseconds after its first (5,000 targets every 2.5 s keep round-start lateness p99 low).
 */
export const NARROW_SLOT_MS = 50;
export const SPREAD_SLOT_MAX_RATE = 600;

/** The slot width for a new spread schedule, given the slotted rounds a second with it. */
export function spreadSlotMs(slottedRoundsPerSecond: number): number {
  return slottedRoundsPerSecond <= SPREAD_SLOT_MAX_RATE ? SPREAD_SLOT_MS : NARROW_SLOT_MS;
}

/** How long after a slot's start a chore timed by delayToSlot runs: its rounds have started. */
const CHORE_LAG_MS = 2;

/**
 * The delay from monotonic `monoNow` to just after the start of the first spread slot at least
 * `ms` away. A periodic chore timed with it (the config file's look, the lock file's touch, the
 * target sync) runs in the wake-up that starts that slot's rounds, not in one of its own (see
 * SPREAD_SLOT_MS).
 */
export function delayToSlot(ms: number, monoNow: number): number {
  return onSlot(monoNow + ms, SPREAD_SLOT_MS) + CHORE_LAG_MS - monoNow;
}

function onSlot(mono: number, slotMs: number): number {
  return slotMs > 0 ? Math.ceil(mono / slotMs) * slotMs : mono;
}

/** Golden-ratio spread of first rounds over the interval, stable per target id. */
export function spreadOffsetMs(targetId: number, intervalMs: number): number {
  const fraction = (targetId * 0.6180339887498949) % 1;
  return fraction * intervalMs;
}

/** Fixed-size ring of recent lateness samples, for percentiles. */
export class LatenessWindow {
  #values: Float64Array;
  #count = 0;
  #next = 0;

  constructor(size = 10_000) {
    this.#values = new Float64Array(size);
  }

  add(ms: number): void {
    this.#values[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#values.length;
    this.#count = Math.min(this.#count + 1, this.#values.length);
  }

  percentile(p: number): number | null {
    if (this.#count === 0) return null;
    const sorted = this.#values.slice(0, this.#count).sort();
    const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
    return sorted[Math.max(0, index)];
  }
}
