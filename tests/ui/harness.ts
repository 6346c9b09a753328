// The browser suite's harness: a real server (createApp + Deno.serve on 127.0.0.1, port 0) whose
// engine probes a FakeProber network (simulated: nothing is sent), and Chromium driven by
// playwright-core. Without /usr/bin/chromium the suite is skipped with the reason printed.
import { join } from "node:path";
import { startAlerts } from "../../alerts/mod.ts";
import { createApp } from "../../api/app.ts";
import { hashPassword } from "../../api/auth_hash.ts";
import { serve } from "../../api/server.ts";
import { systemClock } from "../../engine/clock.ts";
import { type FakeNetwork, FakeProber } from "../../engine/probers/fake.ts";
import type { Clock } from "../../engine/types.ts";
import { type Store } from "../../store/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { serveUi } from "../../ui/serve.ts";
import type { Browser, BrowserContext, Page } from "playwright-core";

export const CHROMIUM = Deno.env.get("PINGWATCHER_CHROMIUM") ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Why the browser suite cannot run here, or null when it can. */
export function skipReason(): string | null {
  try {
    Deno.statSync(CHROMIUM);
    return null;
  } catch {
    return `${CHROMIUM} not found (apt-get install chromium): browser tests skipped`;
  }
}

/** Simulated routes (documentation address ranges; the FakeProber sends nothing). */
export const NETWORK: FakeNetwork = {
  "198.51.100.10": [
    { ip: "10.1.0.1", rttMs: 1 },
    { ip: "10.1.1.1", rttMs: 4, dropsOwnRepliesPct: 40 },
    { ips: ["10.1.2.1", "10.1.2.2"], rttMs: 9 },
    { silent: true },
    { rttMs: (p) => 18 + (p.index % 7) },
  ],
  "198.51.100.20": [
    { ip: "10.2.0.1", rttMs: 2 },
    { ip: "10.2.1.1", rttMs: 30, lossPct: 5 },
    { rttMs: 42 },
  ],
};

export interface TestServer {
  url: string;
  store: Store;
  prober: FakeProber;
  app: ReturnType<typeof createApp>;
  dir: string;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(
  options: {
    password?: string;
    clock?: Clock;
    network?: FakeNetwork;
    port?: number;
    dir?: string;
    /** Start the alert service as the program does (its UI asks for it). */
    alerts?: boolean;
  } = {},
): Promise<TestServer> {
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "pingwatcher-ui-" });
  const store = openSqliteStore(join(dir, "ui.db"));
  if (options.password) await store.setPasswordHash(await hashPassword(options.password));
  const clock = options.clock ?? systemClock;
  const prober = new FakeProber({ clock, network: options.network ?? NETWORK, seed: 7 });
  const app = createApp({
    store,
    prober,
    clock,
    engine: { reverseDns: false },
    addressLookup: () => Promise.resolve([]),
    handler: { fallback: serveUi },
    auth: { allowedHosts: ["127.0.0.1"] },
  });
  await app.start();
  const alerts = options.alerts
    ? await startAlerts({
      engine: app.service,
      store,
      dataDir: dir,
      clock,
      onEvent: (event) =>
        app.hub.publishWire({ type: "alert", targetId: event.targetId, alert: event }),
    })
    : null;
  app.useAlerts(alerts);
  let port = 0;
  const server = serve(app.handler, {
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: (addr) => port = addr.port,
  });
  const shutdown = async () => {
    app.hub.close();
    await server.shutdown().catch(() => {});
    await alerts?.stop();
    await app.stop();
    await store.close();
  };
  return {
    url: `http://127.0.0.1:${port || server.addr.port}`,
    store,
    prober,
    app,
    dir,
    /** Stops everything but keeps the database (for a restart on the same port). */
    async stop() {
      await shutdown();
    },
    async close() {
      await shutdown();
      await prober.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Console errors and page errors seen so far. */
  errors: string[];
}

/** A fresh page that records console errors and uncaught exceptions. */
export async function newPage(
  browser: Browser,
  options: { width?: number; height?: number } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) errors.push(`http ${response.status()} ${response.url()}`);
  });
  return { page, context, errors };
}

export const SCREENSHOT_DIR = join(import.meta.dirname ?? ".", "screenshots");

export async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
