/**
 * Turning what a notebook has at hand (plain arrays, typed arrays, tensors) into plain numbers
 * for the plot helpers.
 *
 * @module
 */

import { Tensor } from "../tensor/tensor.ts";

/** A 1-D list of numbers: a JavaScript array, a typed array, or a tensor (flattened). */
export type PlotNumbers =
  | readonly number[]
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint8Array
  | Tensor;

/** A 2-D table of numbers: nested arrays (rows) or a 2-D tensor. */
export type PlotMatrix =
  | readonly (readonly number[] | Float64Array | Float32Array | Int32Array)[]
  | Tensor;

/** True for a `Tensor`, also one from another copy of the module (checked by shape and data). */
export function isTensor(value: unknown): value is Tensor {
  if (value instanceof Tensor) return true;
  const v = value as { shape?: unknown; data?: unknown } | null;
  return typeof v === "object" && v !== null && Array.isArray(v.shape) &&
    ArrayBuffer.isView(v.data);
}

/** Copies numbers of any accepted kind into a plain array (what Observable Plot reads best). */
export function toNumbers(op: string, values: PlotNumbers): number[] {
  if (isTensor(values)) return Array.from(values.data);
  if (Array.isArray(values) || ArrayBuffer.isView(values)) {
    return Array.from(values as ArrayLike<number>);
  }
  throw new TypeError(`${op}: expected an array, typed array or Tensor, got ${typeof values}`);
}

/** A matrix as rows of plain numbers; throws when the rows have different lengths. */
export function toRows(op: string, matrix: PlotMatrix): number[][] {
  if (isTensor(matrix)) {
    if (matrix.shape.length !== 2) {
      throw new RangeError(`${op}: expected a 2-D tensor, got shape [${matrix.shape.join(",")}]`);
    }
    const [rows, cols] = matrix.shape;
    const out: number[][] = [];
    for (let i = 0; i < rows; i++) {
      out.push(Array.from(matrix.data.subarray(i * cols, i * cols + cols)));
    }
    return out;
  }
  const out = matrix.map((row) => Array.from(row));
  const width = out.length > 0 ? out[0].length : 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i].length !== width) {
      throw new RangeError(
        `${op}: row ${i} has ${
          out[i].length
        } values but row 0 has ${width}; rows must be equally long`,
      );
    }
  }
  return out;
}

/** `[0, 1, ..., n-1]`, the default x of a series (as `plt.plot(y)`). */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Smallest and largest finite value (NaN and ±Infinity are skipped); `[0, 1]` when none. */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}
