// The ping parsers on every recorded Windows and macOS output in tests/fixtures/ping-*.txt. Each
// fixture starts with "# source:" (where it was recorded), optional "# note:" lines and
// "# expect:" (the outcome of the first line that decides a probe, as JSON).
import assert from "node:assert/strict";
import { parsePingLine, parsePingOutput } from "../../../engine/probers/ping_parse.ts";
import type { PingFlavor } from "../../../engine/probers/ping_parse.ts";

const DIR = new URL("../../fixtures/", import.meta.url);

interface Fixture {
  name: string;
  flavor: PingFlavor;
  source: string;
  expect: unknown;
  output: string;
}

function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const entry of Deno.readDirSync(DIR)) {
    const match = /^ping-(windows|macos)-.*\.txt$/.exec(entry.name);
    if (!match) continue;
    const lines = Deno.readTextFileSync(new URL(entry.name, DIR)).split("\n");
    const header = lines.filter((line) => line.startsWith("# "));
    const field = (name: string) =>
      header.find((line) => line.startsWith(`# ${name}: `))?.slice(name.length + 4);
    fixtures.push({
      name: entry.name,
      flavor: match[1] === "windows" ? "windows" : "bsd",
      source: field("source") ?? "",
      expect: JSON.parse(field("expect") ?? "null"),
      output: lines.filter((line) => !line.startsWith("# ")).join("\n"),
    });
  }
  return fixtures.sort((a, b) => a.name.localeCompare(b.name));
}

const FIXTURES = loadFixtures();

Deno.test("ping fixtures - at least two sources each for Windows and macOS, every file says where from", () => {
  for (const fixture of FIXTURES) {
    assert.match(fixture.source, /https?:\/\/\S+|file ids? \d+/, fixture.name);
    assert.notEqual(fixture.expect, null, `${fixture.name} has no "# expect:" line`);
  }
  const origin = (source: string) =>
    /github\.com\/([^/]+\/[^/]+)/.exec(source)?.[1] ?? /https?:\/\/([^/\s]+)/.exec(source)?.[1] ??
      /file ids? (\d+)/.exec(source)?.[1];
  for (const flavor of ["windows", "bsd"]) {
    const sources = new Set(
      FIXTURES.filter((f) => f.flavor === flavor).map((f) => origin(f.source)),
    );
    assert.ok(sources.size >= 2, `${flavor}: ${[...sources].join(", ")}`);
  }
});

for (const fixture of FIXTURES) {
  Deno.test(`ping fixtures - ${fixture.name}`, () => {
    assert.deepEqual(parsePingOutput(fixture.output, "", fixture.flavor), fixture.expect);
  });
}

Deno.test("ping fixtures - Windows output read in the wrong code page parses the same", () => {
  // ping.exe writes the console's OEM code page (CP850, CP866, CP932 …), read here as UTF-8:
  // every non-ASCII letter may arrive as U+FFFD. Structure (addresses, ":", "=", "<", digits,
  // "TTL") is all ASCII, so the outcome must not change (unreachable codes aside, which come
  // from words).
  for (const fixture of FIXTURES.filter((f) => f.flavor === "windows")) {
    const mangled = [...fixture.output].map((c) => (c.charCodeAt(0) > 127 ? "\ufffd" : c)).join("");
    const outcome = parsePingOutput(mangled, "", "windows");
    const expected = fixture.expect as { kind: string; code?: string };
    if (expected.kind === "unreachable") {
      assert.deepEqual({ ...outcome, code: expected.code }, expected, fixture.name);
    } else {
      assert.deepEqual(outcome, expected, fixture.name);
    }
  }
});

Deno.test("ping fixtures - Windows headers and statistics never decide a probe", () => {
  const quiet = [
    "Pinging 127.0.0.1 with 32 bytes of data:",
    "Pinging 1.1.1.1 from 10.156.134.79 with 64 bytes of data:",
    "Ping statistics for 2a00:1450:4001:810::2003:",
    "google.com [216.58.197.142]に ping を送信しています 32 バイトのデータ:",
    "Ping wird ausgeführt für google.de [2a00:1450:4001:810::2003] von " +
    "3001:4cb0:0:f282:ddf1:bec9:1e0:bfa9 mit 32 Bytes Daten:",
    "    Packets: Sent = 4, Received = 4, Lost = 0 (0% loss),",
    "    Minimum = 0ms, Maximum = 0ms, Average = 0ms",
    "Request timed out.",
    "",
  ];
  for (const line of quiet) assert.equal(parsePingLine(line, "windows"), null, line);
});

Deno.test("ping fixtures - Windows IPv6 link-local replies keep the address without the zone", () => {
  assert.deepEqual(parsePingLine("Reply from fe80::1%12: time<1ms", "windows"), {
    kind: "reply",
    ip: "fe80::1",
    rttUs: 500,
  });
});

Deno.test("ping fixtures - the Linux flavours still parse their own recorded output", () => {
  const text = (name: string) =>
    Deno.readTextFileSync(new URL(name, DIR)).split("\n").filter((l) => !l.startsWith("exit="))
      .join("\n");
  assert.deepEqual(parsePingOutput(text("ping_v4_ttl_exceeded.txt"), ""), {
    kind: "ttlExceeded",
    ip: "10.99.1.1",
  });
  assert.deepEqual(parsePingOutput(text("busybox_ping_v4_reply.txt"), "", "busybox"), {
    kind: "reply",
    ip: "10.99.2.2",
    rttUs: 60,
  });
});

Deno.test("ping fixtures - macOS ping6 error lines as Apple's ping6.c prints them (no recording)", () => {
  // Format strings of github.com/jddevan/network_cmds ping6.tproj/ping6.c: "%d bytes from %s: "
  // then pr_icmph's text. There is no recorded macOS ping6 error output among the sources found.
  const cases: [string, unknown][] = [
    ["48 bytes from fd00::1: Time to live exceeded", { kind: "ttlExceeded", ip: "fd00::1" }],
    [
      "48 bytes from fd00::1: Destination Host Unreachable",
      { kind: "unreachable", ip: "fd00::1", code: "host-unreachable" },
    ],
    [
      "48 bytes from fd00::1: No Route to Destination",
      { kind: "unreachable", ip: "fd00::1", code: "no-route" },
    ],
    [
      "48 bytes from fd00::1: Destination Administratively Unreachable",
      { kind: "unreachable", ip: "fd00::1", code: "administratively-unreachable" },
    ],
  ];
  for (const [line, expected] of cases) {
    assert.deepEqual(parsePingLine(line, "bsd"), expected, line);
  }
});
