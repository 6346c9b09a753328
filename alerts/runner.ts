// Runs one action for one event: each attempt under a timeout on the injected clock, failures
// retried with doubling backoff, the outcome returned for the history. Never throws: a failing
// action must not stop the other actions, the evaluation or the engine.
import type { Clock } from "../engine/mod.ts";
import type { ActionContext, ActionDefinition } from "./actions/types.ts";
import type { ActionRun, AlertEvent } from "./types.ts";

export interface RetryPolicy {
  timeoutMs: number;
  retries: number;
  retryBackoffMs: number;
}

export class ActionTimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "ActionTimeoutError";
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One attempt: resolves with the action's output, rejects on failure or timeout. */
async function attempt(
  run: (signal: AbortSignal) => Promise<string | null>,
  clock: Clock,
  options: { timeoutMs: number; stop: AbortSignal },
): Promise<string | null> {
  const aborter = new AbortController();
  const timerStop = new AbortController();
  const signal = AbortSignal.any([aborter.signal, options.stop]);
  const timeout = clock.sleep(options.timeoutMs, timerStop.signal).then(
    () => {
      const error = new ActionTimeoutError(options.timeoutMs);
      aborter.abort(error);
      return Promise.reject(error);
    },
    () => new Promise<never>(() => {}),
  );
  const running = run(signal);
  // An action that ignores its signal may settle after the timeout: nobody waits for it then.
  running.catch(() => {});
  try {
    return await Promise.race([running, timeout]);
  } finally {
    timerStop.abort();
  }
}

export async function runAction<A extends RetryPolicy>(
  definition: ActionDefinition,
  action: A,
  event: AlertEvent,
  options: { index: number; context: Omit<ActionContext, "signal">; stop: AbortSignal },
): Promise<ActionRun> {
  const { clock } = options.context;
  const base = { eventId: event.id, index: options.index, type: definition.type };
  let lastError = "not run";
  let attempts = 0;
  for (let n = 0; n <= action.retries; n++) {
    if (options.stop.aborted) {
      lastError = `${lastError}; not retried: the alert service stopped`;
      break;
    }
    attempts++;
    try {
      const output = await attempt(
        (signal) => definition.run(action, event, { ...options.context, signal }),
        clock,
        { timeoutMs: action.timeoutMs, stop: options.stop },
      );
      return { ...base, ok: true, attempts, at: clock.now(), error: null, output };
    } catch (error) {
      lastError = message(error);
    }
    if (n < action.retries) {
      try {
        await clock.sleep(action.retryBackoffMs * 2 ** n, options.stop);
      } catch {
        // Stopping: the loop records why it gave up.
      }
    }
  }
  return { ...base, ok: false, attempts, at: clock.now(), error: lastError, output: null };
}
