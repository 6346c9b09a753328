// The commands' client of a running server's API: JSON requests with the bearer token from
// PINGWATCHER_TOKEN, errors in the API's own words.

export class ApiRequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** The server could not be reached at all (refused, timed out, bad address). */
export class ServerUnreachableError extends Error {
  override name = "ServerUnreachableError";
}

export class ApiClient {
  readonly baseUrl: string;
  readonly #token: string | null;

  constructor(baseUrl: string, options: { token?: string | null } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#token = options.token || null;
  }

  /** Sends a request; resolves with the raw response (2xx only), else throws. */
  async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ServerUnreachableError(
        `cannot reach the server at ${this.baseUrl}: ${(error as Error).message}`,
      );
    }
    if (response.ok) return response;
    const text = await response.text();
    let code = "http_" + response.status, message = text.slice(0, 300) || response.statusText;
    try {
      const parsed = JSON.parse(text);
      code = parsed.error?.code ?? parsed.code ?? code;
      message = parsed.error?.message ?? parsed.message ?? message;
    } catch {
      // Not JSON: keep the text.
    }
    throw new ApiRequestError(response.status, code, `${this.baseUrl}${path}: ${message}`);
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    if (response.status === 204) {
      await response.body?.cancel();
      return null as T;
    }
    return await response.json() as T;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>("GET", path);
  }

  /** True when GET /healthz answers within `timeoutMs`. */
  async reachable(timeoutMs = 1500): Promise<boolean> {
    try {
      const response = await fetch(this.baseUrl + "/healthz", {
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }
}
