// Save image: the alerting hop's timeline and the hop table as a PNG (or, on request, SVG) file
// in the image directory (DATA_DIR/alert-images by default). PNGs come from resvg's WebAssembly
// build with an embedded font (alerts/png/), so the binary needs nothing else.
import { join } from "node:path";
import { z } from "zod";
import { commonActionFields, defineAction } from "./types.ts";
import { evidenceImage, IMAGE_FORMATS } from "./evidence.ts";

export const saveImageSchema = z.strictObject({
  type: z.literal("saveImage"),
  format: z.enum(IMAGE_FORMATS).default("png"),
  ...commonActionFields,
});

export const saveImageAction = defineAction({
  type: "saveImage",
  label: "Save image",
  schema: saveImageSchema,
  fields: [{
    name: "format",
    label: "Format",
    kind: "select",
    options: [{ id: "png", label: "PNG" }, { id: "svg", label: "SVG" }],
  }],
  note: "Writes the hop's timeline and the hop table as a PNG or SVG file.",
  async run(action, event, ctx) {
    const evidence = await ctx.evidence();
    await Deno.mkdir(ctx.config.imageDir, { recursive: true });
    const stamp = new Date(event.at).toISOString().replace(/[:.]/g, "-");
    const image = await evidenceImage(evidence, action.format);
    const name = `target-${event.targetId}-${stamp}-${event.kind}-${
      event.id || "test"
    }.${image.ext}`;
    const path = join(ctx.config.imageDir, name);
    if (typeof image.content === "string") await Deno.writeTextFile(path, image.content);
    else await Deno.writeFile(path, image.content);
    return `saved ${path}`;
  },
});
