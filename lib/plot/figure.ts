/**
 * `Figure`: what every plot helper returns. It is a finished SVG with a size; it shows itself in
 * a Deno Jupyter cell and saves to `.svg` or `.png`.
 *
 * @module
 */

import { jupyterApi } from "./jupyter.ts";
import { rasterize, type RasterizeOptions } from "./png.ts";
import { Buffer } from "node:buffer";
import { toPath, writeFileAtomic } from "../files/atomic.ts";

/**
 * The symbol Deno's Jupyter kernel looks for: an object with this method is displayed with the
 * media bundle it returns (when it is a cell's value or passed to `Deno.jupyter.display`).
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** Options of `Figure.save` and `Figure.png`. */
export interface FigureSaveOptions {
  /** PNG only: pixels per SVG unit. Default 2 (sharp on high-density screens). */
  scale?: number;
  /** PNG only: force the native or WebAssembly resvg build. */
  renderer?: RasterizeOptions["renderer"];
}

/**
 * A rendered figure.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { linePlot } from "@dlfs/deno-dl/plot";
 *
 * const fig = linePlot({ loss: [3, 2, 1.5] }, { title: "Loss Curve" });
 * // In a notebook, `fig` as a cell's last expression is shown inline; `await fig.show()` shows it
 * // right away (reliable in headless runs).
 * const dir = await Deno.makeTempDir();
 * await fig.save(`${dir}/loss.svg`);
 * await fig.save(`${dir}/loss.png`); // 1280x800 pixels: scale 2 by default
 * assert.equal(await Deno.readTextFile(`${dir}/loss.svg`), fig.svg());
 * assert.equal(fig.toString(), 'Figure 640x400 "Loss Curve"');
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class Figure {
  /** Width in pixels (SVG units). */
  readonly width: number;
  /** Height in pixels (SVG units). */
  readonly height: number;
  /** The title drawn on top, if any (also used in the text fallback). */
  readonly title: string;
  #svg: string;

  /** Wraps a standalone SVG document of the given size. */
  constructor(svg: string, size: { width: number; height: number; title?: string }) {
    this.#svg = svg;
    this.width = size.width;
    this.height = size.height;
    this.title = size.title ?? "";
  }

  /** The SVG document as a string. */
  svg(): string {
    return this.#svg;
  }

  /** Renders to PNG bytes (`scale` 2 by default). */
  async png(options: FigureSaveOptions = {}): Promise<Uint8Array> {
    const raster = await rasterize(this.#svg, { scale: options.scale ?? 2, ...options });
    return raster.png;
  }

  /**
   * Writes the figure to `path` (a path or a `file:` URL): SVG text for `.svg`, an image for
   * `.png`. Parent folders are created. The file is written atomically (a temporary file in the
   * same folder, then renamed), so a failed write leaves the previous file whole.
   */
  async save(path: string | URL, options: FigureSaveOptions = {}): Promise<void> {
    const file = toPath("Figure.save", path);
    const lower = file.toLowerCase();
    if (!lower.endsWith(".svg") && !lower.endsWith(".png")) {
      throw new RangeError(`Figure.save: "${file}" must end in .svg or .png`);
    }
    const data = lower.endsWith(".svg") ? this.#svg : await this.png(options);
    await writeFileAtomic(file, data, { op: "Figure.save", mkdir: true });
  }

  /**
   * Shows the figure now in Jupyter, as `plt.show()`; does nothing outside Jupyter. Prefer
   * `await fig.show()` to ending a cell with `fig` in notebooks run headless (nbconvert): Deno's
   * kernel sometimes sends a cell's result after reporting the cell finished, and nbconvert then
   * drops it, while an awaited display always arrives in time.
   */
  async show(): Promise<void> {
    const api = jupyterApi();
    if (api?.display) await api.display(this);
  }

  /** A one-line description, e.g. `Figure 640x400 "Loss Curve"`. */
  toString(): string {
    return `Figure ${this.width}x${this.height}${this.title ? ` "${this.title}"` : ""}`;
  }

  /**
   * The media bundle Jupyter shows: a PNG, one pixel per SVG unit (the size the SVG would show
   * at), with a text fallback. A PNG and no SVG, because every front end and export draws a PNG:
   * nbconvert's HTML export picks the SVG when there is one and its sanitizer then strips inline
   * SVG (nbconvert 6.5), and JupyterLab does not draw SVG in untrusted notebooks. `svg()` and
   * `save()` keep the vector form.
   */
  async [JUPYTER_DISPLAY](): Promise<Record<string, string>> {
    const png = await this.png({ scale: 1 });
    return { "image/png": encodeBase64(png), "text/plain": this.toString() };
  }
}

/** Standard base64 of `bytes` (what Jupyter expects for binary media types). */
function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
