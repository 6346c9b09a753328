// The HTTP server: the API handler behind Deno.serve, with the peer address passed through.
import type { ApiHandler } from "./handler.ts";

export interface ServeOptions {
  hostname: string;
  port: number;
  signal?: AbortSignal;
  onListen?: (address: { hostname: string; port: number }) => void;
}

export function serve(handler: ApiHandler, options: ServeOptions): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    hostname: options.hostname,
    port: options.port,
    signal: options.signal,
    onListen: options.onListen ?? (() => {}),
  }, (req, info) => handler(req, { remoteAddress: info.remoteAddr.hostname }));
}
