// createHandler(deps): the whole HTTP API as one function from Request to Response. No socket is
// needed to test it; api/server.ts puts it behind Deno.serve.
import { log } from "../engine/mod.ts";
import { type AuthVia, CSRF_HEADER } from "./auth.ts";
import type { ApiDeps } from "./deps.ts";
import { ApiError, apiErrorOf, errorResponse } from "./errors.ts";
import { contextOf, type Route, Router } from "./router.ts";
import { ROUTES } from "./routes/mod.ts";

export interface ClientInfo {
  /** The peer's address (rate limiting of logins). */
  remoteAddress?: string;
}

export type ApiHandler = (req: Request, client?: ClientInfo) => Promise<Response>;

export interface HandlerOptions {
  /** Extra routes (tests, features not in api/routes/mod.ts). */
  routes?: Route[];
  /** Serves anything outside /api, /ws and /healthz (the web UI); null = 404. */
  fallback?: (req: Request) => Promise<Response | null> | Response | null;
}

export function createHandler(deps: ApiDeps, options: HandlerOptions = {}): ApiHandler {
  const router = new Router([...ROUTES, ...(options.routes ?? [])]);
  const cors = new Set(deps.auth.corsOrigins);
  return async (req, client = {}) => {
    // Read before dispatch: after a WebSocket upgrade the request can no longer be read.
    const origin = req.headers.get("origin");
    let response: Response;
    try {
      response = await dispatch(req, client, { deps, router, fallback: options.fallback });
    } catch (error) {
      response = errorResponse(asApiError(error, req));
    }
    return withCors(origin, response, cors);
  };
}

interface Dispatch {
  deps: ApiDeps;
  router: Router;
  fallback?: HandlerOptions["fallback"];
}

async function dispatch(req: Request, client: ClientInfo, d: Dispatch): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === "/ws") return await upgrade(req, url, d.deps);
  if (req.method === "OPTIONS") return preflight(req, d.deps);
  const match = d.router.match(req.method, url.pathname);
  if (match.kind === "none") {
    const fallback = url.pathname.startsWith("/api/") ? null : await d.fallback?.(req);
    if (fallback) return fallback;
    throw new ApiError(404, "not_found", `no such path: ${url.pathname.slice(0, 200)}`);
  }
  if (match.kind === "wrongMethod") {
    throw new ApiError(405, "method_not_allowed", `${req.method} is not allowed here`, {
      allow: match.allow,
    }, { allow: match.allow.join(", ") });
  }
  let auth: AuthVia = "open";
  if (!match.route.public) auth = await d.deps.auth.authenticate(req, url);
  d.deps.auth.checkCsrf(req, auth);
  const clientAddress = client.remoteAddress ?? "local";
  const base = {
    req,
    url,
    params: match.params,
    deps: d.deps,
    auth,
    clientAddress,
    routes: d.router.routes,
  };
  const ctx = contextOf(match.route, base);
  return await match.route.handler(ctx);
}

async function upgrade(req: Request, url: URL, deps: ApiDeps): Promise<Response> {
  if (req.method !== "GET") {
    throw new ApiError(405, "method_not_allowed", "the WebSocket is opened with GET", undefined, {
      allow: "GET",
    });
  }
  const auth = await deps.auth.authenticate(req, url);
  const origin = req.headers.get("origin");
  if (origin !== null && !sameOrigin(origin, req, url) && !deps.auth.corsOrigins.includes(origin)) {
    throw new ApiError(403, "bad_origin", "this origin may not open the WebSocket");
  }
  if ((req.headers.get("upgrade") ?? "").toLowerCase() !== "websocket") {
    throw new ApiError(400, "websocket_expected", "send a WebSocket upgrade request to /ws");
  }
  if (!deps.hub) throw new ApiError(503, "unavailable", "the WebSocket hub is not running");
  log.debug("websocket opened", { auth });
  return deps.hub.accept(req);
}

function sameOrigin(origin: string, req: Request, url: URL): boolean {
  try {
    return new URL(origin).host === (req.headers.get("host") ?? url.host);
  } catch {
    return false;
  }
}

function preflight(req: Request, deps: ApiDeps): Response {
  const origin = req.headers.get("origin");
  if (origin === null || !deps.auth.corsOrigins.includes(origin)) {
    throw new ApiError(
      405,
      "method_not_allowed",
      "cross-origin requests are not enabled",
      undefined,
      {
        allow: "GET, POST, PUT, PATCH, DELETE",
      },
    );
  }
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE",
      "access-control-allow-headers": `authorization, content-type, ${CSRF_HEADER}`,
      "access-control-max-age": "600",
    },
  });
}

function withCors(origin: string | null, response: Response, origins: Set<string>): Response {
  if (origin === null || !origins.has(origin) || response.status === 101) return response;
  try {
    response.headers.set("access-control-allow-origin", origin);
    response.headers.append("vary", "Origin");
  } catch {
    // Immutable headers (a WebSocket upgrade): nothing to add.
  }
  return response;
}

function asApiError(error: unknown, req: Request): ApiError {
  const known = apiErrorOf(error);
  if (known) return known;
  log.error("request failed", {
    method: req.method,
    path: new URL(req.url).pathname.slice(0, 200),
    error: error instanceof Error ? error.stack ?? error.message : String(error),
  });
  return new ApiError(500, "internal", "the server failed to answer this request");
}
