/**
 * SVG to PNG through resvg (`npm:@resvg/resvg-js`, a native Node-API module; its WebAssembly
 * twin `npm:@resvg/resvg-wasm` where the native binary does not load), with a bundled subset of
 * DejaVu Sans so that titles and tick labels render the same on every machine, offline.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { importResvgNative, importResvgWasm } from "./deps.ts";

/** Which resvg build rendered: the native module or the WebAssembly one. */
export type RendererKind = "native" | "wasm";

/** A rendered image: RGBA pixels (row-major, 4 bytes per pixel) and the encoded PNG. */
export interface Raster {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Premultiplied-free RGBA bytes, `width * height * 4` of them. */
  pixels: Uint8Array;
  /** The PNG file bytes. */
  png: Uint8Array;
}

/** Options of `rasterize`. */
export interface RasterizeOptions {
  /** Pixels per SVG unit (2 gives a sharp image on high-density screens). Default 1. */
  scale?: number;
  /** Force a renderer; by default the native one, then WebAssembly if native fails to load. */
  renderer?: RendererKind;
}

/** The family name inside the bundled font file. */
export const BUNDLED_FONT_FAMILY = "DejaVu Sans";

interface RenderedImage {
  asPng(): Uint8Array;
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
}
type ResvgConstructor = new (svg: string, options: Record<string, unknown>) => {
  render(): RenderedImage;
};

const renderers = new Map<RendererKind, Promise<ResvgConstructor>>();
let fontBytes: Promise<Uint8Array> | null = null;
const FONT_URL = new URL("./fonts/dejavu_sans_subset.ttf", import.meta.url);

/** The bundled font's bytes, read once (the WebAssembly build takes fonts as buffers). */
function bundledFont(): Promise<Uint8Array> {
  if (fontBytes === null) {
    fontBytes = FONT_URL.protocol === "file:"
      ? Deno.readFile(FONT_URL)
      : fetch(FONT_URL).then(async (r) => new Uint8Array(await r.arrayBuffer()));
  }
  return fontBytes;
}

async function loadNative(): Promise<ResvgConstructor> {
  const mod = await importResvgNative();
  return mod.Resvg as unknown as ResvgConstructor;
}

async function loadWasm(): Promise<ResvgConstructor> {
  const mod = await importResvgWasm();
  // The .wasm file ships inside the npm package; find it on disk through Node's resolver.
  const { createRequire } = await import("node:module");
  const wasmPath = createRequire(import.meta.url).resolve("@resvg/resvg-wasm/index_bg.wasm");
  try {
    await mod.initWasm(await Deno.readFile(wasmPath));
  } catch (error) {
    // initWasm throws when called twice in one process (e.g. a re-run notebook cell).
    if (!String(error).includes("Already initialized")) throw error;
  }
  return mod.Resvg as unknown as ResvgConstructor;
}

/** Loads (once) the resvg build asked for, or the native one falling back to WebAssembly. */
export async function loadRenderer(
  kind?: RendererKind,
): Promise<{ kind: RendererKind; Resvg: ResvgConstructor }> {
  const order: RendererKind[] = kind ? [kind] : ["native", "wasm"];
  let lastError: unknown = null;
  for (const k of order) {
    if (!renderers.has(k)) renderers.set(k, k === "native" ? loadNative() : loadWasm());
    try {
      return { kind: k, Resvg: await renderers.get(k)! };
    } catch (error) {
      renderers.delete(k);
      lastError = error;
    }
  }
  throw new Error(
    `rasterize: no PNG renderer loads (tried ${order.join(", ")}): ${lastError}. ` +
      `Check that npm:@resvg/resvg-js or npm:@resvg/resvg-wasm is installed (deno install).`,
  );
}

/** Renders an SVG string to pixels and PNG bytes. */
export async function rasterize(svg: string, options: RasterizeOptions = {}): Promise<Raster> {
  const { scale = 1 } = options;
  if (!(scale > 0)) throw new RangeError(`rasterize: scale must be > 0, got ${scale}`);
  // The native build only reads fonts from files; without a local file use WebAssembly.
  const preferred = options.renderer ?? (FONT_URL.protocol === "file:" ? undefined : "wasm");
  const { kind, Resvg } = await loadRenderer(preferred);
  const fontOptions: Record<string, unknown> = {
    defaultFontFamily: BUNDLED_FONT_FAMILY,
    sansSerifFamily: BUNDLED_FONT_FAMILY,
  };
  if (kind === "native") {
    fontOptions.fontFiles = [fileURLToPath(FONT_URL)];
    // Scanning system fonts is slow and makes output machine-dependent.
    fontOptions.loadSystemFonts = false;
  } else {
    fontOptions.fontBuffers = [await bundledFont()];
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: fontOptions,
  });
  const image = resvg.render();
  const raster = {
    width: image.width,
    height: image.height,
    pixels: new Uint8Array(image.pixels),
    png: new Uint8Array(image.asPng()),
  };
  // WebAssembly objects hold memory outside the JS heap until freed.
  (image as { free?: () => void }).free?.();
  (resvg as { free?: () => void }).free?.();
  return raster;
}
