// ui/serve.ts: the embedded page, bundle and stylesheet, without a browser.
import assert from "node:assert/strict";
import { serveUi } from "../../ui/serve.ts";

const get = (path: string, headers: HeadersInit = {}) =>
  serveUi(new Request(`http://127.0.0.1:8000${path}`, { headers }));

Deno.test("ui serve - the page links the bundle and stylesheet and sets a CSP", async () => {
  const response = (await get("/"))!;
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type")!, /^text\/html/);
  const csp = response.headers.get("content-security-policy")!;
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  const html = await response.text();
  assert.match(html, /<script type="module" src="\/app\.js\?v=[0-9a-f]+"><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="\/app\.css\?v=[0-9a-f]+">/);
});

Deno.test("ui serve - the bundle and the stylesheet are embedded", async () => {
  const js = (await get("/app.js?v=1"))!;
  assert.match(js.headers.get("content-type")!, /^text\/javascript/);
  assert.ok((await js.text()).length > 100_000, "the bundle holds Preact and ApexCharts");
  const css = (await get("/app.css"))!;
  assert.match(css.headers.get("content-type")!, /^text\/css/);
  assert.match(await css.text(), /data-theme="light"/);
});

Deno.test("ui serve - answers 304 to a matching ETag and HEAD without a body", async () => {
  const first = (await get("/app.js"))!;
  await first.body?.cancel();
  const etag = first.headers.get("etag")!;
  const again = (await get("/app.js", { "if-none-match": etag }))!;
  assert.equal(again.status, 304);
  const head = (await serveUi(new Request("http://127.0.0.1:8000/", { method: "HEAD" })))!;
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
});

Deno.test("ui serve - leaves other paths and methods to the API", async () => {
  assert.equal(await get("/api/targets"), null);
  assert.equal(await get("/nope"), null);
  assert.equal(await serveUi(new Request("http://127.0.0.1:8000/", { method: "POST" })), null);
});
