// Thousands of malformed requests: no answer may be a 5xx, and the server keeps serving.
import assert from "node:assert/strict";
import { serve } from "../../api/server.ts";
import { mulberry32 } from "../../engine/random.ts";
import { DEST, setup } from "./helpers.ts";

const METHODS = [
  "GET",
  "GET",
  "GET",
  "POST",
  "POST",
  "POST",
  "POST",
  "PATCH",
  "PATCH",
  "DELETE",
  "PUT",
  "HEAD",
  "OPTIONS",
  "PROPFIND",
  "get",
];
const SEGMENTS = [
  "1",
  "2",
  "0",
  "-1",
  "99999999999999999999",
  "1e3",
  "abc",
  "%00",
  "%E0%A4%A",
  "..",
  "%2e%2e",
  "{id}",
  "' OR 1=1 --",
  "<script>",
  "\u0000",
  "🙂",
  "1.5",
  " ",
  "",
];
const PATHS = [
  "/api/targets",
  "/api/targets/{}",
  "/api/targets/{}/hops",
  "/api/targets/{}/timeline",
  "/api/targets/{}/logs",
  "/api/targets/{}/route_changes",
  "/api/targets/{}/insights",
  "/api/targets/{}/sessions",
  "/api/targets/{}/export",
  "/api/targets/{}/pause",
  "/api/targets/{}/resume",
  "/api/targets/{}/traceroute",
  "/api/summary",
  "/api/configurations",
  "/api/configurations/{}",
  "/api/configurations/{}/apply",
  "/api/sessions/{}",
  "/api/sessions/{}/export",
  "/api/import",
  "/api/traceroute",
  "/api/auth/login",
  "/api/auth/logout",
  "/api/auth/status",
  "/api/auth/tokens",
  "/api/auth/tokens/{}",
  "/api/version",
  "/api/openapi.json",
  "/healthz",
  "/ws",
  "/api/{}",
  "/{}",
  "//api//targets",
];
const QUERY_KEYS = [
  "focus",
  "start",
  "end",
  "hop",
  "maxPoints",
  "limit",
  "sort",
  "order",
  "format",
  "x",
];
const QUERY_VALUES = [
  "",
  "0",
  "-5",
  "1",
  "10",
  "abc",
  "last",
  "all",
  "csv",
  "json",
  "1e309",
  "NaN",
  "9".repeat(40),
  "lossPct",
  "desc",
  "%FF",
  "[]",
  "{}",
  "null",
];
const GOOD_BODIES: unknown[] = [
  { host: DEST, interval: 1 },
  { name: "n", options: { interval: 1 } },
  { name: "s", start: 0, end: 10 },
  { targets: [1, 2] },
  { password: "x" },
  { format: "pingwatcher-export", version: 1, target: { host: DEST }, rounds: [] },
];
const ODD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  "",
  "x".repeat(300),
  [],
  {},
  [null],
  { a: { b: { c: [] } } },
  "127.0.0.1",
  "-f",
  "$(id)",
  65536,
  1.5,
  "NaN",
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

/** Mutates a valid body: drops, retypes or adds fields, or nests it absurdly. */
function mutate(random: () => number, value: unknown, depth = 0): unknown {
  if (depth > 3 || value === null || typeof value !== "object") return pick(random, ODD_VALUES);
  const copy: Record<string, unknown> = Array.isArray(value) ? { ...value } : { ...value };
  const keys = Object.keys(copy);
  const roll = random();
  if (roll < 0.3 && keys.length) copy[pick(random, keys)] = pick(random, ODD_VALUES);
  else if (roll < 0.5 && keys.length) delete copy[pick(random, keys)];
  else if (roll < 0.6) copy[pick(random, ["constructor", "toString", "extra", "0"])] = 1;
  else if (roll < 0.8 && keys.length) {
    const key = pick(random, keys);
    copy[key] = mutate(random, copy[key], depth + 1);
  } else return pick(random, ODD_VALUES);
  return Array.isArray(value) ? Object.values(copy) : copy;
}

function bodyText(random: () => number): string {
  const roll = random();
  if (roll < 0.55) return JSON.stringify(mutate(random, pick(random, GOOD_BODIES)));
  if (roll < 0.6) return "[".repeat(5000) + "]".repeat(5000);
  if (roll < 0.65) return '{"__proto__":{"polluted":true},"host":"127.0.0.1","name":"p"}';
  if (roll < 0.75) {
    return JSON.stringify(pick(random, GOOD_BODIES)).slice(0, Math.floor(random() * 20));
  }
  if (roll < 0.85) {
    return String.fromCharCode(...Array.from({ length: 50 }, () => Math.floor(random() * 65536)));
  }
  return JSON.stringify(pick(random, GOOD_BODIES));
}

function randomRequest(random: () => number, base: string): Request {
  const path = pick(random, PATHS).replace("{}", () => encodeURIComponent(pick(random, SEGMENTS)));
  const query = Array.from(
    { length: Math.floor(random() * 4) },
    () => `${pick(random, QUERY_KEYS)}=${pick(random, QUERY_VALUES)}`,
  ).join("&");
  const method = pick(random, METHODS).toUpperCase();
  const headers: Record<string, string> = {};
  if (random() < 0.8) {
    headers["content-type"] = pick(random, [
      "application/json",
      "text/plain",
      "application/json; charset=utf-8",
      "",
      "multipart/form-data",
    ]);
  }
  if (random() < 0.1) {
    headers.authorization = pick(random, ["Bearer ", "Bearer x y", "Basic Zm9v", "bearer pw_x"]);
  }
  if (random() < 0.1) {
    headers.cookie = pick(random, ["pingwatcher_session=", "a=b; c", "pingwatcher_session=s_x"]);
  }
  if (random() < 0.05) headers.upgrade = "websocket";
  const hasBody = !["GET", "HEAD"].includes(method) && random() < 0.9;
  return new Request(`${base}${path}${query ? "?" + query : ""}`, {
    method,
    headers,
    body: hasBody ? bodyText(random) : undefined,
  });
}

Deno.test("fuzz - thousands of malformed requests get 4xx answers, never a 5xx", async () => {
  const t = await setup();
  t.app.deps.traceroute = (request) =>
    Promise.resolve({
      host: request.host,
      address: DEST,
      prober: "none",
      protocol: "icmp",
      rounds: 0,
      hops: [],
    });
  const random = mulberry32(20261123);
  const seen = new Map<number, number>();
  try {
    for (let i = 0; i < 4000; i++) {
      const req = randomRequest(random, "http://127.0.0.1:8000");
      const described = `${req.method} ${req.url}`;
      const response = await t.app.handler(req);
      await response.body?.cancel();
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
      assert.ok(response.status < 500, `${response.status} for ${described}`);
      if (i % 500 === 0) await t.clock.advance(1000);
    }
    assert.ok(
      (seen.get(400) ?? 0) > 400,
      `many were refused as invalid: ${JSON.stringify([...seen])}`,
    );
    for (const status of [404, 405, 415]) assert.ok(seen.has(status), `some ${status}`);
    assert.equal((await t.call("GET", "/healthz")).status, 200);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "no prototype pollution");
  } finally {
    await t.close();
  }
});

Deno.test("fuzz - a real server survives garbage over the socket and keeps serving", async () => {
  const t = await setup();
  t.app.deps.traceroute = (request) =>
    Promise.resolve({
      host: request.host,
      address: DEST,
      prober: "none",
      protocol: "icmp",
      rounds: 0,
      hops: [],
    });
  const server = serve(t.app.handler, { hostname: "127.0.0.1", port: 0 });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const random = mulberry32(7);
  try {
    for (let i = 0; i < 300; i++) {
      const response = await fetch(randomRequest(random, base));
      await response.body?.cancel();
      assert.ok(response.status < 500, `${response.status}`);
    }
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    await conn.write(new TextEncoder().encode("GARBAGE / HTTP/9.9\r\n\r\n\0\0\0"));
    conn.close();
    const health = await fetch(`${base}/healthz`);
    assert.deepEqual(await health.json(), { status: "ok" });
  } finally {
    await server.shutdown();
    await t.close();
  }
});
