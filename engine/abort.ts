// Many short waits on one long-lived signal (a target's schedule sleeping each round, its probes
// in flight) share one abort listener: adding and removing a listener per wait cost more than the
// wait itself at thousands of rounds a second.
const waitsBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `onAbort` once when `signal` aborts, unless the returned function was called first. Each
 * registration needs its own function (a Set holds them); they run in the order they came.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let waits = waitsBySignal.get(signal);
  if (!waits) {
    const fresh = new Set<() => void>();
    waits = fresh;
    waitsBySignal.set(signal, fresh);
    signal.addEventListener("abort", () => {
      for (const each of fresh) each();
      fresh.clear();
    }, { once: true });
  }
  const registered = waits;
  registered.add(onAbort);
  return () => registered.delete(onAbort);
}
