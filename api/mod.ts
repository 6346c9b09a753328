// Public surface of the server: the handler factory, the app wiring and the server.
export { type ApiHandler, createHandler, type HandlerOptions } from "./handler.ts";
export { type App, type AppOptions, createApp } from "./app.ts";
export { serve, type ServeOptions } from "./server.ts";
export type { ApiDeps } from "./deps.ts";
export { ApiError } from "./errors.ts";
export type { Route, RouteContext } from "./router.ts";
export { WsHub } from "./ws_hub.ts";
export { VERSION } from "./version.ts";
export type { WireEvent } from "./ws_protocol.ts";
export { dispatch } from "./cli/dispatch.ts";
export { processEnv } from "./cli/env.ts";
