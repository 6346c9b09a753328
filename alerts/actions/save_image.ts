// Save image: the alerting hop's timeline and the hop table as an SVG file in the image
// directory (DATA_DIR/alert-images by default). SVG only: the maintained renderers (resvg-js,
// sharp) are native Node add-ons, and resvg-wasm would need fonts shipped with the binary.
import { join } from "node:path";
import { z } from "zod";
import { commonActionFields, defineAction } from "./types.ts";

export const saveImageSchema = z.strictObject({
  type: z.literal("saveImage"),
  ...commonActionFields,
});

export const saveImageAction = defineAction({
  type: "saveImage",
  label: "Save image",
  schema: saveImageSchema,
  fields: [],
  note: "Writes the hop's timeline and the hop table as SVG.",
  async run(_action, event, ctx) {
    const evidence = await ctx.evidence();
    await Deno.mkdir(ctx.config.imageDir, { recursive: true });
    const stamp = new Date(event.at).toISOString().replace(/[:.]/g, "-");
    const name = `target-${event.targetId}-${stamp}-${event.kind}-${event.id || "test"}.svg`;
    const path = join(ctx.config.imageDir, name);
    await Deno.writeTextFile(path, evidence.timelineSvg);
    return `saved ${path}`;
  },
});
