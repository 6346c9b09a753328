// Vantage points: the agents that measured into the server's database (GET /api/agents), which
// one the trace graph and timeline read (null: the server's default, its own measurements), and
// the overlay of every agent's final hop of the open target over the timeline's range.
import { computed, effect, signal } from "@preact/signals";
import type { AgentsReply, TimelineReply } from "../../api/wire.ts";
import { selectedAgent } from "./agent_choice.ts";
import { describeError, get, query } from "./api.ts";
import { onReconnect } from "./live.ts";
import { selectedId, view } from "./targets.ts";
import { throttle } from "./throttle.ts";
import { MAX_POINTS, presetRange, range } from "./timeline.ts";
import { type TimelinePoint, toTimelinePoint } from "./types.ts";

export { selectedAgent };
export type AgentInfo = AgentsReply["agents"][number];

export const agentList = signal<AgentInfo[]>([]);
/** The agent this server probes as (null: not loaded yet). */
export const selfAgent = signal<string | null>(null);
export const agentsError = signal<string | null>(null);
/** More than one agent measured here: the UI shows agent columns, selectors and overlays. */
export const multiAgent = computed(() => agentList.value.length > 1);
/**
 * Agents other than this server measured here: their rounds are not pushed over the WebSocket,
 * so what shows them is read again now and then.
 */
export const othersMeasure = computed(() =>
  agentList.value.some((agent) => agent.name !== selfAgent.value)
);
/** Every agent's final hop of the open target, by the agent's index in `agentList`. */
export const overlaySeries = signal<Record<number, TimelinePoint[]>>({});
export const overlayError = signal<string | null>(null);
export const overlayAgents = computed(() =>
  agentList.value.map((agent, i) => ({ id: i, name: agent.name }))
);

export async function refreshAgents(): Promise<void> {
  try {
    const body = await get<AgentsReply>("/api/agents");
    agentList.value = body.agents;
    selfAgent.value = body.self;
    if (
      selectedAgent.peek() !== null && !body.agents.some((a) => a.name === selectedAgent.peek())
    ) {
      selectedAgent.value = null;
    }
    agentsError.value = null;
  } catch (error) {
    agentsError.value = describeError(error);
  }
}

const refreshAgentsSoon = throttle(refreshAgents, 1000);

/** Agents seen elsewhere (the summary's rows): an unknown one means the list is stale. */
export function noteAgents(names: Iterable<string | null>): void {
  const known = new Set(agentList.peek().map((agent) => agent.name));
  for (const name of names) {
    if (name !== null && !known.has(name)) return void refreshAgentsSoon();
  }
}

export function selectAgent(name: string | null): void {
  selectedAgent.value = name;
}

export async function refreshOverlay(): Promise<void> {
  const id = selectedId.peek();
  const agents = agentList.peek();
  if (id === null || agents.length < 2) {
    overlaySeries.value = {};
    return;
  }
  let r = range.peek();
  if (r.preset) r = presetRange(r.preset);
  try {
    const entries = await Promise.all(agents.map(async (agent, i) => {
      const q = query({
        hop: "last",
        start: Math.floor(r.start),
        end: Math.ceil(r.end),
        maxPoints: MAX_POINTS,
        agent: agent.name,
      });
      const body = await get<TimelineReply>(`/api/targets/${id}/timeline${q}`);
      const points = (body.series[0]?.points ?? []).map(toTimelinePoint);
      return [i, points.sort((a, b) => a.t - b.t)] as const;
    }));
    if (selectedId.peek() !== id) return;
    overlaySeries.value = Object.fromEntries(entries);
    overlayError.value = null;
  } catch (error) {
    overlayError.value = describeError(error);
  }
}

/** How often the target page re-reads what other agents measured (their rounds are not pushed). */
const OTHER_AGENTS_EVERY_MS = 5000;
/** How often the summary is read whole while other agents measure (their rows are not pushed). */
const SUMMARY_EVERY_MS = 10_000;
const AGENTS_EVERY_MS = 30_000;

/**
 * `refreshOwnReads` reads the target page's data again (for the chosen agent); `refreshSummary`
 * the summary's rows.
 */
export function initAgents(refreshOwnReads: () => void, refreshSummary: () => void): void {
  const overlaySoon = throttle(refreshOverlay, 1000);
  effect(() => {
    selectedId.value;
    range.value;
    agentList.value;
    if (view.value === "trace" && multiAgent.value) overlaySoon();
  });
  // A new target: the agent choice starts over at the server's own measurements.
  effect(() => {
    selectedId.value;
    if (selectedAgent.peek() !== null) selectedAgent.value = null;
    queueMicrotask(() => {
      refreshAgents();
    });
  });
  // Only a change of agent re-reads: the models read the default on their own at start.
  let shownAgent = selectedAgent.peek();
  effect(() => {
    if (selectedAgent.value === shownAgent) return;
    shownAgent = selectedAgent.value;
    queueMicrotask(refreshOwnReads);
  });
  onReconnect(() => {
    refreshAgents();
  });
  setInterval(() => {
    if (view.peek() !== "trace" || !othersMeasure.peek()) return;
    if (multiAgent.peek()) overlaySoon();
    if (selectedAgent.peek() !== selfAgent.peek()) refreshOwnReads();
  }, OTHER_AGENTS_EVERY_MS);
  setInterval(() => {
    if (view.peek() === "summary" && othersMeasure.peek()) refreshSummary();
  }, SUMMARY_EVERY_MS);
  // An agent that starts writing later shows up without a reload.
  setInterval(() => {
    refreshAgents();
  }, AGENTS_EVERY_MS);
  refreshAgents();
}
