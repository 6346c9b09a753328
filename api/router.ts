// The route table: each route names its method, path template, schemas (for validation and for
// /api/openapi.json) and handler. Route modules live in api/routes/ and are collected in
// api/routes/mod.ts, so a feature adds its routes with one file and one line there.
import type { z } from "zod";
import type { AuthVia } from "./auth.ts";
import type { ApiDeps } from "./deps.ts";
import { ApiError } from "./errors.ts";
import { parseQuery, readJson } from "./http.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteContext<Q = unknown> {
  req: Request;
  url: URL;
  /** Path parameters by name ({id} in the template), as text. */
  params: Record<string, string>;
  query: Q;
  deps: ApiDeps;
  auth: AuthVia;
  /** Every route served (for /api/openapi.json). */
  routes: readonly Route[];
  /** The peer's address ("local" when unknown): keys the login rate limit. */
  clientAddress: string;
  /** Reads and validates the JSON body against the route's `body` schema. */
  body<T extends z.ZodType>(schema: T, limitBytes?: number): Promise<z.infer<T>>;
}

export interface Route {
  method: Method;
  /** "/api/targets/{id}/hops": {name} matches one path segment. */
  path: string;
  summary: string;
  tag: string;
  /** Validates the query string (and documents it). */
  query?: z.ZodType;
  /** Documents the JSON body; the handler reads it with ctx.body(schema). */
  body?: z.ZodType;
  /** Documents path parameters' meaning (all are text in the URL). */
  params?: Record<string, string>;
  /** Served without authentication (health, version, login). */
  public?: boolean;
  /** What a success looks like, for the docs (status -> description). */
  responses?: Record<number, string>;
  // deno-lint-ignore no-explicit-any
  handler(ctx: RouteContext<any>): Promise<Response> | Response;
}

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export type Match =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "wrongMethod"; allow: string[] }
  | { kind: "none" };

export class Router {
  readonly routes: readonly Route[];
  readonly #compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.routes = routes;
    this.#compiled = routes.map(compile);
    const seen = new Set<string>();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) throw new Error(`duplicate route ${key}`);
      seen.add(key);
    }
  }

  match(method: string, pathname: string): Match {
    const allow = new Set<string>();
    for (const entry of this.#compiled) {
      const found = entry.pattern.exec(pathname);
      if (!found) continue;
      if (entry.route.method !== method) {
        allow.add(entry.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      entry.names.forEach((name, i) => params[name] = decodeSegment(found[i + 1]));
      return { kind: "found", route: entry.route, params };
    }
    return allow.size ? { kind: "wrongMethod", allow: [...allow] } : { kind: "none" };
  }
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.path.split("/").map((segment) => {
    const param = /^\{(\w+)\}$/.exec(segment);
    if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    names.push(param[1]);
    return "([^/]+)";
  }).join("/");
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, "bad_path", "the path holds a malformed escape");
  }
}

/** Builds the context a handler sees; query validation happens here (400 on failure). */
export function contextOf(
  route: Route,
  base: Omit<RouteContext, "query" | "body">,
): RouteContext {
  const query = route.query ? parseQuery(base.url, route.query) : {};
  return {
    ...base,
    query,
    body: (schema, limitBytes) =>
      readJson(base.req, schema, limitBytes ?? base.deps.bodyLimitBytes),
  };
}
