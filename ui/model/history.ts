// Route changes, sessions, insights and named configurations of the selected target.
import { effect, type Signal, signal } from "@preact/signals";
import type {
  AddressChangeEntry,
  AddressChangesReply,
  ConfigurationOptions,
  ConfigurationsReply,
  InsightsReply,
  RouteChangesReply,
  SessionsReply,
  TargetReply,
} from "../../api/wire.ts";
import { agentParam } from "./agent_choice.ts";
import { del, describeError, get, patch, post, query, request } from "./api.ts";
import { onLive, onReconnect } from "./live.ts";
import { loadTargets, open, selectedId } from "./targets.ts";
import { range, setRange } from "./timeline.ts";
import { setFocus } from "./trace.ts";
import { throttle } from "./throttle.ts";
import type { Configuration, RouteChangeEntry, Session } from "./types.ts";

export const routeChanges = signal<RouteChangeEntry[]>([]);
/** Dynamic-DNS address changes of the selected target, newest first. */
export const addressChanges = signal<AddressChangeEntry[]>([]);
export const sessions = signal<Session[]>([]);
export const insights = signal<InsightsReply | null>(null);
export const configurations = signal<Configuration[]>([]);
/** Errors per panel, so a later success elsewhere cannot hide one. */
export const routesError = signal<string | null>(null);
export const sessionsError = signal<string | null>(null);
export const insightsError = signal<string | null>(null);
export const settingsError = signal<string | null>(null);
export const historyNotice = signal<string | null>(null);

async function guarded(
  errorSignal: Signal<string | null>,
  fn: () => Promise<void>,
): Promise<boolean> {
  try {
    await fn();
    errorSignal.value = null;
    return true;
  } catch (error) {
    errorSignal.value = describeError(error);
    return false;
  }
}

export function refreshRouteChanges(): Promise<boolean> {
  const id = selectedId.value;
  if (id === null) return Promise.resolve(false);
  return guarded(routesError, async () => {
    const [body, moved] = await Promise.all([
      get<RouteChangesReply>(`/api/targets/${id}/route_changes${query({ agent: agentParam() })}`),
      get<AddressChangesReply>(`/api/targets/${id}/address_changes`),
    ]);
    const changes = body.routeChanges.sort((a, b) => b.at - a.at);
    if (selectedId.value !== id) return;
    routeChanges.value = changes;
    addressChanges.value = moved.addressChanges.sort((a, b) => b.at - a.at);
  });
}

export function refreshSessions(): Promise<boolean> {
  const id = selectedId.value;
  if (id === null) return Promise.resolve(false);
  return guarded(sessionsError, async () => {
    const list = (await get<SessionsReply>(`/api/targets/${id}/sessions`)).sessions;
    if (selectedId.value === id) sessions.value = list.sort((a, b) => b.start - a.start);
  });
}

export function refreshInsights(): Promise<boolean> {
  const id = selectedId.value;
  if (id === null) return Promise.resolve(false);
  const r = range.value;
  return guarded(insightsError, async () => {
    const q = query({ start: Math.floor(r.start), end: Math.ceil(r.end), agent: agentParam() });
    const body = await get<InsightsReply>(`/api/targets/${id}/insights${q}`);
    if (selectedId.value === id) insights.value = body;
  });
}

export function refreshConfigurations(): Promise<boolean> {
  return guarded(settingsError, async () => {
    configurations.value = (await get<ConfigurationsReply>("/api/configurations")).configurations;
  });
}

export function createSession(name: string): Promise<boolean> {
  const id = selectedId.value;
  const r = range.value;
  return guarded(sessionsError, async () => {
    await post(`/api/targets/${id}/sessions`, {
      name,
      start: Math.floor(r.start),
      end: Math.ceil(r.end),
    });
    await refreshSessions();
  });
}

export const renameSession = (s: Session, name: string) =>
  guarded(sessionsError, async () => {
    await patch(`/api/sessions/${s.id}`, { name });
    await refreshSessions();
  });

export const deleteSession = (s: Session) =>
  guarded(sessionsError, async () => {
    await del(`/api/sessions/${s.id}`);
    await refreshSessions();
  });

export function exportUrl(targetId: number, format: "csv" | "json", start: number, end: number) {
  return `/api/targets/${targetId}/export${
    query({ format, start: Math.floor(start), end: Math.ceil(end) })
  }`;
}

export function sessionExportUrl(s: Session, format: "csv" | "json"): string {
  return `/api/sessions/${s.id}/export${query({ format })}`;
}

/** Opens a session (or any stored range) in the trace graph and timeline. */
export function replaySession(s: { targetId: number; start: number; end: number }): void {
  open("trace", s.targetId);
  setRange(s.start, s.end);
  setFocus({ kind: "range", start: s.start, end: s.end });
}

export function importExport(text: string): Promise<boolean> {
  return guarded(sessionsError, async () => {
    let body: { format?: unknown; rounds?: { startedAt?: number }[] };
    try {
      body = JSON.parse(text);
    } catch {
      body = {};
    }
    if (body?.format !== "pingwatcher-export") {
      throw new Error("That file is not a PingWatcher JSON export (Sessions → JSON makes one).");
    }
    const { target } = await request<TargetReply>("POST", "/api/import", body);
    await loadTargets();
    historyNotice.value = "Imported as a read-only replay target.";
    // Open it on the time its rounds cover, not on "the last 10 minutes".
    let start = Infinity;
    let end = -Infinity;
    for (const round of body.rounds ?? []) {
      if (typeof round.startedAt !== "number") continue;
      start = Math.min(start, round.startedAt);
      end = Math.max(end, round.startedAt + 1);
    }
    if (start > end) return open("trace", target.id);
    replaySession({ targetId: target.id, start, end: Math.max(end, start + 60_000) });
  });
}

export const saveConfiguration = (name: string, options: ConfigurationOptions) =>
  guarded(settingsError, async () => {
    await post("/api/configurations", { name, options });
    await refreshConfigurations();
  });

/** The target follows the configuration from now on (the server applies it at once). */
export const applyConfiguration = (c: Configuration, targetId: number) =>
  guarded(settingsError, async () => {
    await post(`/api/configurations/${c.id}/apply`, { targets: [targetId] });
    await loadTargets();
  });

export const deleteConfiguration = (c: Configuration) =>
  guarded(settingsError, async () => {
    await del(`/api/configurations/${c.id}`);
    await refreshConfigurations();
  });

export function initHistory(): void {
  const routesSoon = throttle(() => {
    refreshRouteChanges();
  }, 1000);
  effect(() => {
    selectedId.value;
    routeChanges.value = [];
    addressChanges.value = [];
    sessions.value = [];
    insights.value = null;
    routesSoon();
    refreshSessions();
  });
  onLive((event) => {
    if (event.kind === "route" && event.targetId === selectedId.value) routesSoon();
  });
  onReconnect(routesSoon);
}
