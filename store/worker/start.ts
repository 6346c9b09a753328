// The light part of the store's Worker: its name, its entry and its early start. main.ts loads
// only this before it starts the Worker, so the Worker loads its modules while the engine's thread
// loads the rest of the program (nothing here imports anything).

/** The Worker's name: a bundle's one file serves the store when it runs under it (main.ts). */
export const STORE_WORKER_NAME = "pingwatcher-store";

const ENTRY = new URL("./entry.ts", import.meta.url);

/**
 * The module the store's Worker runs, for a program whose main module is `main`. Run from its
 * modules (`deno run main.ts`, or a binary that includes store/worker/entry.ts): entry.ts beside
 * this file, so the Worker's module graph holds the store's modules only (from main.ts it held the
 * whole program's sources, a few MB more in that thread). From a bundle, whose one file holds
 * every module: the bundle itself, which serves the store under STORE_WORKER_NAME.
 */
export function storeWorkerEntry(main: string | URL): string {
  return import.meta.url.endsWith("/store/worker/start.ts") ? ENTRY.href : String(main);
}

/**
 * Whether a Worker can be started from `entry`: Deno checks read access to every file module the
 * Worker loads, so the program's folder must be readable (the folder of main.ts or of a bundle;
 * for store/worker/entry.ts, the folder two levels up, where the modules it loads live); a run
 * with a narrower --allow-read cannot start one.
 */
export function canStartWorker(entry: string | URL): boolean {
  const url = new URL(entry);
  if (url.protocol !== "file:") return true;
  const folder = new URL(url.href === ENTRY.href ? "../../" : ".", url);
  return Deno.permissions.querySync({ name: "read", path: folder }).state === "granted";
}

/** A Worker started ahead of need (prestartStoreWorker), not yet taken by a store. */
let prestarted: { entry: string; worker: Worker } | null = null;

/**
 * Starts the store's Worker ahead of need, so that loading its modules overlaps the rest of the
 * program's start. The first takeWorker from the same entry takes it; an unused one ends with the
 * process.
 */
export function prestartStoreWorker(entry: string | URL): void {
  if (prestarted || !canStartWorker(entry)) return;
  prestarted = { entry: String(entry), worker: startWorker(entry) };
}

function startWorker(entry: string | URL): Worker {
  return new Worker(entry, { type: "module", name: STORE_WORKER_NAME });
}

/** The prestarted Worker of `entry`, or a new one. */
export function takeWorker(entry: string | URL): Worker {
  if (prestarted?.entry !== String(entry)) return startWorker(entry);
  const { worker } = prestarted;
  prestarted = null;
  return worker;
}

/**
 * Inside the Worker: loads the store's side with `load` and serves it. Requests that arrive while
 * it loads are kept and handed over in order (a message with no listener yet would be lost).
 */
export async function serveWhenLoaded(
  load: () => Promise<{ serveStoreWorker(): void }>,
): Promise<void> {
  const scope = self as unknown as { onmessage: ((event: MessageEvent) => void) | null };
  const early: MessageEvent[] = [];
  scope.onmessage = (event) => early.push(event);
  const { serveStoreWorker } = await load();
  serveStoreWorker();
  for (const event of early) scope.onmessage?.(event);
}
