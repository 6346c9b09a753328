// Targets and navigation: which view is open and which target it shows (kept in the URL hash).
import { computed, signal } from "@preact/signals";
import type { TargetCreate, TargetReply, TargetsReply } from "../../api/wire.ts";
import { del, describeError, get, post } from "./api.ts";
import type { Protocol, Target } from "./types.ts";
import { rememberHost } from "./settings.ts";
import { selectionAfterLoad } from "./selection.ts";

export type View =
  | "summary"
  | "trace"
  | "compare"
  | "routes"
  | "sessions"
  | "settings"
  | "alerts"
  | "interfaces";
export const VIEWS: { id: View; label: string; needsTarget: boolean }[] = [
  { id: "summary", label: "Summary", needsTarget: false },
  { id: "trace", label: "Trace graph", needsTarget: true },
  { id: "compare", label: "Compare", needsTarget: false },
  { id: "routes", label: "Route changes", needsTarget: true },
  { id: "sessions", label: "Sessions", needsTarget: true },
  { id: "settings", label: "Settings", needsTarget: false },
  { id: "alerts", label: "Alerts", needsTarget: false },
  { id: "interfaces", label: "Interfaces", needsTarget: false },
];

export const targets = signal<Target[]>([]);
export const targetsLoaded = signal(false);
export const view = signal<View>("summary");
export const selectedId = signal<number | null>(null);
export const selected = computed(() =>
  targets.value.find((t) => t.id === selectedId.value) ?? null
);
export const targetError = signal<string | null>(null);
export const busy = signal(false);

function parseHash(): void {
  const [, name, id] = location.hash.match(/^#\/(\w+)(?:\/(\d+))?/) ?? [];
  if (VIEWS.some((v) => v.id === name)) view.value = name as View;
  if (id) selectedId.value = Number(id);
}

function writeHash(): void {
  const needsTarget = VIEWS.find((v) => v.id === view.value)?.needsTarget;
  const hash = needsTarget && selectedId.value !== null
    ? `#/${view.value}/${selectedId.value}`
    : `#/${view.value}`;
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

export function initNavigation(): void {
  parseHash();
  addEventListener("hashchange", parseHash);
}

export function open(next: View, targetId?: number): void {
  if (targetId !== undefined) selectedId.value = targetId;
  if (VIEWS.find((v) => v.id === next)?.needsTarget && selectedId.value === null) {
    selectedId.value = targets.value[0]?.id ?? null;
  }
  view.value = next;
  writeHash();
}

export async function loadTargets(): Promise<void> {
  const asked = selectedId.peek();
  try {
    targets.value = (await get<TargetsReply>("/api/targets")).targets;
    targetsLoaded.value = true;
    const next = selectionAfterLoad(targets.value.map((t) => t.id), selectedId.peek(), asked);
    if (next === "ask again") return await loadTargets();
    selectedId.value = next;
  } catch (error) {
    targetError.value = describeError(error);
  }
}

export interface NewTargetInput {
  host: string;
  intervalS: number;
  protocol: Protocol;
  configuration: string | null;
}

export async function addTarget(input: NewTargetInput): Promise<boolean> {
  targetError.value = null;
  busy.value = true;
  try {
    // With a configuration the form's interval and protocol are disabled: the target follows the
    // configuration, so sending them would record them as the target's own and override it.
    const body: TargetCreate = { host: input.host };
    if (input.configuration) body.configuration = input.configuration;
    else Object.assign(body, { interval: input.intervalS, protocol: input.protocol });
    const created = (await post<TargetReply>("/api/targets", body)).target;
    rememberHost(input.host);
    await loadTargets();
    open("trace", created.id);
    return true;
  } catch (error) {
    targetError.value = describeError(error);
    return false;
  } finally {
    busy.value = false;
  }
}

async function act(fn: () => Promise<unknown>): Promise<void> {
  targetError.value = null;
  try {
    await fn();
  } catch (error) {
    targetError.value = describeError(error);
  }
  await loadTargets();
}

export const pauseTarget = (id: number) => act(() => post(`/api/targets/${id}/pause`));
export const resumeTarget = (id: number) => act(() => post(`/api/targets/${id}/resume`));
export function stopTarget(id: number): Promise<void> {
  return act(async () => {
    await del(`/api/targets/${id}`);
    if (selectedId.value === id) selectedId.value = null;
  });
}

export type TargetLike = Target;

export function targetName(t: { host: string; label: string | null }): string {
  return t.label ? `${t.label} (${t.host})` : t.host;
}
