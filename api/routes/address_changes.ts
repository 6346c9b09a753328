// Dynamic-DNS address changes of a hostname target: when its name started resolving to another
// address (the engine then forgets the path it knew). Recorded by the engine, shown by the UI on
// the timeline and in the route-changes view.
import { z } from "zod";
import type { AddressChange } from "../../engine/mod.ts";
import { badRequest, jsonResponse } from "../errors.ts";
import type { Route, RouteContext } from "../router.ts";
import { agentName, epochMs } from "../schemas.ts";
import { ID_PARAM, readsOf, targetOf } from "./common.ts";

/** GET /api/targets/{id}/address_changes */
export interface AddressChangesReply {
  targetId: number;
  addressChanges: Omit<AddressChange, "targetId">[];
}

const rangeQuery = z.object({
  start: epochMs.optional(),
  end: epochMs.optional(),
  agent: agentName.optional().describe("the agent whose measurements to read (see /hops)"),
}).strict();

export const addressChangeRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/targets/{id}/address_changes",
    tag: "data",
    summary: "Address changes of a hostname target (dynamic DNS) in a range, oldest first " +
      "(all when no range is given)",
    params: ID_PARAM,
    query: rangeQuery,
    handler: async (ctx: RouteContext<z.infer<typeof rangeQuery>>) => {
      const target = await targetOf(ctx);
      const { start, end } = ctx.query;
      if (start !== undefined && end !== undefined && start >= end) {
        throw badRequest("start must be before end", [{
          field: "start",
          message: "not before end",
        }]);
      }
      const all = await (await readsOf(ctx, ctx.query.agent)).addressChanges(target.id);
      const addressChanges = all
        .filter((c) => (start === undefined || c.at >= start) && (end === undefined || c.at < end))
        .map(({ at, host, before, after }) => ({ at, host, before, after }));
      return jsonResponse({ targetId: target.id, addressChanges } satisfies AddressChangesReply);
    },
  },
];
