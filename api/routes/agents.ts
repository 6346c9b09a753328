// Vantage points: the agents that wrote rounds into this server's database (several PingWatcher
// processes may share one PostgreSQL database, each probing its own assignments).
import type { AgentRecord } from "../../store/mod.ts";
import { jsonResponse } from "../errors.ts";
import type { Route } from "../router.ts";

/** GET /api/agents */
export interface AgentsReply {
  /** The agent this server probes as (--agent). */
  self: string;
  agents: (AgentRecord & {
    /** Targets assigned to it (their `agents` name it, or are null = every agent). */
    assignedCount: number;
  })[];
}

export const agentRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/agents",
    tag: "data",
    summary: "The agents (vantage points) that measured into this database: first and last " +
      "write, targets measured and targets assigned",
    handler: async (ctx) => {
      const { store, service } = ctx.deps;
      const meta = await store.allTargetMeta();
      const targets = (await store.listTargets()).filter((t) => !meta.get(t.id)?.replay);
      const assigned = (name: string) =>
        targets.filter((t) => {
          const agents = meta.get(t.id)?.agents ?? null;
          return agents === null || agents.includes(name);
        }).length;
      const agents = (await store.listAgents()).map((a) => ({
        ...a,
        assignedCount: assigned(a.name),
      }));
      return jsonResponse({ self: service.agent, agents } satisfies AgentsReply);
    },
  },
];
