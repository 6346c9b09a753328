// One error shape for every API failure: { "error": { "code", "message", "details"? } }.
import type { z } from "zod";
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

export function errorResponse(error: ApiError): Response {
  const body: { code: string; message: string; details?: unknown } = {
    code: error.code,
    message: error.message,
  };
  if (error.details !== undefined) body.details = error.details;
  return jsonResponse({ error: body }, error.status, error.headers);
}
