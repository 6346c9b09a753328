// Helpers shared by route modules.
import type { TargetRecord } from "../../store/mod.ts";
import { notFound, validationError } from "../errors.ts";
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
