// Log file: one JSON line per event, appended to a file in the configured log directory.
// Rules name only the file, never a path: the API cannot make the server write elsewhere.
import { join } from "node:path";
import { z } from "zod";
import { commonActionFields, defineAction } from "./types.ts";

export const logFileSchema = z.strictObject({
  type: z.literal("logFile"),
  file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "a file name, not a path")
    .default("alerts.jsonl"),
  ...commonActionFields,
});

export const logFileAction = defineAction({
  type: "logFile",
  label: "Log file",
  schema: logFileSchema,
  fields: [
    {
      name: "file",
      label: "File name (in the log directory)",
      kind: "text",
      placeholder: "alerts.jsonl",
    },
  ],
  async run(action, event, ctx) {
    await Deno.mkdir(ctx.config.logDir, { recursive: true });
    const path = join(ctx.config.logDir, action.file);
    const line = JSON.stringify({ loggedAt: ctx.clock.now(), ...event }) + "\n";
    // One write call per line with append: concurrent events never interleave within a line.
    await Deno.writeTextFile(path, line, { append: true, create: true });
    return `appended to ${path}`;
  },
});
