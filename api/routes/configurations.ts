// Named configurations: presets of engine options. Targets created or updated with
// `configuration: NAME` take its options; changing a configuration re-applies it to them.
import { type ConfigurationRecord, NameTakenError } from "../../store/mod.ts";
import { OptionsError, resolveTargetOptions, type TargetOptionsInput } from "../../engine/mod.ts";
import { ApiError, conflict, jsonResponse, notFound } from "../errors.ts";
import type { Route, RouteContext } from "../router.ts";
import {
  apiOptionsOf,
  configurationApply,
  configurationCreate,
  configurationPatch,
  engineInputOf,
} from "../schemas.ts";
import { ID_PARAM, idOf } from "./common.ts";

const TAG = "configurations";

/** A configuration as the API shows it (options in API units: seconds). */
export type ConfigurationJson = ReturnType<typeof configurationJson>;

/** GET /api/configurations */
export interface ConfigurationsReply {
  configurations: ConfigurationJson[];
}

export function configurationJson(config: ConfigurationRecord) {
  return {
    id: config.id,
    name: config.name,
    options: apiOptionsOf(config.options),
    createdAt: config.createdAt,
    updatedAt: config.updatedAt,
  };
}

async function load(ctx: RouteContext): Promise<ConfigurationRecord> {
  const id = idOf(ctx);
  const config = await ctx.deps.store.getConfiguration(id);
  if (!config) throw notFound(`configuration ${id}`);
  return config;
}

/** A preset must make sense on its own (e.g. no port with icmp). */
function checkPreset(options: TargetOptionsInput): TargetOptionsInput {
  try {
    resolveTargetOptions(options);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    throw new ApiError(400, "invalid_body", error.message, [{
      field: `options.${error.field}`,
      message: error.message,
    }]);
  }
  return options;
}

async function named<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NameTakenError) throw conflict("name_taken", error.message);
    throw error;
  }
}

export const configurationRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/configurations",
    tag: TAG,
    summary: "List configurations",
    handler: async (ctx) =>
      jsonResponse(
        {
          configurations: (await ctx.deps.store.listConfigurations()).map(configurationJson),
        } satisfies ConfigurationsReply,
      ),
  },
  {
    method: "POST",
    path: "/api/configurations",
    tag: TAG,
    summary: "Create a configuration",
    body: configurationCreate,
    responses: { 201: "the configuration" },
    handler: async (ctx) => {
      const input = await ctx.body(configurationCreate);
      const options = checkPreset(engineInputOf(input.options));
      const config = await named(() =>
        ctx.deps.store.addConfiguration({ name: input.name, options })
      );
      return jsonResponse({ configuration: configurationJson(config) }, 201);
    },
  },
  {
    method: "GET",
    path: "/api/configurations/{id}",
    tag: TAG,
    summary: "Get a configuration",
    params: ID_PARAM,
    handler: async (ctx) => jsonResponse({ configuration: configurationJson(await load(ctx)) }),
  },
  {
    method: "PATCH",
    path: "/api/configurations/{id}",
    tag: TAG,
    summary: "Rename or change a configuration; targets following it take the new options",
    params: ID_PARAM,
    body: configurationPatch,
    handler: async (ctx) => {
      const current = await load(ctx);
      const patch = await ctx.body(configurationPatch);
      const options = patch.options ? checkPreset(engineInputOf(patch.options)) : undefined;
      const config = await named(() =>
        ctx.deps.store.updateConfiguration(current.id, { name: patch.name, options })
      );
      if (!config) throw notFound(`configuration ${current.id}`);
      const targets = await ctx.deps.service.reapplyConfiguration(config);
      return jsonResponse({ configuration: configurationJson(config), targetsUpdated: targets });
    },
  },
  {
    method: "DELETE",
    path: "/api/configurations/{id}",
    tag: TAG,
    summary: "Delete a configuration (targets keep their options)",
    params: ID_PARAM,
    responses: { 204: "deleted" },
    handler: async (ctx) => {
      const config = await load(ctx);
      await ctx.deps.store.removeConfiguration(config.id);
      return new Response(null, { status: 204 });
    },
  },
  {
    method: "POST",
    path: "/api/configurations/{id}/apply",
    tag: TAG,
    summary: "Apply a configuration to targets (they follow it from then on)",
    params: ID_PARAM,
    body: configurationApply,
    handler: async (ctx) => {
      const config = await load(ctx);
      const { targets } = await ctx.body(configurationApply);
      const updated = await ctx.deps.service.applyConfiguration(config, [...new Set(targets)]);
      return jsonResponse({ targets: updated });
    },
  },
];
