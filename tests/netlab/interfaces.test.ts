// The interface collector against the kernel: two network namespaces of this test's own (pwiA,
// pwiB) joined by a veth pair, IPv6 off and static neighbours so nothing but the test's UDP
// stream crosses it. The collector runs inside pwiA (ip netns exec) against that namespace's
// /proc/net/dev while the same process sends a paced stream. Checks: the byte total over the
// run is exact (payload + 8 UDP + 20 IPv4 + 14 Ethernet per packet), and each steady interval's
// rate is within 2 % of the truth from the sender's log over the same measured interval.
// Needs root; skipped with the reason otherwise.
import assert from "node:assert/strict";

const NS_A = "pwiA";
const NS_B = "pwiB";
const DEV_A = "pwia0";
const DEV_B = "pwib0";
const ADDR_A = "10.77.0.1";
const ADDR_B = "10.77.0.2";
const PACKETS = 6000;
const PAYLOAD = 1000;
const BURST = 10; // 10 packets every 10 ms: about 1.04 MB/s on the wire for 6 s
const FRAME_OVERHEAD = 8 + 20 + 14;

async function sh(args: string[], check = true): Promise<string> {
  const out = await new Deno.Command(args[0], {
    args: args.slice(1),
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (check && !out.success) {
    throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return text;
}

function skipReason(): string | null {
  if (Deno.build.os !== "linux") return "needs Linux network namespaces";
  if (Deno.uid() !== 0) return "needs root (network namespaces)";
  try {
    Deno.statSync("/usr/sbin/ip");
  } catch {
    try {
      Deno.statSync("/sbin/ip");
    } catch {
      return "needs iproute2 (ip)";
    }
  }
  return null;
}

async function teardown(): Promise<void> {
  await sh(["ip", "netns", "del", NS_A], false);
  await sh(["ip", "netns", "del", NS_B], false);
}

async function build(): Promise<void> {
  await teardown();
  for (const ns of [NS_A, NS_B]) {
    await sh(["ip", "netns", "add", ns]);
    // No IPv6 on links made from now on: no router or neighbour solicitations on the veth.
    await sh([
      "ip",
      "netns",
      "exec",
      ns,
      "sysctl",
      "-qw",
      "net.ipv6.conf.default.disable_ipv6=1",
      "net.ipv6.conf.all.disable_ipv6=1",
    ]);
  }
  await sh([
    "ip",
    "link",
    "add",
    DEV_A,
    "netns",
    NS_A,
    "type",
    "veth",
    "peer",
    "name",
    DEV_B,
    "netns",
    NS_B,
  ]);
  const mac = async (ns: string, dev: string) =>
    JSON.parse(await sh(["ip", "-n", ns, "-j", "link", "show", dev]))[0].address as string;
  const macA = await mac(NS_A, DEV_A), macB = await mac(NS_B, DEV_B);
  for (
    const [ns, dev, addr, peer, peerMac] of [
      [NS_A, DEV_A, ADDR_A, ADDR_B, macB],
      [NS_B, DEV_B, ADDR_B, ADDR_A, macA],
    ]
  ) {
    await sh(["ip", "-n", ns, "addr", "add", `${addr}/24`, "dev", dev]);
    await sh(["ip", "-n", ns, "link", "set", dev, "up"]);
    await sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
    // A permanent neighbour entry: no ARP on the link during the measurement.
    await sh([
      "ip",
      "-n",
      ns,
      "neigh",
      "replace",
      peer,
      "lladdr",
      peerMac,
      "dev",
      dev,
      "nud",
      "permanent",
    ]);
  }
}

interface AgentReport {
  collections: {
    monoMs: number;
    samples: { elapsedMs: number; deltas: { txBytes: number }; rates: { txBytesPerS: number } }[];
  }[];
  sent: { monoMs: number; bytes: number }[];
  kernelBefore: number;
  kernelAfter: number;
}

const reason = skipReason();
if (reason) console.log(`netlab interfaces: skipped: ${reason}`);

Deno.test({
  name: "netlab interfaces - a known UDP stream over a veth pair: exact bytes, rate within 2 %",
  ignore: reason !== null,
  fn: async () => {
    await build();
    try {
      const agent = new URL("./interfaces_agent.ts", import.meta.url).pathname;
      const out = await sh([
        "ip",
        "netns",
        "exec",
        NS_A,
        Deno.execPath(),
        "run",
        "-A",
        "--no-check=remote",
        agent,
        DEV_A,
        ADDR_B,
        String(PACKETS),
        String(PAYLOAD),
        String(BURST),
      ]);
      const report = JSON.parse(out.trim().split("\n").at(-1)!) as AgentReport;
      const frame = PAYLOAD + FRAME_OVERHEAD;
      const measured = report.collections.flatMap((c) => c.samples)
        .reduce((sum, s) => sum + s.deltas.txBytes, 0);
      assert.equal(report.kernelAfter - report.kernelBefore, PACKETS * frame, "only our stream");
      assert.equal(measured, PACKETS * frame, "the collector's byte total is exact");

      // Steady intervals: those with the sender busy from start to end.
      const firstSend = report.sent[0].monoMs, lastSend = report.sent.at(-1)!.monoMs;
      const errors: number[] = [];
      const rates: number[] = [];
      for (let i = 1; i < report.collections.length; i++) {
        const from = report.collections[i - 1].monoMs, to = report.collections[i].monoMs;
        const sample = report.collections[i].samples[0];
        if (!sample || from < firstSend || to > lastSend) continue;
        const truthBytes = report.sent.filter((s) => s.monoMs >= from && s.monoMs < to)
          .reduce((sum, s) => sum + (s.bytes / PAYLOAD) * frame, 0);
        const truthRate = truthBytes * 1000 / (to - from);
        errors.push(sample.rates.txBytesPerS / truthRate - 1);
        rates.push(sample.rates.txBytesPerS);
      }
      assert.ok(errors.length >= 3, `at least three steady intervals, got ${errors.length}`);
      const worst = Math.max(...errors.map(Math.abs));
      console.log(
        `netlab interfaces: ${errors.length} steady intervals, rate error ` +
          errors.map((e) => `${(e * 100).toFixed(3)} %`).join(", ") +
          `; worst ${(worst * 100).toFixed(3)} %; measured ` +
          rates.map((r) => `${(r / 1000).toFixed(1)} kB/s`).join(", ") +
          `; total ${measured} bytes exact`,
      );
      assert.ok(worst <= 0.02, `every interval within 2 % (worst ${(worst * 100).toFixed(2)} %)`);
    } finally {
      await teardown();
    }
  },
});
