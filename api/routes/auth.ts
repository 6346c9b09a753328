// Login (session cookie for the browser), logout, and API tokens for scripts.
import { z } from "zod";
import { ApiError, jsonResponse, notFound } from "../errors.ts";
import type { Route } from "../router.ts";
import { type AuthVia, CSRF_HEADER } from "../auth.ts";
import { ID_PARAM, idOf } from "./common.ts";

const TAG = "auth";
const loginBody = z.object({ password: z.string().min(1).max(1024) }).strict();
const tokenBody = z.object({ name: z.string().min(1).max(100) }).strict();

/** GET /api/auth/status */
export interface AuthStatusReply {
  authRequired: boolean;
  authenticated: boolean;
  /** How this request was let in (null: it was not). */
  via: AuthVia | null;
  csrfHeader: typeof CSRF_HEADER;
}

const isSecure = (url: URL) => url.protocol === "https:";

export const authRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/auth/status",
    tag: TAG,
    summary: "Whether a login is needed and whether this request is authenticated",
    public: true,
    handler: async (ctx) => {
      const required = await ctx.deps.auth.required();
      let authenticated = false;
      let via: AuthVia | null = null;
      try {
        via = await ctx.deps.auth.authenticate(ctx.req, ctx.url);
        authenticated = true;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
      const reply = {
        authRequired: required,
        authenticated,
        via,
        csrfHeader: CSRF_HEADER,
      } satisfies AuthStatusReply;
      return jsonResponse(reply);
    },
  },
  {
    method: "POST",
    path: "/api/auth/login",
    tag: TAG,
    summary: "Log in with the server password; sets an HttpOnly SameSite=Strict session cookie",
    public: true,
    body: loginBody,
    handler: async (ctx) => {
      const { password } = await ctx.body(loginBody);
      const cookie = await ctx.deps.auth.login(password, ctx.clientAddress, isSecure(ctx.url));
      return jsonResponse({ authenticated: true }, 200, { "set-cookie": cookie });
    },
  },
  {
    method: "POST",
    path: "/api/auth/logout",
    tag: TAG,
    summary: "End the browser session",
    public: true,
    handler: (ctx) => {
      const cookie = ctx.deps.auth.logout(ctx.req, isSecure(ctx.url));
      return jsonResponse({ authenticated: false }, 200, { "set-cookie": cookie });
    },
  },
  {
    method: "GET",
    path: "/api/auth/tokens",
    tag: TAG,
    summary: "List API tokens (never the tokens themselves)",
    handler: async (ctx) => {
      const tokens = await ctx.deps.store.listApiTokens();
      return jsonResponse({
        tokens: tokens.map(({ id, name, createdAt, lastUsedAt }) => ({
          id,
          name,
          createdAt,
          lastUsedAt,
        })),
      });
    },
  },
  {
    method: "POST",
    path: "/api/auth/tokens",
    tag: TAG,
    summary: "Create an API token; it is shown once. From then on every request needs auth.",
    body: tokenBody,
    responses: { 201: "the token (shown only now)" },
    handler: async (ctx) => {
      const { name } = await ctx.body(tokenBody);
      return jsonResponse({ token: await ctx.deps.auth.createToken(name) }, 201);
    },
  },
  {
    method: "DELETE",
    path: "/api/auth/tokens/{id}",
    tag: TAG,
    summary: "Revoke an API token",
    params: ID_PARAM,
    responses: { 204: "revoked" },
    handler: async (ctx) => {
      const id = idOf(ctx);
      if (!(await ctx.deps.store.removeApiToken(id))) throw notFound(`token ${id}`);
      return new Response(null, { status: 204 });
    },
  },
];
