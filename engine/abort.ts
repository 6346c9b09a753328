// Many short waits on one long-lived signal (a target's schedule sleeping each round, its probes
// in flight) share one abort listener: adding and removing a listener per wait cost more than the
// wait itself at thousands of rounds a second. The waits of a signal are a linked list, not a Set:
// a Set that empties after every wait reallocates its table each time.
interface Wait {
  run: () => void;
  prev: Wait | null;
  next: Wait | null;
}

/** A signal's waits in the order they came; `head` is a sentinel. */
interface Waits {
  head: Wait;
  tail: Wait;
}

const waitsBySignal = new WeakMap<AbortSignal, Waits>();

/**
 * Calls `onAbort` once when `signal` aborts, unless the returned function was called first; they
 * run in the order they came.
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let waits = waitsBySignal.get(signal);
  if (!waits) {
    const sentinel: Wait = { run: () => {}, prev: null, next: null };
    const fresh: Waits = { head: sentinel, tail: sentinel };
    waits = fresh;
    waitsBySignal.set(signal, fresh);
    signal.addEventListener("abort", () => {
      let wait = fresh.head.next;
      fresh.head.next = null;
      fresh.tail = fresh.head;
      while (wait) {
        wait.prev = null; // ran: its stop() is a no-op
        wait.run();
        const next = wait.next; // read after: a later wait stopped by this one is skipped
        wait.next = null;
        wait = next;
      }
    }, { once: true });
  }
  const list = waits;
  const wait: Wait = { run: onAbort, prev: list.tail, next: null };
  list.tail.next = wait;
  list.tail = wait;
  return () => {
    const { prev, next } = wait;
    if (!prev) return; // ran, or already removed
    prev.next = next;
    if (next) next.prev = prev;
    else list.tail = prev;
    wait.prev = wait.next = null;
  };
}
