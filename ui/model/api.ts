// The REST client: one place that knows URLs, headers and the error shape. Callers name the
// reply's type from api/wire.ts (types only), the type the route itself answers with.
import { signal } from "@preact/signals";

/** True once the server has answered 401: the app shows the login page. */
export const authRequired = signal(false);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

// Browsers send this header only from our own script: a cross-site form cannot (CSRF guard).
const CSRF_HEADERS = { "x-pingwatcher-csrf": "1" };

function errorFrom(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: string; message?: string; details?: unknown } })?.error;
  const message = err?.message ?? `HTTP ${status}`;
  return new ApiError(status, err?.code ?? String(status), message, err?.details);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { ...CSRF_HEADERS, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (response.status === 401 && !path.startsWith("/api/auth/")) authRequired.value = true;
  if (!response.ok) throw errorFrom(response.status, parsed);
  return parsed as T;
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {});
export const patch = <T>(path: string, body: unknown) => request<T>("PATCH", path, body);
export const del = <T>(path: string) => request<T>("DELETE", path);

export function query(params: Record<string, string | number | undefined | null>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

/** A human sentence for an error, naming the field when the server said which. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const details = error.details;
  if (Array.isArray(details) && details.length) {
    const parts = details.map((d: { path?: unknown; field?: unknown; message?: string }) => {
      const field = Array.isArray(d.path) ? d.path.join(".") : d.field ?? d.path;
      // Some messages already name their field ("host: ... is not an IP address").
      return field && !String(d.message).startsWith(`${field}:`)
        ? `${field}: ${d.message}`
        : d.message;
    });
    const more = parts.length > 3 ? ` (and ${parts.length - 3} more)` : "";
    return parts.slice(0, 3).join("; ") + more;
  }
  return error.message;
}
