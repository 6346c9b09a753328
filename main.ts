// PingWatcher entry point: only dispatches. The commands live in api/cli/commands.ts. Started as
// the store's Worker (store/worker/: only when bundled into one file; run from its modules, the
// Worker starts from store/worker/entry.ts), it serves the store instead and loads nothing of api/.
import {
  prestartStoreWorker,
  serveWhenLoaded,
  STORE_WORKER_NAME,
  storeWorkerEntry,
} from "./store/worker/start.ts";

const encoder = new TextEncoder();

function interruptSignal(): Promise<void> {
  return new Promise((resolve) => {
    const handler = () => resolve();
    Deno.addSignalListener("SIGINT", handler);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", handler);
  });
}

if ((globalThis as { name?: string }).name === STORE_WORKER_NAME) {
  await serveWhenLoaded(() => import("./store/worker/serve.ts"));
} else if (import.meta.main) {
  // The server (the default command: no command word first) starts its store's Worker before it
  // loads anything else, so that the Worker loads its modules while this thread loads the rest.
  const storeWorker = storeWorkerEntry(import.meta.url);
  if (!/^[a-z]+$/.test(Deno.args[0] ?? "") || Deno.args[0] === "serve") {
    prestartStoreWorker(storeWorker);
  }
  const { dispatch, processEnv } = await import("./api/mod.ts");
  const code = await dispatch(Deno.args, {
    write: (text) => Deno.stdout.writeSync(encoder.encode(text)),
    writeError: (text) => Deno.stderr.writeSync(encoder.encode(text)),
    env: processEnv(),
    isTty: Deno.stdout.isTerminal(),
    stderrIsTty: Deno.stderr.isTerminal(),
    interrupted: interruptSignal(),
    readStdin: async () => await new Response(Deno.stdin.readable).text(),
    storeWorker,
  });
  Deno.exit(code);
}
