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
const COLUMNS = 65;

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
  const text = new TextDecoder().decode(await readMaybeGzip(ASSET));
  const lines = text.split("\n").filter((line) => line.length > 0);
  const pixels: number[] = [];
  const labels: number[] = [];
  lines.forEach((line, i) => {
    const values = line.split(",").map(Number);
    if (values.length !== COLUMNS || values.some((v) => !Number.isInteger(v))) {
      throw new Error(`loadDigits: ${ASSET.pathname} line ${i + 1} is not ${COLUMNS} integers`);
    }
    const label = values[COLUMNS - 1];
    if (label >= nClass) return;
    for (let j = 0; j < COLUMNS - 1; j++) pixels.push(values[j]);
    labels.push(label);
  });
  const n = labels.length;
  const shape = layout === "image" ? [n, 8, 8] : [n, 64];
  return {
    images: new Tensor(Float64Array.from(pixels), shape),
    labels: Int32Array.from(labels),
    classNames: Array.from({ length: nClass }, (_, i) => String(i)),
  };
}
