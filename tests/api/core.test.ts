// The application core (api/core): one monitor service, one subscription after recording,
// domain errors instead of HTTP errors, and how a target follows a configuration.
import assert from "node:assert/strict";
import { CoreError, patchExplicit, targetInput } from "../../api/core/mod.ts";
import type { EngineEvent } from "../../engine/engine.ts";
import { driveUntil } from "../engine/helpers.ts";
import { DEST, setup } from "./helpers.ts";

Deno.test("core - a subscriber hears a round after it was recorded", async () => {
  const t = await setup();
  try {
    const created = await t.app.service.create({ host: DEST, interval: 1, timeout: 0.5 });
    const storedAtEvent = new Promise<number>((resolve) => {
      const stop = t.app.service.subscribe((event: EngineEvent) => {
        if (event.type !== "round") return;
        stop();
        // The store already holds the round when subscribers hear it (flush writes the queue).
        t.store.flush().then(() => t.store.rounds(created.id, { last: 10 }))
          .then((rounds) => resolve(rounds.length));
      });
    });
    const stored = await driveUntil(t.clock, storedAtEvent);
    assert.ok(stored >= 1);
  } finally {
    await t.close();
  }
});

Deno.test("core - refusals are domain errors, not HTTP errors", async () => {
  const t = await setup();
  try {
    await assert.rejects(
      () => t.app.service.get(4242),
      (error) => error instanceof CoreError && error.kind === "not_found",
    );
    await assert.rejects(
      () => t.app.service.create({ host: "-rf" }),
      (error) =>
        error instanceof CoreError && error.kind === "invalid" && error.code === "invalid_body",
    );
    await assert.rejects(
      () => t.app.service.create({ host: DEST, configuration: "nope" }),
      (error) => error instanceof CoreError && error.code === "unknown_configuration",
    );
  } finally {
    await t.close();
  }
});

Deno.test("core - following a preset: own fields stay, removed keys fall back to defaults", () => {
  const explicit = { intervalMs: 1000 };
  const input = targetInput({ intervalMs: 9000, maxHops: 20 }, explicit);
  assert.equal(input.intervalMs, 1000, "the target's own interval wins");
  assert.equal(input.maxHops, 20, "a followed field takes the new value");
  assert.equal(input.timeoutMs, undefined, "a removed key falls back to the default");
  const same = targetInput({ intervalMs: 5000 }, { intervalMs: 7000 });
  assert.equal(same.intervalMs, 7000, "an own value equal to the old preset's still wins");
});

Deno.test("core - a followed udp port is dropped with the preset, an own port stays", () => {
  const followed = targetInput({ protocol: "udp" }, {});
  assert.equal(followed.port, undefined);
  const own = targetInput({ protocol: "udp" }, { port: 6000 });
  assert.equal(own.port, 6000);
  assert.equal(targetInput({ protocol: "udp", port: 5000 }, { protocol: "tcp" }).port, undefined);
  assert.equal(targetInput({ protocol: "icmp" }, { port: 6000 }).port, undefined, "none for icmp");
});

Deno.test("core - a patch adds the fields it sets; a cleared or orphaned port goes", () => {
  const explicit = { intervalMs: 1000, port: 6000 };
  const set = { maxHops: 9 };
  assert.deepEqual(patchExplicit(explicit, { set, clearPort: false, protocolChanged: false }), {
    intervalMs: 1000,
    port: 6000,
    maxHops: 9,
  });
  const cleared = patchExplicit(explicit, { set: {}, clearPort: true, protocolChanged: false });
  assert.deepEqual(cleared, { intervalMs: 1000 });
  const tcp = patchExplicit(explicit, {
    set: { protocol: "tcp" },
    clearPort: false,
    protocolChanged: true,
  });
  assert.deepEqual(tcp, { intervalMs: 1000, protocol: "tcp" });
});
