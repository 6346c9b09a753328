// A chore repeated on the engine's slots (the lock file's touch, the target sync): each run waits
// for the engine's next spread slot after its delay (delayToSlot), so it runs in the wake-up that
// starts that slot's rounds, not in one of its own. A chain of timeouts, not an interval: the next
// delay starts once a run (awaited) is done, so two runs never overlap.
import { delayToSlot } from "../../engine/mod.ts";

/**
 * Runs `work` about every `everyMs` until the returned function is called. `work` handles its own
 * errors. With `unref`, the timer does not keep the process alive.
 */
export function repeatOnSlots(
  everyMs: number,
  work: () => void | Promise<void>,
  options: { unref?: boolean } = {},
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    timer = setTimeout(async () => {
      await work();
      if (!stopped) arm();
    }, delayToSlot(everyMs, performance.now()));
    if (options.unref) Deno.unrefTimer(timer);
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
