// Timeline comments through the API: people's comments and the alert action's share one table,
// and the routes work without the alert service running (setup() does not start it).
import assert from "node:assert/strict";
import { DEST, EPOCH, setup } from "./helpers.ts";

async function withTarget() {
  const t = await setup();
  const { json } = await t.call("POST", "/api/targets", {
    body: { host: DEST, interval: 1, timeout: 0.5 },
  });
  return { ...t, id: json.target.id as number };
}

Deno.test("api comments - create, list by range with alert comments, delete", async () => {
  const t = await withTarget();
  try {
    const base = `/api/targets/${t.id}/comments`;
    const created = await t.call("POST", base, {
      body: { at: EPOCH + 5000, text: "  ISP work  " },
    });
    assert.equal(created.status, 201, created.text);
    const comment = created.json.comment;
    assert.deepEqual([comment.targetId, comment.at, comment.text, comment.source], [
      t.id,
      EPOCH + 5000,
      "ISP work",
      "user",
    ]);
    assert.equal(typeof comment.id, "number");
    await t.call("POST", base, { body: { at: EPOCH + 60_000, text: "later" } });
    // What the alerts' comment action writes shows up beside people's comments.
    await t.store.addTimelineComment({
      targetId: t.id,
      at: EPOCH + 1000,
      text: "alert",
      eventId: 7,
    });

    const all = await t.call("GET", base);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.json.comments.map((c: { text: string; source: string }) => [c.text, c.source]),
      [["alert", "alert"], ["ISP work", "user"], ["later", "user"]],
      "oldest first",
    );
    const ranged = await t.call("GET", `${base}?start=${EPOCH + 2000}&end=${EPOCH + 60_000}`);
    assert.deepEqual(ranged.json.comments.map((c: { text: string }) => c.text), ["ISP work"]);

    const deleted = await t.call("DELETE", `${base}/${comment.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, "");
    const again = await t.call("DELETE", `${base}/${comment.id}`);
    assert.equal(again.status, 404);
    assert.equal(again.json.error.code, "not_found");
    const left = await t.call("GET", base);
    assert.deepEqual(left.json.comments.map((c: { text: string }) => c.text), ["alert", "later"]);
  } finally {
    await t.close();
  }
});

Deno.test("api comments - a bad body is a 400 naming the field", async () => {
  const t = await withTarget();
  try {
    const post = (body: unknown) => t.call("POST", `/api/targets/${t.id}/comments`, { body });
    const cases: [unknown, string][] = [
      [{ at: EPOCH, text: "" }, "text"],
      [{ at: EPOCH, text: "   " }, "text"],
      [{ at: EPOCH, text: "x".repeat(501) }, "text"],
      [{ text: "no time" }, "at"],
      [{ at: "soon", text: "x" }, "at"],
      [{ at: 1.5, text: "x" }, "at"],
    ];
    for (const [body, field] of cases) {
      const reply = await post(body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.json.error.code, "invalid_body");
      assert.equal(reply.json.error.details[0].field, field, JSON.stringify(body));
    }
    const extra = await post({ at: EPOCH, text: "x", author: "me" });
    assert.equal(extra.status, 400);
    assert.equal((await post({ at: EPOCH, text: "x".repeat(500) })).status, 201);
    const badId = await t.call("DELETE", `/api/targets/${t.id}/comments/abc`);
    assert.equal(badId.status, 400);
    assert.equal(badId.json.error.details[0].field, "path");
  } finally {
    await t.close();
  }
});

Deno.test("api comments - an unknown target or comment is a 404", async () => {
  const t = await withTarget();
  try {
    const body = { at: EPOCH, text: "x" };
    for (
      const [method, path] of [
        ["GET", "/api/targets/999/comments"],
        ["POST", "/api/targets/999/comments"],
        ["DELETE", "/api/targets/999/comments/1"],
        ["DELETE", `/api/targets/${t.id}/comments/12345`],
      ]
    ) {
      const reply = await t.call(method, path, method === "POST" ? { body } : {});
      assert.equal(reply.status, 404, `${method} ${path}`);
      assert.equal(reply.json.error.code, "not_found");
    }
    // A comment of another target is not found through this one.
    const other = await t.call("POST", "/api/targets", { body: { host: "127.0.0.2" } });
    const made = await t.call("POST", `/api/targets/${t.id}/comments`, { body });
    const wrong = await t.call(
      "DELETE",
      `/api/targets/${other.json.target.id}/comments/${made.json.comment.id}`,
    );
    assert.equal(wrong.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("api comments - a read-only replay target refuses changes with 409", async () => {
  const t = await withTarget();
  try {
    await t.clock.advance(3500);
    const exported = await t.call("GET", `/api/targets/${t.id}/export?format=json`);
    const imported = await t.call("POST", "/api/import", { body: exported.json });
    const replay = imported.json.target.id;
    const post = await t.call("POST", `/api/targets/${replay}/comments`, {
      body: { at: EPOCH, text: "x" },
    });
    assert.equal(post.status, 409);
    assert.equal(post.json.error.code, "read_only");
    assert.equal((await t.call("GET", `/api/targets/${replay}/comments`)).status, 200);
  } finally {
    await t.close();
  }
});
