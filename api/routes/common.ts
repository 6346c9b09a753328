// Helpers shared by route modules.
import type { AgentReads, TargetRecord } from "../../store/mod.ts";
import { ApiError, notFound, validationError } from "../errors.ts";
import type { HistoryQueries } from "../history.ts";
import type { RouteContext } from "../router.ts";
import { idParam } from "../schemas.ts";

/** A path parameter that must be a positive integer id (else 400). */
export function idOf(ctx: RouteContext, name = "id"): number {
  const parsed = idParam.safeParse(ctx.params[name]);
  if (!parsed.success) throw validationError("path", parsed.error);
  return parsed.data;
}

/** The target named by {id}, or a 404. */
export async function targetOf(ctx: RouteContext): Promise<TargetRecord> {
  const id = idOf(ctx);
  const target = await ctx.deps.store.getTarget(id);
  if (!target) throw notFound(`target ${id}`);
  return target;
}

export const ID_PARAM = { id: "numeric id" };

/** The measurement reads of one agent (`?agent=NAME`), or the default ones; an unknown agent is a 404. */
export async function readsOf(
  ctx: RouteContext,
  agent: string | undefined,
): Promise<
  & Omit<HistoryQueries, "summary">
  & Pick<AgentReads, "rounds" | "roundPage" | "routeChanges" | "addressChanges">
> {
  if (agent === undefined) {
    const { history, store } = ctx.deps;
    return {
      hopStats: (id, window) => history.hopStats(id, window),
      timeline: (id, query) => history.timeline(id, query),
      insights: (id, query) => history.insights(id, query),
      rounds: (id, query) => store.rounds(id, query),
      roundPage: (id, query) => store.roundPage(id, query),
      routeChanges: (id, query) => store.routeChanges(id, query),
      addressChanges: (id) => store.addressChanges(id),
    };
  }
  const reads = await ctx.deps.store.agentReads(agent);
  if (!reads) throw new ApiError(404, "unknown_agent", `agent "${agent}" has not measured here`);
  return reads;
}
