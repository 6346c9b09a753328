// One error shape for every API failure: { "error": { "code", "message", "details"? } }.
import type { z } from "zod";
import { flushMicrotasks as yieldToEventLoop } from "../engine/mod.ts";
import { CoreError, type CoreErrorKind } from "./core/mod.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, "bad_request", message, details);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);

/** A zod failure as a 400 naming each field and why. */
export function validationError(where: string, error: z.ZodError): ApiError {
  const details = error.issues.slice(0, 20).map((issue) => ({
    field: issue.path.map(String).join(".") || where,
    message: issue.message,
  }));
  const first = details[0];
  return new ApiError(
    400,
    "invalid_" + where,
    `${first?.field ?? where}: ${first?.message ?? "invalid"}`,
    details,
  );
}

const STATUS_OF: Record<CoreErrorKind, number> = {
  not_found: 404,
  conflict: 409,
  invalid: 400,
  unsupported: 400,
};

/** The one place where the core's refusals become HTTP statuses. */
export function apiErrorOf(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof CoreError) {
    return new ApiError(STATUS_OF[error.kind], error.code, error.message, error.details);
  }
  return null;
}

export const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/**
 * `{...fields, [key]: items}` as JSON, serialized `sliceItems` items at a time as the body is
 * read: a reply of 5,000 summary rows (5 MB) never holds the event loop, and the probes waiting
 * on it, for more than a slice. `map` turns each item into what is sent, slice by slice too.
 */
export function slicedJsonResponse<T>(
  fields: Record<string, unknown>,
  key: string,
  items: readonly T[],
  map: (item: T) => unknown = (item) => item,
  sliceItems = 1000,
): Response {
  const encoder = new TextEncoder();
  const head = JSON.stringify(fields);
  let at = -1;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (at < 0) {
        at = 0;
        const opening = head === "{}" ? "{" : `${head.slice(0, -1)},`;
        controller.enqueue(encoder.encode(`${opening}${JSON.stringify(key)}:[`));
        return;
      }
      if (at >= items.length) {
        controller.enqueue(encoder.encode("]}"));
        controller.close();
        return;
      }
      // A task boundary between slices: due timers and I/O callbacks run here.
      if (at > 0) await yieldToEventLoop();
      const slice = items.slice(at, at + sliceItems).map((item) => JSON.stringify(map(item)));
      controller.enqueue(encoder.encode((at > 0 ? "," : "") + slice.join(",")));
      at += sliceItems;
    },
  }, { highWaterMark: 0 });
  return new Response(body, { status: 200, headers: JSON_HEADERS });
}

export function errorResponse(error: ApiError): Response {
  const body: { code: string; message: string; details?: unknown } = {
    code: error.code,
    message: error.message,
  };
  if (error.details !== undefined) body.details = error.details;
  return jsonResponse({ error: body }, error.status, error.headers);
}
