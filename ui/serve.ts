// Serves the embedded UI: the page at `/`, the bundle and the stylesheet. The bundle is a text
// import of ui/dist/app.js (built by `deno task build-ui`), so a compiled binary carries it.
import appJs from "./dist/app.js" with { type: "text" };
import appCss from "./styles.css" with { type: "text" };

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

const JS_TAG = fnv1a(appJs);
const CSS_TAG = fnv1a(appCss);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PingWatcher</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css?v=${CSS_TAG}">
<script>try{var t=localStorage.getItem("pingwatcher.theme");if(t)document.documentElement.dataset.theme=t}catch(e){}</script>
</head>
<body>
<div id="app"><noscript>PingWatcher needs JavaScript.</noscript></div>
<script type="module" src="/app.js?v=${JS_TAG}"></script>
</body>
</html>
`;

const PAGE_TAG = fnv1a(PAGE);

// ApexCharts sets inline styles; the theme snippet above is the only inline script.
const CSP = [
  "default-src 'self'",
  `script-src 'self' 'sha256-THEME'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

const ASSETS: Record<string, { body: string; type: string; tag: string }> = {
  "/": { body: PAGE, type: "text/html; charset=utf-8", tag: PAGE_TAG },
  "/index.html": { body: PAGE, type: "text/html; charset=utf-8", tag: PAGE_TAG },
  "/app.js": { body: appJs, type: "text/javascript; charset=utf-8", tag: JS_TAG },
  "/app.css": { body: appCss, type: "text/css; charset=utf-8", tag: CSS_TAG },
};

let cspHeader: string | null = null;

async function csp(): Promise<string> {
  if (cspHeader) return cspHeader;
  const script = PAGE.match(/<script>(.*?)<\/script>/)![1];
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script));
  const b64 = btoa(String.fromCharCode(...new Uint8Array(digest)));
  cspHeader = CSP.replace("sha256-THEME", `sha256-${b64}`);
  return cspHeader;
}

/** The UI's response for GET/HEAD of `/`, `/app.js`, `/app.css`; null for any other request. */
export async function serveUi(request: Request): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const asset = ASSETS[new URL(request.url).pathname];
  if (!asset) return null;
  const etag = `"${asset.tag}"`;
  const headers = new Headers({
    "content-type": asset.type,
    "cache-control": "no-cache",
    etag,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  if (asset.type.startsWith("text/html")) {
    headers.set("content-security-policy", await csp());
    headers.set("x-frame-options", "DENY");
  }
  if (request.headers.get("if-none-match") === etag) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === "HEAD" ? null : asset.body, { headers });
}
