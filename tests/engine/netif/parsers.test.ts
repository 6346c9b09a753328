// The interface parsers on recorded output (tests/fixtures/, each file names its source).
import assert from "node:assert/strict";
import {
  directRead,
  grepRead,
  kindOfType,
  linuxSource,
  NetstatParseError,
  parseDefaultRoute,
  parseGrepOutput,
  parseNetstatIbn,
  parseProcNetDev,
  parseRouteGetDefault,
} from "../../../engine/mod.ts";

function fixture(name: string): string {
  const text = Deno.readTextFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
  return text.split("\n").filter((line) => !line.startsWith("#")).join("\n");
}

Deno.test("netif parsers - /proc/net/dev with names wider than the name column", () => {
  const found = parseProcNetDev(fixture("proc_net_dev_notebook.txt"));
  assert.deepEqual([...found.keys()], ["eno16777736", "lo", "eno33554960"]);
  assert.deepEqual(found.get("eno16777736"), {
    rxBytes: 1150470,
    rxPackets: 14704,
    rxErrors: 0,
    rxDrops: 0,
    txBytes: 720003,
    txPackets: 7105,
    txErrors: 0,
    txDrops: 0,
  });
  assert.equal(found.get("lo")!.rxBytes, 1720952079);
  assert.equal(found.get("eno33554960")!.txPackets, 44);
});

Deno.test("netif parsers - /proc/net/dev of this build host, and a name touching its counters", () => {
  const found = parseProcNetDev(fixture("proc_net_dev_debian12.txt"));
  assert.deepEqual([...found.keys()], ["lo", "ifb0", "ifb1", "eth0"]);
  assert.equal(found.get("eth0")!.rxBytes, 200922228);
  assert.equal(found.get("eth0")!.txPackets, 11195);
  const old = parseProcNetDev(
    "  eth0:1150470   14704    3    4    0     0          0         0   720003    7105    5    6    0     0       0          0\n",
  );
  assert.deepEqual(old.get("eth0"), {
    rxBytes: 1150470,
    rxPackets: 14704,
    rxErrors: 3,
    rxDrops: 4,
    txBytes: 720003,
    txPackets: 7105,
    txErrors: 5,
    txDrops: 6,
  });
  assert.equal(parseProcNetDev("  eth0: 1 2 3\n").size, 0, "a short line is left out");
});

Deno.test("netif parsers - the default route from /proc/net/route", () => {
  assert.equal(parseDefaultRoute(fixture("proc_net_route_debian12.txt")), "eth0");
  const twoDefaults = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n" +
    "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\n" +
    "eth1\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\n" +
    "eth1\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\n";
  assert.equal(parseDefaultRoute(twoDefaults), "eth1", "the lowest metric wins");
  assert.equal(parseDefaultRoute("Iface\tDestination\n"), null);
});

Deno.test("netif parsers - macOS netstat -ibn: link rows once, down marked, no Drop column", () => {
  const rows = parseNetstatIbn(fixture("netstat_ibn_macos.txt"));
  assert.deepEqual(rows.map((r) => [r.name, r.up]), [
    ["lo0", true],
    ["gif0", false],
    ["stf0", false],
    ["en0", true],
    ["p2p0", true],
    ["ham0", true],
  ]);
  const en0 = rows.find((r) => r.name === "en0")!;
  assert.deepEqual(en0.counters, {
    rxBytes: 13835457425,
    rxPackets: 20801309,
    rxErrors: 0,
    rxDrops: 0,
    txBytes: 11508790198,
    txPackets: 15149389,
    txErrors: 0,
    txDrops: 0,
  });
  assert.equal(rows[0].counters.rxBytes, 428252203, "lo0 has no address column");
  assert.equal(rows.at(-1)!.counters.txBytes, 8494811);
  assert.throws(() => parseNetstatIbn("Name Mtu\n"), NetstatParseError);
});

Deno.test("netif parsers - netstat with a Drop column, route get default, link kinds", () => {
  const text =
    "Name  Mtu   Network       Address            Ipkts Ierrs     Ibytes    Opkts Oerrs     Obytes  Coll Drop\n" +
    "en1   1500  <Link#5>    aa:bb:cc:dd:ee:ff     10     1        900       20     2       1800     0    7\n";
  assert.deepEqual(parseNetstatIbn(text)[0].counters, {
    rxBytes: 900,
    rxPackets: 10,
    rxErrors: 1,
    rxDrops: 0,
    txBytes: 1800,
    txPackets: 20,
    txErrors: 2,
    txDrops: 7,
  });
  assert.equal(
    parseRouteGetDefault("   route to: default\ndestination: default\n  interface: en0\n"),
    "en0",
  );
  assert.equal(parseRouteGetDefault("route: writing to routing socket: not in table\n"), null);
  assert.deepEqual([772, 1, 776, 65534, 512].map(kindOfType), [
    "loopback",
    "ethernet",
    "tunnel",
    "tunnel",
    "other",
  ]);
});

Deno.test("netif parsers - grep -sH output splits back into files; unreadable ones are null", () => {
  const out = "/proc/net/dev:Inter-|   Receive\n/proc/net/dev:  eth0: 1 2\n" +
    "/sys/class/net/eth0/speed:1000\n/sys/class/net/eth0/operstate:up\n";
  const files = parseGrepOutput(out, [
    "/proc/net/dev",
    "/sys/class/net/eth0/speed",
    "/sys/class/net/eth0/operstate",
    "/sys/class/net/lo/speed",
  ]);
  assert.equal(files.get("/proc/net/dev"), "Inter-|   Receive\n  eth0: 1 2\n");
  assert.equal(files.get("/sys/class/net/eth0/speed"), "1000\n");
  assert.equal(files.get("/sys/class/net/eth0/operstate"), "up\n");
  assert.equal(files.get("/sys/class/net/lo/speed"), null);
});

Deno.test("netif parsers - the Linux source reads the same through grep as directly", async () => {
  if (Deno.build.os !== "linux") return;
  const direct = await linuxSource({ readFiles: directRead }).read();
  const grep = await linuxSource({ readFiles: grepRead() }).read();
  const shape = (r: typeof direct) =>
    r.map(({ name, state, kind, speedMbps, carrier }) => ({
      name,
      state,
      kind,
      speedMbps,
      carrier,
    }));
  assert.deepEqual(shape(grep), shape(direct));
  assert.ok(direct.some((r) => r.kind === "loopback" && r.name === "lo"));
});
