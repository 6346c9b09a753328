// What the alerts browser test needs beside tests/ui/harness.ts: calls to the API as the browser
// makes them (to add a target and check outcomes without going through the page).
import type { TestServer } from "./harness.ts";

/** Calls the API (JSON, CSRF header) and returns the parsed body; throws on an error status. */
export async function api<T = Record<string, unknown>>(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-pingwatcher-csrf": "1" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}
