/**
 * Image grids: MNIST digits (28x28), scikit-learn digits (8x8), CIFAR-10 (32x32 RGB), each with
 * an optional title, as a row of `plt.imshow` subplots.
 *
 * Each image is painted into a small PNG (nearest-neighbour upscaled, so it stays crisp in every
 * viewer) embedded in the SVG as a `data:` URL.
 *
 * @module
 */

import { colormapTable } from "./colors.ts";
import type { Figure } from "./figure.ts";
import { isTensor, type PlotMatrix, type PlotNumbers, toNumbers } from "./inputs.ts";
import { frame } from "./layout.ts";
import { base64, encodePng } from "./png_encode.ts";
import { type Block, px, textElement } from "./svg.ts";
import type { Tensor } from "../tensor/tensor.ts";

/**
 * Images in any of these forms: a tensor `[h, w]` (one image), `[n, h, w]`, `[h, w, 3]` (one RGB
 * image), `[n, h, w, 3]` or `[n, 3, h, w]`; a tensor `[n, h*w]` of flattened rows with
 * `imageShape`; nested arrays (one image); or a list of any of these.
 */
export type ImageInput = Tensor | PlotMatrix | readonly (Tensor | PlotMatrix | PlotNumbers)[];

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  /** Title above each image. */
  titles?: readonly string[];
  /** Images per row. Default: all in one row, at most 10. */
  columns?: number;
  /** Colormap of single-channel images: `"gray"` (default), `"viridis"`, `"gray_r"`, ... */
  colormap?: string;
  /** Value shown black (gray); default each image's minimum, as `imshow`. */
  vmin?: number;
  /** Value shown white (gray); default each image's maximum, as `imshow`. */
  vmax?: number;
  /** Shape `[h, w]` or `[h, w, 3]` / `[3, h, w]` of flattened images. */
  imageShape?: readonly number[];
  /** Where the colour channels are in RGB input: `"last"` (HWC) or `"first"` (CHW, CIFAR). */
  channels?: "first" | "last";
  /** Screen pixels per image pixel. Default: images about 96 px wide (280 px for one image). */
  scale?: number;
  /** Title above the whole grid. */
  title?: string;
}

/** One image, channels last: `data[(row * w + col) * c + channel]`. */
interface Image {
  h: number;
  w: number;
  c: 1 | 3;
  data: ArrayLike<number>;
}

function fromShape(
  op: string,
  data: ArrayLike<number>,
  shape: readonly number[],
  channels?: string,
): Image {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new RangeError(`${op}: ${data.length} values do not fill an image of shape [${shape}]`);
  }
  if (shape.length === 2) return { h: shape[0], w: shape[1], c: 1, data };
  if (shape.length === 3) {
    const first = channels === "first" || (channels !== "last" && shape[2] !== 3 && shape[0] === 3);
    if (first && shape[0] === 3) return chwToHwc(data, shape[1], shape[2]);
    if (shape[2] === 3) return { h: shape[0], w: shape[1], c: 3, data };
    if (shape[2] === 1) return { h: shape[0], w: shape[1], c: 1, data };
    if (shape[0] === 1) return { h: shape[1], w: shape[2], c: 1, data };
  }
  throw new RangeError(
    `${op}: cannot read an image of shape [${shape}]; expected [h,w], [h,w,3] or [3,h,w]`,
  );
}

/** Reorders channel-first (CIFAR's layout) to channel-last. */
function chwToHwc(data: ArrayLike<number>, h: number, w: number): Image {
  const out = new Float64Array(h * w * 3);
  for (let ch = 0; ch < 3; ch++) {
    for (let i = 0; i < h * w; i++) out[i * 3 + ch] = data[ch * h * w + i];
  }
  return { h, w, c: 3, data: out };
}

function isNested(value: unknown): value is readonly ArrayLike<number>[] {
  return Array.isArray(value) && value.length > 0 &&
    (Array.isArray(value[0]) || ArrayBuffer.isView(value[0]));
}

/** Splits the accepted inputs into single images. */
function toImages(op: string, input: ImageInput, options: ImageGridOptions): Image[] {
  const shape = options.imageShape;
  if (isTensor(input)) {
    const t = input;
    const per = shape ? shape.reduce((a, b) => a * b, 1) : 0;
    if (shape && t.size % per === 0) {
      const n = t.size / per;
      return Array.from(
        { length: n },
        (_, i) => fromShape(op, t.data.subarray(i * per, (i + 1) * per), shape, options.channels),
      );
    }
    const s = t.shape;
    const rgbLast = s[s.length - 1] === 3 && options.channels !== "first";
    if (s.length === 2 || (s.length === 3 && rgbLast)) {
      return [fromShape(op, t.data, s, options.channels)];
    }
    if (s.length === 3 || s.length === 4) {
      const inner = s.slice(1);
      const per1 = inner.reduce((a, b) => a * b, 1);
      return Array.from(
        { length: s[0] },
        (_, i) => fromShape(op, t.data.subarray(i * per1, (i + 1) * per1), inner, options.channels),
      );
    }
    throw new RangeError(
      `${op}: cannot read images from a tensor of shape [${s}]` +
        (s.length === 1 ? "; flat images need imageShape, e.g. { imageShape: [28, 28] }" : ""),
    );
  }
  if (isNested(input) && typeof (input[0] as ArrayLike<number>)[0] === "number" && !shape) {
    // Nested number arrays: one image, rows of pixels.
    return [imageOfRows(op, input as readonly ArrayLike<number>[])];
  }
  if (!Array.isArray(input)) throw new TypeError(`${op}: expected a tensor or a list of images`);
  return (input as readonly (Tensor | PlotMatrix | PlotNumbers)[]).flatMap((item) => {
    if (isTensor(item) && !shape) return toImages(op, item, options);
    if (isNested(item)) return [imageOfRows(op, item as readonly ArrayLike<number>[])];
    if (!shape) {
      throw new RangeError(`${op}: flat images need imageShape, e.g. { imageShape: [28, 28] }`);
    }
    return [fromShape(op, toNumbers(op, item as PlotNumbers), shape, options.channels)];
  });
}

function imageOfRows(op: string, rows: readonly ArrayLike<number>[]): Image {
  const w = rows[0].length;
  const data: number[] = [];
  for (const row of rows) {
    if (row.length !== w) {
      throw new RangeError(`${op}: image rows differ in length (${w}, ${row.length})`);
    }
    for (let i = 0; i < w; i++) data.push(row[i]);
  }
  return { h: rows.length, w, c: 1, data };
}

/**
 * Paints one image into RGB bytes, upscaled `s` times. Gray images go through the colormap with
 * `vmin..vmax` (default the image's own range); RGB values are read as 0..1 floats when none
 * exceeds 1, otherwise as 0..255.
 */
function paint(img: Image, s: number, table: Uint8Array, options: ImageGridOptions): Uint8Array {
  const { h, w, c, data } = img;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  const vmin = c === 1 ? options.vmin ?? lo : 0;
  const vmax = c === 1 ? options.vmax ?? hi : hi <= 1 ? 1 : 255;
  const span = vmax > vmin ? vmax - vmin : 1;
  const W = w * s;
  const out = new Uint8Array(W * h * s * 3);
  for (let r = 0; r < h * s; r++) {
    const src = Math.floor(r / s) * w;
    for (let col = 0; col < W; col++) {
      const p = src + Math.floor(col / s);
      const o = (r * W + col) * 3;
      if (c === 1) {
        const t = Math.min(1, Math.max(0, (data[p] - vmin) / span));
        const k = Math.round(t * 255) * 3;
        out[o] = table[k];
        out[o + 1] = table[k + 1];
        out[o + 2] = table[k + 2];
      } else {
        for (let ch = 0; ch < 3; ch++) {
          const t = Math.min(1, Math.max(0, (data[p * 3 + ch] - vmin) / span));
          out[o + ch] = Math.round(t * 255);
        }
      }
    }
  }
  return out;
}

/**
 * Draws images side by side (wrapping after `columns`), each with its title.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { imageGrid } from "@dlfs/deno-dl/plot";
 * import { arange, reshape } from "@dlfs/deno-dl/tensor";
 *
 * const xTrain = reshape(arange(3 * 784), [3, 784]); // 3 flat 28x28 images
 * const labels = [5, 0, 4];
 * const digits = imageGrid(xTrain, { titles: labels.map(String), imageShape: [28, 28] });
 * const cifar = reshape(arange(2 * 3 * 32 * 32), [2, 3, 32, 32]); // 2 colour images, channels first
 * const colour = imageGrid(cifar, { channels: "first", titles: ["cat", "ship"] });
 * assert.match(digits.svg(), /<image/);
 * assert.match(colour.svg(), /ship/);
 * ```
 */
export function imageGrid(images: ImageInput, options: ImageGridOptions = {}): Figure {
  const op = "imageGrid";
  const list = toImages(op, images, options);
  if (list.length === 0) throw new RangeError(`${op}: no images to draw`);
  const titles = options.titles ?? [];
  const columns = Math.max(1, options.columns ?? Math.min(list.length, 10));
  const maxSide = Math.max(...list.map((im) => Math.max(im.h, im.w)));
  const s = options.scale ?? Math.max(1, Math.round((list.length === 1 ? 280 : 96) / maxSide));
  const cellW = Math.max(...list.map((im) => im.w * s));
  const cellH = Math.max(...list.map((im) => im.h * s));
  const titleH = titles.length > 0 ? 18 : 0;
  const gap = 8;
  const table = colormapTable(options.colormap ?? "gray");
  const parts: string[] = [];
  list.forEach((img, i) => {
    const x = gap + (i % columns) * (cellW + gap);
    const y = gap / 2 + Math.floor(i / columns) * (cellH + titleH + gap);
    const png = encodePng(paint(img, s, table, options), { width: img.w * s, height: img.h * s });
    if (titles[i] !== undefined) {
      parts.push(textElement(titles[i], { x: x + cellW / 2, y: y + 12, size: 11 }));
    }
    parts.push(
      `<image x="${px(x + (cellW - img.w * s) / 2)}" y="${px(y + titleH)}" ` +
        `width="${img.w * s}" height="${img.h * s}" preserveAspectRatio="none" ` +
        `style="image-rendering:pixelated" href="data:image/png;base64,${base64(png)}"/>`,
    );
  });
  const rows = Math.ceil(list.length / columns);
  const grid: Block = {
    svg: `<g aria-label="images">${parts.join("")}</g>`,
    width: gap + Math.min(columns, list.length) * (cellW + gap),
    height: gap + rows * (cellH + titleH + gap),
  };
  const titleBand = options.title ? 30 : 0;
  return frame(
    {
      width: Math.max(grid.width, options.title ? options.title.length * 9 + 20 : 0),
      height: grid.height + titleBand,
      title: options.title,
    },
    // Centre the grid under a title wider than it.
    (width) => ({
      ...grid,
      svg: `<g transform="translate(${px((width - grid.width) / 2)},0)">${grid.svg}</g>`,
    }),
  );
}
