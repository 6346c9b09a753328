// Who may use the API. Without configured credentials on a loopback bind nobody logs in; once a
// password or token exists every request (and the WebSocket) needs a bearer token or the session
// cookie. Browser requests that change something must carry CSRF_HEADER, which a cross-site form
// cannot send (and no CORS preflight grants it unless origins are configured).
import type { Store } from "../store/mod.ts";
import { ApiError } from "./errors.ts";
import { hashPassword, newToken, sameDigest, sha256Hex, verifyPassword } from "./auth_hash.ts";
import { RateLimiter } from "./rate_limit.ts";

export const CSRF_HEADER = "x-pingwatcher-csrf";
export const SESSION_COOKIE = "pingwatcher_session";
export const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export type AuthVia = "open" | "token" | "cookie";

export interface AuthGateOptions {
  store: Store;
  /** Hash of a password given by the environment (never stored), in addition to the stored one. */
  extraPasswordHash?: string | null;
  /** SHA-256 of a token given by the environment (never stored). */
  extraTokenHash?: string | null;
  /** Host names (without port) accepted while no login is required: DNS-rebinding defence. */
  allowedHosts?: string[];
  corsOrigins?: string[];
  now?: () => number;
  sessionTtlMs?: number;
  login?: { maxFailures: number; windowMs: number };
}

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]", "::1"];

export class AuthGate {
  readonly #store: Store;
  readonly #sessions = new Map<string, number>(); // sha256(cookie) -> expiresAt
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly limiter: RateLimiter;
  readonly corsOrigins: string[];
  readonly #allowedHosts: Set<string>;
  #extraPasswordHash: string | null;
  #extraTokenHash: string | null;

  constructor(options: AuthGateOptions) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.sessionTtlMs ?? 7 * 24 * 3600_000;
    this.#extraPasswordHash = options.extraPasswordHash ?? null;
    this.#extraTokenHash = options.extraTokenHash ?? null;
    this.corsOrigins = options.corsOrigins ?? [];
    this.#allowedHosts = new Set([...LOOPBACK_HOSTS, ...(options.allowedHosts ?? [])]);
    const login = options.login ?? { maxFailures: 5, windowMs: 60_000 };
    this.limiter = new RateLimiter({ ...login, now: this.#now });
  }

  /** True once any password or token exists: from then on every request must authenticate. */
  async required(): Promise<boolean> {
    if (this.#extraPasswordHash || this.#extraTokenHash) return true;
    if (await this.#store.passwordHash()) return true;
    return (await this.#store.listApiTokens()).length > 0;
  }

  /** Who is asking, or the ApiError to answer with (401, 403). */
  async authenticate(req: Request, url: URL): Promise<AuthVia> {
    const bearer = bearerOf(req);
    if (bearer !== null) {
      const wrongScheme = schemeProblem(req);
      if (wrongScheme !== null) throw unauthorized(wrongScheme);
      if (await this.#tokenValid(bearer)) return "token";
      throw unauthorized("the bearer token is not valid");
    }
    const cookie = cookieOf(req, SESSION_COOKIE);
    if (cookie !== null && this.#sessionValid(cookie)) return "cookie";
    if (await this.required()) throw unauthorized("log in or send a bearer token");
    const host = hostnameOf(req.headers.get("host") ?? url.host);
    if (!this.#allowedHosts.has(host)) {
      throw new ApiError(403, "bad_host", `requests for host "${host}" are not served`);
    }
    return "open";
  }

  /** Refuses a browser's state-changing request that lacks the CSRF header. */
  checkCsrf(req: Request, via: AuthVia): void {
    if (!MUTATING.has(req.method) || via === "token") return;
    const fromBrowser = via === "cookie" || req.headers.has("origin") ||
      req.headers.has("sec-fetch-site");
    if (fromBrowser && !req.headers.get(CSRF_HEADER)) {
      throw new ApiError(
        403,
        "csrf",
        `browser requests that change data need the ${CSRF_HEADER} header`,
      );
    }
  }

  /** Checks the password; on success returns a Set-Cookie value for a fresh session. */
  async login(password: string, clientKey: string, secure: boolean): Promise<string> {
    const waitMs = this.limiter.retryAfterMs(clientKey);
    if (waitMs > 0) {
      throw new ApiError(
        429,
        "rate_limited",
        "too many failed logins; try again later",
        undefined,
        {
          "retry-after": String(Math.ceil(waitMs / 1000)),
        },
      );
    }
    const hashes = [await this.#store.passwordHash(), this.#extraPasswordHash].filter(
      (hash): hash is string => hash !== null,
    );
    let ok = false;
    // Check every hash so the time taken does not tell which one exists.
    for (const hash of hashes) ok = (await verifyPassword(password, hash)) || ok;
    if (!ok) {
      this.limiter.fail(clientKey);
      throw unauthorized(hashes.length ? "wrong password" : "no password is configured");
    }
    this.limiter.succeed(clientKey);
    const session = newToken("s_");
    this.#sessions.set(sha256Hex(session), this.#now() + this.#ttlMs);
    return sessionCookie(session, Math.floor(this.#ttlMs / 1000), secure);
  }

  /** Ends the session the request carries; returns a Set-Cookie value that clears it. */
  logout(req: Request, secure: boolean): string {
    const cookie = cookieOf(req, SESSION_COOKIE);
    if (cookie) this.#sessions.delete(sha256Hex(cookie));
    return sessionCookie("", 0, secure);
  }

  /** Creates an API token; the token itself is returned once and only its hash is kept. */
  async createToken(name: string): Promise<{ id: number; name: string; token: string }> {
    const token = newToken();
    const record = await this.#store.addApiToken({ name, tokenHash: sha256Hex(token) });
    return { id: record.id, name: record.name, token };
  }

  async setPassword(password: string | null): Promise<void> {
    await this.#store.setPasswordHash(password === null ? null : await hashPassword(password));
  }

  async #tokenValid(token: string): Promise<boolean> {
    const hash = sha256Hex(token);
    if (this.#extraTokenHash && sameDigest(hash, this.#extraTokenHash)) return true;
    // Lookup by the digest of a 256-bit secret: an index probe leaks nothing usable.
    const record = await this.#store.apiTokenByHash(hash);
    if (!record || !sameDigest(hash, record.tokenHash)) return false;
    await this.#store.touchApiToken(record.id, this.#now());
    return true;
  }

  #sessionValid(cookie: string): boolean {
    const key = sha256Hex(cookie);
    const expiresAt = this.#sessions.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt <= this.#now()) {
      this.#sessions.delete(key);
      return false;
    }
    return true;
  }
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, "unauthorized", message, undefined, {
    "www-authenticate": 'Bearer realm="pingwatcher"',
  });
}

const ACCEPTED = "send `Authorization: Bearer <token>` (an API token) or sign in with the " +
  "password at POST /api/auth/login for a session cookie";

/**
 * Why an Authorization header is not a bearer token at all, or null when it is (or is absent).
 * Without this, Basic credentials were refused as "the bearer token is not valid", which
 * sent people looking for a token they never sent.
 */
function schemeProblem(req: Request): string | null {
  const header = req.headers.get("authorization")?.trim();
  if (!header || /^Bearer\s+\S+$/i.test(header)) return null;
  const scheme = /^(\S+)/.exec(header)?.[1] ?? "";
  if (/^Bearer$/i.test(scheme)) return `the bearer token is missing; ${ACCEPTED}`;
  return `${scheme} credentials are not accepted here; ${ACCEPTED}`;
}

/** The bearer token from Authorization, or from a "bearer.TOKEN" WebSocket subprotocol. */
export function bearerOf(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    return match ? match[1] : "";
  }
  const protocols = req.headers.get("sec-websocket-protocol");
  const offered = protocols?.split(",").map((p) => p.trim()).find((p) => p.startsWith("bearer."));
  return offered ? offered.slice("bearer.".length) : null;
}

export function cookieOf(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

function sessionCookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}` +
    (secure ? "; Secure" : "");
}

/** "example.org:8000" -> "example.org", "[::1]:8000" -> "[::1]". */
export function hostnameOf(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith("[")) return lower.slice(0, lower.indexOf("]") + 1);
  return lower.split(":")[0];
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
