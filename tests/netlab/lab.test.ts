// The lab's own sanity, measured with the system's ping from the agent namespace: what the lab
// injects (delay, loss, reply drops, route swaps, names) is what a well-known tool sees.
import assert from "node:assert/strict";
import { formatInterval, wilsonInterval, Z5, Z95 } from "./binomial.ts";
import { parsePing, skipLabTests } from "./helpers.ts";
import { createLab, type Family, type Lab, withLab } from "./lab.ts";
import { pingTimes, statsOf } from "./truth.ts";

const skip = await skipLabTests("lab.test.ts");
const ignore = skip !== null;

const DELAY_US = { r1: 2000, r2: 3000, r2b: 1500, r3: 4000, target: 1000 };
/**
 * How far the median may sit above the injected delay, per delaying node the packet crosses (hop k
 * crosses k): what the lab itself adds. Each node's helper holds the packet on a timer and
 * re-injects it when it wakes, and the veths forward it through up to four namespaces: 0.05–0.17 ms
 * in all measured idle, and up to 0.3 ms at hop 4 (IPv6) while a second job loaded both cores,
 * which failed a fixed 0.3 ms once. The median, not the average: that load delays some packets by
 * milliseconds, which moves an average of 20 but not the middle of them; the minimum is checked
 * too, and can never be below the injected delay.
 */
const LAB_ADDS_PER_NODE_MS = 0.15;
/** ping prints 3 decimals; a median such as 10.3 − 10 is 0.30000000000000071 in binary. */
const ROUNDING_MS = 0.0005;

async function ping(lab: Lab, args: string[]): Promise<ReturnType<typeof parsePing>> {
  const result = await lab.run(["ping", "-n", ...args]);
  return parsePing(result.stdout);
}

Deno.test({
  name: "netlab - ping measures the injected delay at every hop, IPv4 and IPv6",
  ignore,
  fn: () =>
    withLab({ delayUs: DELAY_US }, async (lab) => {
      for (const family of [4, 6] as Family[]) {
        for (const hop of lab.expectedHops(family)) {
          await ping(lab, [`-${family}`, "-q", "-c", "2", "-i", "0.01", hop.ip]); // ARP / ND
          const result = await lab.run([
            "ping",
            "-n",
            `-${family}`,
            "-c",
            "20",
            "-i",
            "0.05",
            hop.ip,
          ]);
          const got = parsePing(result.stdout);
          const median = statsOf(hop.ip, pingTimes(result.stdout)).medianMs;
          const injectedMs = hop.delayUs / 1000;
          console.log(
            `  IPv${family} hop ${hop.hop} ${hop.ip}: injected ${injectedMs} ms, ` +
              `ping min/avg/max ${got.minMs}/${got.avgMs}/${got.maxMs} ms, median ${median} ms`,
          );
          assert.equal(got.received, 20, `every ping to ${hop.ip} answered`);
          assert.ok(
            median - injectedMs <= hop.hop * LAB_ADDS_PER_NODE_MS + ROUNDING_MS,
            `median at hop ${hop.hop}`,
          );
          // Released at arrival + delay: never earlier.
          assert.ok(got.minMs! >= injectedMs - 0.01, `min at hop ${hop.hop}`);
        }
      }
    }),
});

Deno.test({
  name: "netlab - overlapping packets each get exactly their own delay",
  ignore,
  fn: () =>
    withLab({ delayUs: { target: 5000 } }, async (lab) => {
      // 100 pings 0.5 ms apart: about ten are held by the helper at any moment.
      const result = await lab.run([
        "ping",
        "-n",
        "-c",
        "100",
        "-i",
        "0.0005",
        lab.address("target", 4),
      ]);
      const got = parsePing(result.stdout);
      const median = statsOf("target", pingTimes(result.stdout)).medianMs;
      console.log(
        `  5 ms at the target, 0.5 ms apart: min/avg/max ${got.minMs}/${got.avgMs}/` +
          `${got.maxMs} ms, median ${median} ms`,
      );
      assert.equal(got.received, 100);
      assert.ok(got.minMs! >= 5 - 0.01);
      // Held packets overlap; if one were held back by another, the median would show it.
      // One delaying node holding about ten packets at once: twice one node's share (0.3 ms).
      assert.ok(median - 5 <= 2 * LAB_ADDS_PER_NODE_MS + ROUNDING_MS, `median ${median} ms`);
    }),
});

Deno.test({
  name: "netlab - swapping r1's route changes the address at hop 2 only",
  ignore,
  fn: () =>
    withLab({ delayUs: DELAY_US }, async (lab) => {
      const hopAt = async (ttl: number, family: Family) => {
        const target = lab.address("target", family);
        const got = await ping(lab, [
          `-${family}`,
          "-c",
          "1",
          "-W",
          "2",
          "-t",
          String(ttl),
          target,
        ]);
        return got.errorsFrom[0] ?? null;
      };
      for (const family of [4, 6] as Family[]) {
        assert.equal(await hopAt(2, family), lab.address("r2", family));
        assert.equal(await hopAt(3, family), lab.address("r3", family));
        await lab.useAlternateRoute(true);
        assert.equal(await hopAt(1, family), lab.address("r1", family));
        assert.equal(await hopAt(2, family), lab.address("r2b", family));
        assert.equal(await hopAt(3, family), lab.address("r3", family));
        const via = await lab.run([
          "ping",
          "-n",
          `-${family}`,
          "-c",
          "10",
          "-i",
          "0.05",
          lab.address("target", family),
        ]);
        const median = statsOf("target", pingTimes(via.stdout)).medianMs;
        // r2b's 1.5 ms replaces r2's 3 ms on the way.
        const expectedMs = lab.expectedHops(family)[3].delayUs / 1000;
        assert.equal(expectedMs, 8.5);
        assert.ok(median >= expectedMs - 0.01, `via r2b: median ${median} ms`);
        assert.ok(
          median - expectedMs <= 4 * LAB_ADDS_PER_NODE_MS + ROUNDING_MS,
          `via r2b: median ${median} ms`,
        );
        await lab.useAlternateRoute(false);
        assert.equal(await hopAt(2, family), lab.address("r2", family));
      }
    }),
});

Deno.test({
  name: "netlab - lab names and PTRs resolve inside the agent namespace only",
  ignore,
  fn: () =>
    withLab({}, async (lab) => {
      const forward = await lab.run(["getent", "ahosts", "target.lab.test"]);
      assert.ok(forward.stdout.includes(lab.address("target", 4)), forward.stdout);
      assert.ok(forward.stdout.includes(lab.address("target", 6)), forward.stdout);
      for (const node of ["r1", "r2", "r2b", "r3", "target"] as const) {
        for (const family of [4, 6] as Family[]) {
          const reverse = await lab.run(["getent", "hosts", lab.address(node, family)]);
          assert.match(reverse.stdout, new RegExp(`\\s${node}\\.lab\\.test\\s*$`), reverse.stdout);
        }
      }
      // Deno's own resolver (PTR lookups of the engine) reads the namespace's resolv.conf too.
      const code = `console.log(JSON.stringify(await Deno.resolveDns(` +
        `"2.2.18.198.in-addr.arpa", "PTR")))`;
      const deno = await lab.run([Deno.execPath(), "eval", code]);
      assert.deepEqual(JSON.parse(deno.stdout), ["r2.lab.test."], deno.stderr);
      const unknown = await lab.run(["getent", "hosts", "nothing.lab.test"]);
      assert.notEqual(unknown.code, 0);
    }),
});

Deno.test({
  name: "netlab - loss at r2 drops probes to r2 and beyond, never to r1",
  ignore,
  fn: () =>
    withLab({}, async (lab) => {
      await lab.setLoss("r2", 30);
      const r1 = await ping(lab, [
        "-q",
        "-c",
        "300",
        "-i",
        "0.002",
        "-W",
        "1",
        lab.address("r1", 4),
      ]);
      assert.equal(r1.received, 300);
      let droppedBefore = 0;
      for (const node of ["r2", "target"] as const) {
        const got = await ping(lab, [
          "-q",
          "-c",
          "400",
          "-i",
          "0.002",
          "-W",
          "1",
          lab.address(node, 4),
        ]);
        const lost = got.transmitted - got.received;
        const drops = await lab.drops("r2", 4);
        const droppedNow = [...drops.byTtl.values()].reduce((a, b) => a + b, drops.higher);
        const dropped = droppedNow - droppedBefore;
        droppedBefore = droppedNow;
        const ci95 = wilsonInterval(lost, got.transmitted, Z95);
        console.log(
          `  30 % loss at r2, ping ${node}: lost ${lost}/${got.transmitted}, ` +
            `95 % interval ${formatInterval(ci95)}; r2's counters: ${dropped} dropped`,
        );
        // What ping lost is what r2 dropped (the kernel's count), and that is about 30 %.
        assert.equal(lost, dropped, "ping lost what r2 dropped");
        const [low, high] = wilsonInterval(lost, got.transmitted, Z5);
        assert.ok(low <= 0.3 && 0.3 <= high, `30 % inside ${formatInterval([low, high])}`);
      }
      await lab.setLoss("r2", 0);
      const after = await ping(lab, [
        "-q",
        "-c",
        "200",
        "-i",
        "0.002",
        "-W",
        "1",
        lab.address("target", 4),
      ]);
      assert.equal(after.received, 200, "setLoss(r2, 0) removes the loss");
    }),
});

Deno.test({
  name: "netlab - a reply drop at r2 hides r2's time-exceeded messages and nothing else",
  ignore,
  fn: () =>
    withLab({}, async (lab) => {
      await lab.setReplyDrop("r2", 100);
      for (const family of [4, 6] as Family[]) {
        const target = lab.address("target", family);
        const at2 = await ping(lab, [
          `-${family}`,
          "-c",
          "3",
          "-i",
          "0.05",
          "-W",
          "1",
          "-t",
          "2",
          target,
        ]);
        assert.deepEqual(at2.errorsFrom, [], "r2 stays silent");
        const at3 = await ping(lab, [
          `-${family}`,
          "-c",
          "3",
          "-i",
          "0.05",
          "-W",
          "1",
          "-t",
          "3",
          target,
        ]);
        assert.deepEqual(at3.errorsFrom, Array(3).fill(lab.address("r3", family)));
        const echo = await ping(lab, [
          `-${family}`,
          "-q",
          "-c",
          "3",
          "-i",
          "0.05",
          lab.address("r2", family),
        ]);
        assert.equal(echo.received, 3, "r2 still answers echo requests");
      }
    }),
});

Deno.test({
  name: "netlab - the agent namespace has no route out of the lab",
  ignore,
  fn: () =>
    withLab({}, async (lab) => {
      // `ip route get` asks the routing table; it sends nothing.
      const v4 = await lab.run(["ip", "-4", "route", "get", "192.0.2.1"]);
      assert.notEqual(v4.code, 0, v4.stdout);
      const v6 = await lab.run(["ip", "-6", "route", "get", "2001:db8::1"]);
      assert.notEqual(v6.code, 0, v6.stdout);
      const routes = await lab.run(["ip", "-4", "route", "show"]);
      assert.doesNotMatch(routes.stdout, /default/);
    }),
});

Deno.test({
  name: "netlab - destroy removes namespaces, processes and the resolver directory",
  ignore,
  fn: async () => {
    const lab = await createLab({ delayUs: { r1: 1000 } });
    const pids = await lab.run(["ip", "netns", "pids", lab.ns.r1]);
    assert.notEqual(pids.stdout.trim(), "", "the delay helper runs in r1");
    await lab.destroy();
    await lab.destroy(); // twice is harmless
    const list = new TextDecoder().decode(
      (await new Deno.Command("ip", { args: ["netns", "list"] }).output()).stdout,
    );
    for (const ns of Object.values(lab.ns)) assert.ok(!list.includes(ns), `${ns} removed`);
    await assert.rejects(Deno.stat(`/etc/netns/${lab.ns.agent}`));
    for (const pid of pids.stdout.trim().split(/\s+/)) {
      await assert.rejects(Deno.stat(`/proc/${pid}`), `process ${pid} ended`);
    }
  },
});
