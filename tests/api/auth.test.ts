import assert from "node:assert/strict";
import { runServe } from "../../api/cli/serve.ts";
import { CSRF_HEADER, SESSION_COOKIE } from "../../api/auth.ts";
import { FakeProber } from "../../engine/probers/fake.ts";
import { ManualClock } from "../../engine/clock.ts";
import { DEST, setup } from "./helpers.ts";

const CSRF = { [CSRF_HEADER]: "1" };

Deno.test("auth - on loopback with no credentials nobody logs in, but browsers need the CSRF header", async () => {
  const t = await setup();
  try {
    assert.equal((await t.call("GET", "/api/targets")).status, 200);
    const curl = await t.call("POST", "/api/targets", { body: { host: DEST } });
    assert.equal(curl.status, 201, "a client without Origin (curl, scripts) may change things");
    const crossSite = await t.call("POST", "/api/targets", {
      body: { host: DEST },
      headers: { origin: "https://evil.example" },
    });
    assert.deepEqual([crossSite.status, crossSite.json.error.code], [403, "csrf"]);
    const fetchMeta = await t.call("DELETE", "/api/targets/1", {
      headers: { "sec-fetch-site": "cross-site" },
    });
    assert.equal(fetchMeta.status, 403);
    const page = await t.call("POST", "/api/targets", {
      body: { host: DEST },
      headers: { origin: "http://127.0.0.1:8000", ...CSRF },
    });
    assert.equal(page.status, 201, "the UI sends the header");
    const rebinding = await t.call("GET", "/api/targets", {
      headers: { host: "evil.example:8000" },
    });
    assert.deepEqual([rebinding.status, rebinding.json.error.code], [403, "bad_host"]);
  } finally {
    await t.close();
  }
});

Deno.test("auth - once a token exists every request needs it; bad tokens are refused", async () => {
  const t = await setup();
  try {
    const created = await t.call("POST", "/api/auth/tokens", { body: { name: "script" } });
    assert.equal(created.status, 201);
    const token: string = created.json.token.token;
    assert.match(token, /^pw_[A-Za-z0-9_-]{43}$/);
    const none = await t.call("GET", "/api/targets");
    assert.deepEqual([none.status, none.json.error.code], [401, "unauthorized"]);
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="pingwatcher"');
    const bad = await t.call("GET", "/api/targets", {
      headers: { authorization: "Bearer pw_nope" },
    });
    assert.equal(bad.status, 401);
    const malformed = await t.call("GET", "/api/targets", {
      headers: { authorization: "Basic x" },
    });
    assert.equal(malformed.status, 401);
    assert.equal(
      malformed.json.error.message,
      "Basic credentials are not accepted here; send `Authorization: Bearer <token>` (an API " +
        "token) or sign in with the password at POST /api/auth/login for a session cookie",
    );
    assert.equal(bad.json.error.message, "the bearer token is not valid");
    const good = await t.call("POST", "/api/targets", {
      body: { host: DEST },
      headers: { authorization: `Bearer ${token}`, origin: "https://elsewhere.example" },
    });
    assert.equal(good.status, 201, "bearer requests need no CSRF header");
    assert.equal((await t.call("GET", "/healthz")).status, 200, "health stays public");
    const status = await t.call("GET", "/api/auth/status");
    assert.deepEqual([status.json.authRequired, status.json.authenticated], [true, false]);
    const listed = await t.call("GET", "/api/auth/tokens", {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.deepEqual(listed.json.tokens.map((x: { name: string }) => x.name), ["script"]);
    assert.ok(!listed.text.includes(token), "the token itself is never listed");
    const stored = await t.store.listApiTokens();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].tokenHash, token, "only a hash is stored");
    assert.ok(stored[0].lastUsedAt !== null);
    const auth = { authorization: `Bearer ${token}` };
    assert.equal(
      (await t.call("DELETE", `/api/auth/tokens/${stored[0].id}`, { headers: auth })).status,
      204,
    );
    assert.equal((await t.call("GET", "/api/targets", { headers: auth })).status, 401, "revoked");
    assert.equal((await t.call("GET", "/api/targets")).status, 200, "no credentials left: open");
  } finally {
    await t.close();
  }
});

Deno.test("auth - password login sets an HttpOnly SameSite=Strict cookie; mutations need CSRF", async () => {
  const t = await setup();
  try {
    await t.app.deps.auth.setPassword("correct horse battery");
    const hash = await t.store.passwordHash();
    assert.match(hash!, /^scrypt\$/);
    assert.equal((await t.call("GET", "/api/targets")).status, 401);
    const wrong = await t.call("POST", "/api/auth/login", { body: { password: "wrong" } });
    assert.equal(wrong.status, 401);
    const login = await t.call("POST", "/api/auth/login", {
      body: { password: "correct horse battery" },
    });
    assert.equal(login.status, 200);
    const setCookie = login.headers.get("set-cookie")!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const cookie = setCookie.split(";")[0];
    assert.ok(cookie.startsWith(`${SESSION_COOKIE}=s_`));
    assert.equal((await t.call("GET", "/api/targets", { headers: { cookie } })).status, 200);
    const noCsrf = await t.call("POST", "/api/targets", {
      body: { host: DEST },
      headers: { cookie },
    });
    assert.deepEqual([noCsrf.status, noCsrf.json.error.code], [403, "csrf"]);
    const withCsrf = await t.call("POST", "/api/targets", {
      body: { host: DEST },
      headers: { cookie, ...CSRF },
    });
    assert.equal(withCsrf.status, 201);
    await t.call("POST", "/api/auth/logout", { headers: { cookie, ...CSRF } });
    assert.equal((await t.call("GET", "/api/targets", { headers: { cookie } })).status, 401);
    const forged = `${SESSION_COOKIE}=s_forged`;
    assert.equal(
      (await t.call("GET", "/api/targets", { headers: { cookie: forged } })).status,
      401,
    );
  } finally {
    await t.close();
  }
});

Deno.test("auth - failed logins are rate limited per client", async () => {
  const t = await setup();
  try {
    await t.app.deps.auth.setPassword("correct horse battery");
    for (let i = 0; i < 5; i++) {
      const reply = await t.call("POST", "/api/auth/login", { body: { password: `guess ${i}` } });
      assert.equal(reply.status, 401);
    }
    const limited = await t.call("POST", "/api/auth/login", {
      body: { password: "correct horse battery" },
    });
    assert.deepEqual([limited.status, limited.json.error.code], [429, "rate_limited"]);
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    await t.clock.advance(60_000);
    const later = await t.call("POST", "/api/auth/login", {
      body: { password: "correct horse battery" },
    });
    assert.equal(later.status, 200, "the window passed");
  } finally {
    await t.close();
  }
});

function serveDeps(env: Record<string, string> = {}) {
  const out: string[] = [], err: string[] = [];
  let listening: string | null = null;
  let stop!: () => void;
  const interrupted = new Promise<void>((resolve) => stop = resolve);
  const clock = new ManualClock();
  return {
    out,
    err,
    get listening() {
      return listening;
    },
    deps: {
      write: (text: string) => out.push(text),
      writeError: (text: string) => err.push(text),
      env,
      selectProber: () => Promise.resolve({ ok: true as const, prober: new FakeProber({ clock }) }),
      interrupted,
      onListen: (url: string) => {
        listening = url;
        stop();
      },
    },
  };
}

Deno.test("auth - binding beyond loopback without credentials refuses to start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = serveDeps();
    const code = await runServe(
      ["--host", "0.0.0.0", "--port", "0", "--db", `${dir}/a.db`],
      s.deps,
    );
    assert.equal(code, 5);
    assert.equal(s.listening, null, "it never listened");
    assert.match(s.err.join(""), /refusing to listen on 0\.0\.0\.0 without a password or token/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("auth - --generate-token prints a token once and the server then requires it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = serveDeps();
    const db = `${dir}/a.db`;
    const code = await runServe(
      ["--port", "0", "--db", db, "--generate-token", "--headless"],
      s.deps,
    );
    assert.equal(code, 0);
    assert.ok(s.listening?.startsWith("http://127.0.0.1:"));
    const token = /API token \(shown once, keep it safe\): (\S+)/.exec(s.out.join(""))![1];
    const { openSqliteStore } = await import("../../store/sqlite/mod.ts");
    const store = openSqliteStore(db);
    try {
      const tokens = await store.listApiTokens();
      assert.equal(tokens.length, 1);
      assert.notEqual(tokens[0].tokenHash, token);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("auth - a password from the environment works without being stored", async () => {
  const { hashPassword } = await import("../../api/auth_hash.ts");
  const t = await setup({ auth: { extraPasswordHash: await hashPassword("from the env") } });
  try {
    assert.equal((await t.call("GET", "/api/targets")).status, 401);
    const login = await t.call("POST", "/api/auth/login", { body: { password: "from the env" } });
    assert.equal(login.status, 200);
    assert.equal(await t.store.passwordHash(), null, "nothing stored");
  } finally {
    await t.close();
  }
});
