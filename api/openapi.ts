// /api/openapi.json, generated from the route table and its zod schemas (z.toJSONSchema).
import { z } from "zod";
import type { Route } from "./router.ts";

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        details: {},
      },
    },
  },
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete out.$schema;
  return out;
}

function parameters(route: Route): unknown[] {
  const params: unknown[] = [];
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    params.push({
      name,
      in: "path",
      required: true,
      description: route.params?.[name],
      schema: { type: "string" },
    });
  }
  if (route.query) {
    const schema = jsonSchema(route.query);
    const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      params.push({
        name,
        in: "query",
        required: required.has(name),
        description: property.description,
        schema: { type: "string", ...(property.enum ? { enum: property.enum } : {}) },
      });
    }
  }
  return params;
}

function operation(route: Route): Record<string, unknown> {
  const success = route.responses ?? { 200: "success" };
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(success)) {
    responses[status] = { description };
  }
  responses.default = {
    description: "an error (400 invalid input, 401, 403, 404, 405, 409, 413, 415, 429)",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
  const op: Record<string, unknown> = {
    summary: route.summary,
    tags: [route.tag],
    parameters: parameters(route),
    responses,
  };
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { "application/json": { schema: jsonSchema(route.body) } },
    };
  }
  if (route.public) op.security = [];
  return op;
}

export function openApiDocument(routes: readonly Route[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "PingWatcher API",
      version,
      description: "Continuous traceroute monitor. Durations in seconds, times in epoch ms, " +
        "RTTs in ms; null where nothing was measured. Live updates: WebSocket at /ws.",
    },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        cookie: { type: "apiKey", in: "cookie", name: "pingwatcher_session" },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
  };
}
