import assert from "node:assert/strict";
import {
  choiceForProtocol,
  PROBER_CHOICES,
  PROBER_NAMES,
  proberChoiceProblem,
  proberChoiceSchema,
  proberChoicesText,
  proberHelp,
  proberLimitation,
  PROBERS,
  protocolProblem,
  selectProber,
} from "../../../engine/probers/mod.ts";
import { FakeProber } from "../../../engine/probers/fake.ts";

Deno.test("prober registry - names, choices and the validator come from one table", () => {
  assert.deepEqual(PROBER_NAMES, ["native", "mtr-packet", "ping"]);
  assert.deepEqual(PROBER_CHOICES, ["auto", "native", "mtr-packet", "ping"]);
  assert.equal(proberChoicesText(), "auto|native|mtr-packet|ping");
  assert.equal(proberChoiceSchema.parse("ping"), "ping");
  assert.equal(proberChoiceSchema.safeParse("traceroute").success, false);
  assert.equal(proberChoiceProblem("auto"), null);
  assert.equal(proberChoiceProblem("nope"), `"nope" is not one of auto, native, mtr-packet, ping`);
});

Deno.test("prober registry - every entry says what it can do", () => {
  for (const entry of PROBERS) {
    assert.ok(entry.description.length > 10, entry.name);
    assert.ok(entry.capabilities.protocols.includes("icmp"), entry.name);
    assert.ok(["exact", "approximate"].includes(entry.capabilities.timing));
    assert.ok(proberHelp().includes(entry.name));
  }
  const ping = PROBERS.find((p) => p.name === "ping")!;
  assert.deepEqual([ping.capabilities.protocols, ping.capabilities.timing], [
    ["icmp"],
    "approximate",
  ]);
});

Deno.test("prober registry - limitations are read from the capabilities", () => {
  const ping = { name: "ping", intermediateHops: true } as unknown as FakeProber;
  assert.equal(
    proberLimitation(ping, { protocol: "udp", finalHopOnly: false }),
    "the ping prober only sends ICMP; use --prober mtr-packet for udp",
  );
  assert.equal(proberLimitation(ping, { protocol: "icmp", finalHopOnly: false }), null);
});

Deno.test("prober registry - a prober whose protocols depend on the host says why itself", () => {
  const native = {
    name: "native",
    cannotSend: (protocol: string) => protocol === "icmp" ? null : "lacks a helper for it",
  } as unknown as FakeProber;
  assert.equal(
    proberLimitation(native, { protocol: "tcp", finalHopOnly: false }),
    "the native prober lacks a helper for it",
  );
  assert.equal(proberLimitation(native, { protocol: "icmp", finalHopOnly: false }), null);
});

Deno.test("prober registry - auto tries every entry in order and reports each reason", async () => {
  const selection = await selectProber("auto", {
    executables: { "mtr-packet": "/nonexistent/mtr-packet", ping: "/nonexistent/ping" },
    rawSockets: false,
  });
  assert.equal(selection.ok, false);
  const reason = selection.ok ? "" : selection.reason;
  assert.deepEqual(reason.split("\n").map((line) => line.split(":")[0]), [
    "native",
    "mtr-packet",
    "ping",
    `To fix this on ${
      ({ linux: "Linux", darwin: "macOS" } as Record<string, string>)[Deno.build.os] ??
        Deno.build.os
    }`,
  ]);
  const unknown = await selectProber("traceroute");
  assert.equal(
    unknown.ok ? "" : unknown.reason,
    `unknown prober "traceroute" is not one of auto, native, mtr-packet, ping`,
  );
});

Deno.test("prober registry - a protocol narrows auto to the probers that can send it", () => {
  assert.equal(choiceForProtocol("auto", "icmp"), "auto");
  assert.equal(choiceForProtocol("auto", "udp"), "mtr-packet");
  assert.equal(choiceForProtocol("ping", "udp"), "ping", "an explicit choice stays");
  assert.equal(protocolProblem("mtr-packet", "tcp"), null);
  assert.equal(
    protocolProblem("ping", "tcp"),
    "the ping prober only sends ICMP; use --prober mtr-packet for tcp",
  );
});
