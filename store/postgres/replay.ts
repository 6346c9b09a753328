// Running the shared, synchronous history code (store/sqlite/ history_read, timeline) on an
// asynchronous database: the code reads through caches that throw `Missing` with the query to
// run; `replay` runs that query and tries again, until everything it needs has been fetched.
// Each query is fetched once per call, so a call costs the same round trips as a direct port.

export class Missing extends Error {
  constructor(readonly fetch: () => Promise<void>) {
    super("store: data not fetched yet");
    this.name = "Missing";
  }
}

/** Runs `work` until it no longer needs data it does not have. */
export async function replay<T>(work: () => T, maxFetches = 64): Promise<T> {
  for (let fetched = 0;; fetched++) {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof Missing) || fetched >= maxFetches) throw error;
      await error.fetch();
    }
  }
}

/** A cache of query results by key: `get` throws Missing until `load` has filled the key. */
export function fetchCache() {
  const values = new Map<string, unknown>();
  return {
    get<T>(key: string, load: () => Promise<T>): T {
      if (values.has(key)) return values.get(key) as T;
      throw new Missing(async () => {
        values.set(key, await load());
      });
    },
  };
}

/** Runs async work one at a time, in call order (the write paths share in-memory state). */
export function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = tail.then(work, work);
    tail = result.catch(() => {});
    return result;
  };
}
