// "Save image" (as PingPlotter does): the trace graph (a self-contained SVG from
// model/snapshot.ts) and the timeline charts below it, drawn onto one canvas and saved as a PNG.
import { chartPictures } from "./chart.tsx";

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error("the picture could not be drawn"));
    img.src = src;
  });
}

export interface SaveImageInput {
  svg: string;
  width: number;
  height: number;
  background: string;
  /** The element holding the timeline charts. */
  timeline: ParentNode | null;
  /** A line above the timeline charts (what they show). */
  caption: string;
  textColor: string;
  filename: string;
}

/** Draws the picture and returns it as a PNG blob. */
export async function renderImage(input: SaveImageInput): Promise<Blob> {
  const graph = await loadImage(
    `data:image/svg+xml;charset=utf-8,${encodeURIComponent(input.svg)}`,
  );
  const charts = await Promise.all(
    (input.timeline ? await chartPictures(input.timeline) : []).map(loadImage),
  );
  const scaled = charts.map((img) => ({
    img,
    height: Math.round(img.height * (input.width / img.width)),
  }));
  const canvas = document.createElement("canvas");
  canvas.width = input.width;
  const CAPTION = scaled.length ? 28 : 0;
  canvas.height = input.height + CAPTION + scaled.reduce((n, c) => n + c.height + 8, 0);
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = input.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(graph, 0, 0, input.width, input.height);
  if (CAPTION) {
    ctx.fillStyle = input.textColor;
    ctx.font = "bold 15px 'DejaVu Sans', Arial, sans-serif";
    ctx.fillText(input.caption, 20, input.height + 22);
  }
  let y = input.height + CAPTION;
  for (const c of scaled) {
    ctx.drawImage(c.img, 0, y + 8, input.width, c.height);
    y += c.height + 8;
  }
  return await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => b ? resolve(b) : reject(new Error("no PNG")), "image/png")
  );
}

/** Renders and hands the PNG to the browser as a download. */
export async function saveImage(input: SaveImageInput): Promise<void> {
  const blob = await renderImage(input);
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = input.filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
