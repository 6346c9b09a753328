// Runs `fn` at most once per `ms`, trailing call included, never two at once (async safe).
export function throttle(fn: () => Promise<void> | void, ms: number): () => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | 0 = 0;
  let running = false;
  let again = false;
  const run = async () => {
    timer = 0;
    if (running) {
      again = true;
      return;
    }
    running = true;
    last = Date.now();
    try {
      await fn();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(run, Math.max(0, last + ms - Date.now()));
  };
  return schedule;
}
