// Long-lived processes of the lab: one delay helper per delaying namespace, and dnsmasq.
import { DELAY_HELPER, inNs } from "./lab_exec.ts";
import { asTxtRecords, DNS_DOMAIN, hostRecords } from "./lab_topology.ts";

const READY_TIMEOUT_MS = 10_000;
/** NETLAB_VERBOSE=1 echoes what the lab's processes print (dnsmasq queries, helper notes). */
const VERBOSE = Deno.env.get("NETLAB_VERBOSE") === "1";

/** Keeps reading a stream (so the child never blocks on a full pipe); remembers the tail. */
async function drain(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  }
  if (buffered) onLine(buffered);
}

/** Spawns argv and resolves once a line on `readyOn` contains `marker`; throws otherwise. */
export interface LabProcess {
  child: Deno.ChildProcess;
  /** Resolves when the process has exited and both its pipes are drained. */
  done: Promise<void>;
}

async function startReady(
  argv: string[],
  readyOn: "stdout" | "stderr",
  marker: string,
): Promise<LabProcess> {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const tail: string[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => markReady = resolve);
  const watch = (which: "stdout" | "stderr") => (line: string) => {
    if (VERBOSE) console.error(`[${argv[3] ?? argv[0]}] ${line}`);
    tail.push(line);
    if (tail.length > 20) tail.shift();
    if (which === readyOn && line.includes(marker)) markReady();
  };
  const done = Promise.allSettled([
    drain(child.stdout, watch("stdout")),
    drain(child.stderr, watch("stderr")),
    child.status,
  ]).then(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    child.status.then(() => "exited" as const),
    new Promise<"timeout">((resolve) =>
      timer = setTimeout(() => resolve("timeout"), READY_TIMEOUT_MS)
    ),
  ]);
  clearTimeout(timer);
  if (outcome === "ready") return { child, done };
  if (outcome === "timeout") {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }
  await done;
  throw new Error(`${argv.join(" ")}: ${outcome} before "${marker}": ${tail.join(" | ")}`);
}

/** Delays packets of NFQUEUE queue 0 in `ns` by `delayUs` (see delay.c). */
export function startDelayHelper(ns: string, delayUs: number): Promise<LabProcess> {
  return startReady(inNs(ns, [DELAY_HELPER, `0:${Math.round(delayUs)}`]), "stdout", "ready");
}

/** dnsmasq on 127.0.0.1:53 of `ns`: the lab's names and PTRs, nothing else, no upstream. */
export function startDnsmasq(ns: string): Promise<LabProcess> {
  const args = [
    "dnsmasq",
    "--keep-in-foreground",
    "--conf-file=/dev/null",
    "--pid-file=",
    "--log-facility=-",
    "--no-resolv",
    "--no-hosts",
    "--no-poll",
    "--bind-interfaces",
    "--listen-address=127.0.0.1",
    "--port=53",
    // Answer NXDOMAIN (never forward) for the lab's zones and their reverse zones.
    `--local=/${DNS_DOMAIN}/`,
    "--local=/18.198.in-addr.arpa/",
    "--local=/8.1.d.f.ip6.arpa/",
    ...hostRecords().map((record) => `--host-record=${record}`),
    // The AS lookups' zone, served here and never forwarded (the lab has no way out anyway).
    "--local=/asn.cymru.com/",
    ...asTxtRecords().map((record) => `--txt-record=${record}`),
  ];
  return startReady(inNs(ns, args), "stderr", "started");
}
