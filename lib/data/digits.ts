/**
 * scikit-learn's 8x8 handwritten digits (`sklearn.datasets.load_digits()`), shipped with this
 * library in `assets/digits.csv.gz` (57 KB), so it loads offline.
 *
 * @module
 */
import { Tensor } from "../tensor/mod.ts";
import { readMaybeGzip } from "./io.ts";

/** Options of {@link loadDigits}. */
export interface DigitsOptions {
  /** Keep only the digits `0 .. nClass-1`, like scikit-learn's `n_class` (default 10). */
  nClass?: number;
  /** `"flat"` (default): `[N, 64]`, scikit-learn's `data`; `"image"`: `[N, 8, 8]`, its `images`. */
  layout?: "flat" | "image";
}

/** What {@link loadDigits} returns. */
export interface Digits {
  /** Pixel values 0..16 as float64, `[1797, 64]` (or `[1797, 8, 8]`), like scikit-learn's. */
  images: Tensor;
  /** The digit of each image, 0..9. */
  labels: Int32Array;
  /** `["0", "1", ..., "9"]` (the first `nClass`). */
  classNames: string[];
}

const ASSET = new URL("./assets/digits.csv.gz", import.meta.url);
const ASSET_NAME = "lib/data/assets/digits.csv.gz";
const COLUMNS = 65;
/** Pixel values are counts of set bits in 4x4 blocks of the original 32x32 bitmaps: 0..16. */
const MAX_PIXEL = 16;

/**
 * Parses the digits CSV: one image per line, 64 pixels (integers 0..16) then the label (0..9).
 * Rows whose label is `nClass` or more are left out (scikit-learn's `n_class`).
 *
 * @param text the CSV text
 * @param nClass keep the digits `0 .. nClass-1`
 * @param name the file name, used in error messages
 * @throws Error naming the line and column of an empty cell, a non-integer, a pixel outside 0..16
 *   or a label outside 0..9
 */
export function parseDigitsCsv(
  text: string,
  nClass = 10,
  name = "digits CSV",
): { pixels: number[]; labels: number[] } {
  const lines = text.split("\n").filter((line) => line.length > 0);
  if (lines.length === 0) throw new Error(`loadDigits: ${name} has no rows`);
  const pixels: number[] = [];
  const labels: number[] = [];
  lines.forEach((line, i) => {
    const cells = line.split(",");
    const fail = (what: string): never => {
      throw new Error(`loadDigits: ${name} line ${i + 1}: ${what}`);
    };
    if (cells.length !== COLUMNS) fail(`${cells.length} columns, expected ${COLUMNS}`);
    const values = cells.map((cell, j) => {
      // Number("") is 0: an empty cell must not pass for a zero pixel.
      const v = cell.trim() === "" ? NaN : Number(cell);
      if (!Number.isInteger(v)) fail(`column ${j + 1} is "${cell}", not an integer`);
      const max = j === COLUMNS - 1 ? 9 : MAX_PIXEL;
      if (v < 0 || v > max) {
        fail(`${j === COLUMNS - 1 ? "label" : `pixel ${j}`} is ${v}, outside 0..${max}`);
      }
      return v;
    });
    const label = values[COLUMNS - 1];
    if (label >= nClass) return;
    for (let j = 0; j < COLUMNS - 1; j++) pixels.push(values[j]);
    labels.push(label);
  });
  return { pixels, labels };
}

/**
 * Loads the 1,797 8x8 digit images and their labels, identical to scikit-learn 1.2's
 * `load_digits()` (`data` and `target`), in the same order.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDigits } from "@dlfs/deno-dl/data";
 *
 * const { images, labels } = await loadDigits(); // shipped with the library: no download
 * assert.deepEqual(images.shape, [1797, 64]);
 * assert.equal(labels.length, 1797);
 * assert.deepEqual([...labels.slice(0, 5)], [0, 1, 2, 3, 4]);
 * ```
 */
export async function loadDigits(options: DigitsOptions = {}): Promise<Digits> {
  const { nClass = 10, layout = "flat" } = options;
  if (!Number.isInteger(nClass) || nClass < 1 || nClass > 10) {
    throw new RangeError(`loadDigits: nClass must be an integer in 1..10, got ${nClass}`);
  }
  if (layout !== "flat" && layout !== "image") {
    throw new RangeError(`loadDigits: unknown layout "${layout}" (use "flat" or "image")`);
  }
  // The asset is about 300 KB of text: anything far larger is not the file this library ships.
  const bytes = await readMaybeGzip(ASSET, { maxBytes: 16 * 2 ** 20 });
  const { pixels, labels } = parseDigitsCsv(new TextDecoder().decode(bytes), nClass, ASSET_NAME);
  const n = labels.length;
  const shape = layout === "image" ? [n, 8, 8] : [n, 64];
  return {
    images: new Tensor(Float64Array.from(pixels), shape),
    labels: Int32Array.from(labels),
    classNames: Array.from({ length: nClass }, (_, i) => String(i)),
  };
}
