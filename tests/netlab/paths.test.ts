// Paths that are less tidy than the lab's default one: a router without a route that drops some
// of its own unreachables, or never answers its own TTL's probe, TCP through a router that drops
// replies, an ECMP router, AS lookups.
// Each scenario also runs mtr on the same path and logs its figures beside ours.
import assert from "node:assert/strict";
import { runCli, traceJson } from "./cli.ts";
import { skipLabTests } from "./helpers.ts";
import { type Lab, withLab } from "./lab.ts";
import { LAB_AS } from "./lab_topology.ts";
import { TOOL_DIFFERENCE_MS, withGroundTruth } from "./truth.ts";

const skip = await skipLabTests("paths.test.ts");
const ignore = skip !== null;

/** `mtr -r -n` in the agent namespace: its rows (hop, address, loss, sent, avg, best, worst). */
export async function mtrReport(lab: Lab, host: string, args: string[]): Promise<string[][]> {
  const out = await lab.run(["mtr", "-r", "-n", "-w", ...args, host]);
  return out.stdout.split("\n").filter((line) => /^\s*\d+\.(\|--| AS)/.test(line))
    .map((line) => line.trim().split(/\s+/));
}

/** What a loaded machine adds to one userspace-timed sample (see the TCP test). */
const SCHEDULING_NOISE_MS = 100;

const UNREACHABLE_TARGET = "fd18:0:0:200::1";

Deno.test({
  name: "netlab paths - no row past a router's unreachable, even when it drops some (!N)",
  ignore,
  fn: () =>
    withLab({}, async (lab) => {
      // r3 has no route for fd18:0:0:200::/64 (ICMPv6 "no route", !N) and drops 30 % of its own
      // unreachables. IPv6, because Linux rate-limits IPv4 unreachables of routing failures per
      // source with a host-wide token bucket (net.ipv4.route.error_cost, about 1/s after a
      // burst of 5) that a namespace cannot turn off: under it the hop that gets an answer is
      // decided by the bucket's phase, not by the 30 % this test injects.
      await lab.runIn("r3", ["ip", "-6", "route", "add", "unreachable", "fd18:0:0:200::/64"]);
      await lab.setUnreachableDrop("r3", 30);
      const r3 = lab.address("r3", 6);
      const lengths: number[] = [];
      const kinds: string[] = [];
      const rounds = ["--count", "5", "--interval", "0.5"];
      for (let run = 0; run < 6; run++) {
        const got = await traceJson(lab, UNREACHABLE_TARGET, rounds);
        lengths.push(got.hops.length);
        const summary = got.hops.map((h) => `${h.ip ?? "???"}${h.unreachable ?? ""}/${h.sent}`);
        console.log(`    run ${run + 1}: ${summary.join("  ")}`);
        assert.equal(got.hops.length, 3, `run ${run + 1}: the path ends at r3`);
        assert.equal(got.hops[2].ip, r3);
        assert.equal(got.hops[2].unreachable, "!N");
        kinds.push(String(got.hops[2].unreachable));
        assert.equal(got.hops[2].sent, 5);
      }
      const report = await runCli(lab, ["trace", UNREACHABLE_TARGET, "--report", ...rounds]);
      assert.match(report.stdout, new RegExp(`^ +3 +${r3} !N `, "m"));
      assert.doesNotMatch(report.stdout, /^ +4 /m);
      const mtrRows: number[] = [];
      for (let run = 0; run < 6; run++) {
        const rows = await mtrReport(lab, UNREACHABLE_TARGET, ["-c", "5", "-i", "0.5"]);
        mtrRows.push(rows.length);
      }
      console.log(
        `    PingWatcher rows per run: ${lengths.join(" ")} (kinds ${kinds.join(" ")}); ` +
          `mtr -r rows per run: ${mtrRows.join(" ")}`,
      );
    }),
});

Deno.test({
  name:
    "netlab paths - a router that never answers its own TTL's probe is shown where its quote says",
  ignore,
  fn: () =>
    withLab({}, async (lab) => {
      // r3 has no route on, and r2 drops every probe that would reach r3 with hop limit 1 (the
      // probes sent with TTL 3): r3 only ever answers probes sent with TTL 4 or more. It quotes
      // them with the hop limit they reached it with, 2 for TTL 4, so it is 3 hops away. mtr,
      // which places an answer at the TTL it was sent with, shows r3 at hop 4 behind a silent 3.
      await lab.runIn("r3", ["ip", "-6", "route", "add", "unreachable", "fd18:0:0:200::/64"]);
      await lab.runIn("r2", [
        ...["ip6tables", "-A", "FORWARD", "-d", "fd18:0:0:200::/64", "-p", "ipv6-icmp"],
        ...["--icmpv6-type", "echo-request", "-m", "hl", "--hl-eq", "1", "-j", "DROP"],
      ]);
      const r3 = lab.address("r3", 6);
      const rows = await mtrReport(lab, UNREACHABLE_TARGET, ["-c", "3", "-i", "0.5"]);
      console.log(`    mtr -r: ${rows.map((row) => `${row[0]} ${row[1]}`).join("  ")}`);
      assert.equal(rows.at(-1)?.[1], r3, "mtr ends at r3");
      assert.equal(
        rows.length,
        4,
        "mtr shows r3 at hop 4: the lab drops what r3 would answer at 3",
      );
      const got = await traceJson(lab, UNREACHABLE_TARGET, ["--count", "3", "--interval", "0.5"]);
      const summary = got.hops.map((h) => `${h.ip ?? "???"}${h.unreachable ?? ""}/${h.sent}`);
      console.log(`    PingWatcher: ${summary.join("  ")}`);
      assert.equal(got.hops.length, 3, "the path ends at r3, hop 3");
      assert.equal(got.hops[2].ip, r3);
      assert.equal(got.hops[2].unreachable, "!N");
    }),
});

Deno.test({
  name: "netlab paths - TCP: no sample is a retransmitted SYN's; every max is bounded by the truth",
  ignore,
  fn: () =>
    withLab({ delayUs: { r1: 2000, r2: 3300 } }, async (lab) => {
      // r2 drops 40 % of its time-exceeded messages: the kernel retransmits those SYNs after 1 s
      // and r2 answers the copy (the issue's 1,024.8 ms sample at a 5.3 ms hop).
      await lab.setReplyDrop("r2", 40);
      const expected = lab.expectedHops(4);
      const ips = expected.map((h) => h.ip);
      const args = ["--protocol", "tcp", "--count", "10", "--interval", "0.5"];
      const { result: got, truth } = await withGroundTruth(
        lab,
        ips,
        () => traceJson(lab, lab.address("target", 4), args),
      );
      for (const want of expected) {
        const hop = got.hops[want.hop - 1];
        const t = truth.get(want.ip)!;
        console.log(
          `    hop ${want.hop} ${want.ip}: PingWatcher avg ${hop.avgMs} max ${hop.maxMs} ms ` +
            `loss ${hop.lossPct} %; ping truth avg ${t.meanMs.toFixed(3)} max ${
              t.maxMs.toFixed(3)
            }`,
        );
        assert.equal(hop.ip, want.ip);
        assert.ok(hop.received > 0, `hop ${want.hop} answered`);
        // A retransmitted SYN's answer is timed at >= 1,000 ms. Under a loaded machine the
        // prober's wake-ups add tens of ms ping (kernel timestamps) does not see (24 ms seen at
        // a load of 6): the bound leaves that noise and stays 10 times below any artifact.
        assert.ok(
          hop.maxMs! <= t.maxMs + TOOL_DIFFERENCE_MS + SCHEDULING_NOISE_MS,
          `hop ${want.hop}: max ${hop.maxMs} ms, ping's max ${t.maxMs} ms`,
        );
      }
      // What r2 dropped is the kernel's count, not 40 % of 10 (none at all 0.6 % of the time): each
      // drop loses that probe (its SYN's retransmission is answered at >= 1 s); a retransmission's
      // reply dropped too counts twice for one loss.
      const dropped = (await lab.drops("r2", 4)).timeExceeded;
      const lost = got.hops[1].sent - got.hops[1].received;
      console.log(
        `    r2 dropped ${dropped} time-exceeded; hop 2 lost ${lost}/${got.hops[1].sent}`,
      );
      assert.ok(lost <= dropped, `hop 2 lost ${lost}, more than r2 dropped (${dropped})`);
      assert.equal(lost > 0, dropped > 0, "r2's dropped replies are losses, not late samples");
      const rows = await mtrReport(lab, lab.address("target", 4), [
        "-T",
        "-P",
        "80",
        "-c",
        "10",
        "-i",
        "0.5",
      ]);
      for (const row of rows) console.log(`    mtr -T: ${row.join(" ")}`);
    }),
});

/** r1 balances the lab's traffic over r2 and r2b with L4 hashing (equal-cost multipath). */
async function ecmpAtR1(lab: Lab): Promise<void> {
  await lab.runIn("r1", ["sysctl", "-q", "-w", "net.ipv4.fib_multipath_hash_policy=1"]);
  await lab.runIn("r1", [
    "ip",
    "route",
    "replace",
    "198.18.0.0/16",
    "nexthop",
    "via",
    "198.18.2.2",
    "nexthop",
    "via",
    "198.18.5.2",
  ]);
}

Deno.test({
  name: "netlab paths - ECMP: one path per UDP flow, another flow takes the other branch",
  ignore,
  fn: () =>
    withLab({}, async (lab) => {
      await ecmpAtR1(lab);
      const target = lab.address("target", 4);
      const branches = new Set([lab.address("r2", 4), "198.18.5.2"]);
      const udp = ["--protocol", "udp", "--count", "10", "--interval", "0.2"];
      // Classic probes (flow 0) change ports probe by probe: hop 2 mixes both branches.
      const classic = await traceJson(lab, target, [...udp, "--flow", "0"]);
      console.log(`    classic (flow 0): hop 2 ${classic.hops[1].ips.join(", ")}`);
      assert.equal(classic.hops[1].ips.length, 2, "classic probes take both branches");
      const byFlow = new Map<number, string>();
      for (let flow = 1; flow <= 8; flow++) {
        const got = await traceJson(lab, target, [...udp, "--flow", String(flow)]);
        const hop2 = got.hops[1].ips;
        console.log(`    flow ${flow}: hop 2 ${hop2.join(", ")}; ${got.hops.length} hops`);
        assert.equal(hop2.length, 1, `flow ${flow}: one branch`);
        assert.ok(branches.has(hop2[0]));
        assert.equal(got.hops.at(-1)!.ip, target);
        byFlow.set(flow, hop2[0]);
      }
      // The default (flow 1) is a flow too; a deliberate change of flow shows the other branch.
      const seen = new Set(byFlow.values());
      assert.equal(seen.size, 2, "8 flows hash onto both branches");
      const rows = await mtrReport(lab, target, ["-u", "-c", "10", "-i", "0.2"]);
      for (const row of rows) console.log(`    mtr -u: ${row.join(" ")}`);
    }),
});

Deno.test({
  name: "netlab paths - AS number and prefix per hop from the lab's DNS (-z), none without it",
  ignore,
  fn: () =>
    withLab({}, async (lab) => {
      const target = lab.address("target", 4);
      const expected = lab.expectedHops(4);
      const got = await traceJson(lab, target, ["-z", "--count", "3", "--interval", "0.2"]);
      for (const want of expected) {
        const hop = got.hops[want.hop - 1];
        console.log(`    hop ${want.hop} ${hop.ip}: AS${hop.as?.asn} ${hop.as?.prefix}`);
        assert.equal(hop.as?.asn, LAB_AS[want.node]);
        assert.equal(hop.as?.prefix, want.ip.replace(/\.\d+$/, ".0/24"));
      }
      const plain = await traceJson(lab, target, ["--count", "1"]);
      assert.equal("as" in plain.hops[0], false, "off by default");
      const report = await runCli(lab, ["trace", target, "--report", "-z", "--count", "2"]);
      assert.match(report.stdout, new RegExp(`AS${LAB_AS.r2} 198\\.18\\.2\\.0/24`));
      const rows = await mtrReport(lab, target, ["-z", "-c", "2", "-i", "0.2"]);
      for (const row of rows) console.log(`    mtr -z: ${row.join(" ")}`);
    }),
});
