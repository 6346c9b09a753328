// PingWatcher entry point: only dispatches. The commands live in api/cli/commands.ts.
import { dispatch, processEnv } from "./api/mod.ts";

const encoder = new TextEncoder();

function interruptSignal(): Promise<void> {
  return new Promise((resolve) => {
    const handler = () => resolve();
    Deno.addSignalListener("SIGINT", handler);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", handler);
  });
}

if (import.meta.main) {
  const code = await dispatch(Deno.args, {
    write: (text) => Deno.stdout.writeSync(encoder.encode(text)),
    writeError: (text) => Deno.stderr.writeSync(encoder.encode(text)),
    env: processEnv(),
    isTty: Deno.stdout.isTerminal(),
    stderrIsTty: Deno.stderr.isTerminal(),
    interrupted: interruptSignal(),
    readStdin: async () => await new Response(Deno.stdin.readable).text(),
  });
  Deno.exit(code);
}
