// Health, version, the OpenAPI document, and what this server offers (probers, alert action
// types with their forms), read from the registries so clients never keep their own lists.
import { actionForms } from "../../alerts/mod.ts";
import { PROBERS } from "../../engine/mod.ts";
import { jsonResponse } from "../errors.ts";
import { openApiDocument } from "../openapi.ts";
import type { Route } from "../router.ts";
import type { ActionTypesReply, ProbersReply } from "../wire.ts";

let cachedOpenApi: { routes: readonly Route[]; text: string } | null = null;

export const metaRoutes: Route[] = [
  {
    method: "GET",
    path: "/healthz",
    tag: "meta",
    summary: "Liveness: 200 while the server runs",
    public: true,
    handler: () => jsonResponse({ status: "ok" }),
  },
  {
    method: "GET",
    path: "/api/version",
    tag: "meta",
    summary: "Program version and engine counters",
    handler: (ctx) =>
      jsonResponse({
        name: "pingwatcher",
        version: ctx.deps.version,
        deno: Deno.version.deno,
        prober: ctx.deps.service.prober.name,
        counters: ctx.deps.service.engine.counters(),
      }),
  },
  {
    method: "GET",
    path: "/api/probers",
    tag: "meta",
    summary: "The probers this program knows (capabilities) and the one this server runs",
    handler: (ctx) =>
      jsonResponse(
        {
          active: ctx.deps.service.prober.name,
          probers: PROBERS.map(({ name, description, capabilities }) => ({
            name,
            description,
            capabilities,
          })),
        } satisfies ProbersReply,
      ),
  },
  {
    method: "GET",
    path: "/api/alerts/action-types",
    tag: "alerts",
    summary: "Every alert action type with its form fields and defaults (the UI draws from this)",
    handler: () => jsonResponse({ actionTypes: actionForms() } satisfies ActionTypesReply),
  },
  {
    method: "GET",
    path: "/api/openapi.json",
    tag: "meta",
    summary: "This API as OpenAPI 3.1",
    public: true,
    handler: (ctx) => {
      if (cachedOpenApi?.routes !== ctx.routes) {
        const text = JSON.stringify(openApiDocument(ctx.routes, ctx.deps.version));
        cachedOpenApi = { routes: ctx.routes, text };
      }
      return new Response(cachedOpenApi.text, {
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    },
  },
];
