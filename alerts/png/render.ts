// SVG to PNG with resvg's WebAssembly build, loaded from embedded modules (the wasm and the DejaVu
// Sans font are gzip + base64 text in resvg_wasm.ts and font.ts): nothing is read from disk and
// nothing is fetched, so a compiled binary draws PNGs on its own. Loaded on the first use only.
import type { Resvg } from "@resvg/resvg-wasm";

const FAMILY = "DejaVu Sans";

let ready: Promise<{ font: Uint8Array; Resvg: typeof Resvg }> | null = null;

async function gunzipBase64(text: string): Promise<Uint8Array> {
  const binary = atob(text.replace(/\s+/g, ""));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Initialises the rasteriser once (its module too: the server's start need not load it). */
function load(): Promise<{ font: Uint8Array; Resvg: typeof Resvg }> {
  ready ??= (async () => {
    const [{ initWasm, Resvg }, { GZIP_BASE64: wasm }, { GZIP_BASE64: font }] = await Promise.all([
      import("@resvg/resvg-wasm"),
      import("./resvg_wasm.ts"),
      import("./font.ts"),
    ]);
    await initWasm(await gunzipBase64(wasm));
    return { font: await gunzipBase64(font), Resvg };
  })();
  ready.catch(() => ready = null);
  return ready;
}

export interface PngOptions {
  /** Output width in px (the height keeps the SVG's aspect ratio); default: the SVG's own. */
  widthPx?: number;
  background?: string;
}

/** Rasterises a self-contained SVG; text is drawn with the embedded DejaVu Sans. */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const { font, Resvg } = await load();
  const resvg = new Resvg(svg, {
    background: options.background ?? "#ffffff",
    fitTo: options.widthPx ? { mode: "width", value: options.widthPx } : { mode: "original" },
    font: {
      fontBuffers: [font],
      loadSystemFonts: false,
      defaultFontFamily: FAMILY,
      sansSerifFamily: FAMILY,
      serifFamily: FAMILY,
      monospaceFamily: FAMILY,
    },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/** Width and height from a PNG's IHDR chunk (for checks and for mail clients' img tags). */
export function pngSize(png: Uint8Array): { width: number; height: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((b, i) => png[i] !== b)) return null;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
