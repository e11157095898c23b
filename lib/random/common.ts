/**
 * Pieces shared by `Generator` and `RandomState`: output shapes, in-place shuffles, and the
 * probability-table sampling behind `choice(..., {p})`.
 *
 * @module
 */

import { Tensor } from "../tensor/tensor.ts";
import { take } from "../tensor/indexing.ts";
import { randomInterval } from "./bounded.ts";
import type { BitSource } from "./bit_source.ts";

/** NumPy's `size` argument: a length or a shape. */
export type Size = number | readonly number[];

/** Anything `shuffle` can permute in place: a tensor (along its first axis), a typed or JS array. */
export type Shuffleable =
  | Tensor
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Uint8Array
  | unknown[];

/** Options of `choice`. */
export interface ChoiceOptions {
  /** Draw with replacement (default true). */
  replace?: boolean;
  /** Probabilities of each entry (must sum to 1). */
  p?: ArrayLike<number>;
}

/** The shape a `size` asks for, checked. */
export function sizeToShape(op: string, size: Size): number[] {
  const shape = typeof size === "number" ? [size] : [...size];
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: size must be a non-negative integer or shape, got [${shape}]`);
    }
  }
  return shape;
}

/** Number of elements of a shape. */
export function shapeCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Draws `size` doubles with `draw` into a float64 tensor, or one number when `size` is omitted. */
export function fillDoubles(
  op: string,
  size: Size | undefined,
  draw: () => number,
): number | Tensor {
  if (size === undefined) return draw();
  const shape = sizeToShape(op, size);
  const out = new Float64Array(shapeCount(shape));
  for (let i = 0; i < out.length; i++) out[i] = draw();
  return new Tensor(out, shape);
}

/**
 * Fisher–Yates from the end, as NumPy's `_shuffle_raw`: for i = n-1 down to 1 swap item i with
 * item `randomInterval(i)`. Tensors are shuffled along their first axis (whole rows move).
 */
export function shuffleInPlace(src: BitSource, x: Shuffleable): void {
  if (x instanceof Tensor) {
    if (x.ndim === 0) throw new RangeError("shuffle: cannot shuffle a 0-d tensor");
    shuffleRows(src, x.data, x.shape[0], x.shape[0] === 0 ? 0 : x.size / x.shape[0]);
    return;
  }
  const a = x as { [i: number]: unknown; length: number };
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInterval(src, i);
    const tmp = a[i];
    a[i] = a[j];
    a[j] = tmp;
  }
}

/** Shuffles the `rows` rows of `rowLen` items of a flat row-major array. */
function shuffleRows(
  src: BitSource,
  data: Float64Array | Float32Array,
  rows: number,
  rowLen: number,
): void {
  if (rowLen === 1) return shuffleInPlace(src, data);
  const tmp = data.slice(0, rowLen);
  for (let i = rows - 1; i > 0; i--) {
    const j = randomInterval(src, i);
    if (i === j) continue;
    tmp.set(data.subarray(j * rowLen, (j + 1) * rowLen));
    data.copyWithin(j * rowLen, i * rowLen, (i + 1) * rowLen);
    data.set(tmp, i * rowLen);
  }
}

/** `np.arange(n)` shuffled: NumPy's `permutation(n)`. */
export function permutationOf(src: BitSource, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) {
    throw new RangeError(`permutation: n must be an integer in [0, 2^31), got ${n}`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomInterval(src, i);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}

/** A permuted copy of a tensor's rows (or of a 1-D tensor's elements), as `permutation(x)`. */
export function permuteTensor(src: BitSource, x: Tensor): Tensor {
  const copy = x.clone();
  shuffleInPlace(src, copy);
  return copy;
}

/**
 * Validates `p` like NumPy's `choice` (finite, non-negative, as many as the population, summing
 * to 1 within sqrt(eps)) and returns it as a Float64Array copy.
 */
export function checkProbabilities(p: ArrayLike<number>, popSize: number): Float64Array {
  const probs = Float64Array.from(p);
  if (probs.length !== popSize) {
    throw new RangeError(`choice: a and p must have same size, got ${popSize} and ${probs.length}`);
  }
  // Kahan summation, as NumPy's check does.
  let sum = 0, comp = 0;
  for (const v of probs) {
    if (Number.isNaN(v)) throw new RangeError("choice: probabilities contain NaN");
    if (v < 0) throw new RangeError(`choice: probabilities are not non-negative (got ${v})`);
    const y = v - comp;
    const t = sum + y;
    comp = (t - sum) - y;
    sum = t;
  }
  if (Math.abs(sum - 1) > Math.sqrt(2 ** -52)) {
    throw new RangeError(`choice: probabilities do not sum to 1 (sum ${sum})`);
  }
  return probs;
}

/** `cdf = cumsum(p); cdf /= cdf[-1]` (a plain running sum, as `np.cumsum`). */
export function cumulative(p: Float64Array): Float64Array {
  const cdf = new Float64Array(p.length);
  let acc = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = acc += p[i];
  const last = cdf[cdf.length - 1];
  for (let i = 0; i < cdf.length; i++) cdf[i] /= last;
  return cdf;
}

/** `np.searchsorted(cdf, u, side='right')`: the first index whose value is > u. */
export function searchRight(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Weighted sampling without replacement, NumPy's loop: draw `size - found` uniforms, map them
 * through the cdf of the not-yet-chosen entries, keep the new distinct picks in first-seen order,
 * repeat until `size` are found. `uniforms(k)` must draw k doubles from the generator.
 */
export function weightedWithoutReplacement(
  p: Float64Array,
  size: number,
  uniforms: (k: number) => Float64Array,
): Int32Array {
  let positive = 0;
  for (const v of p) if (v > 0) positive++;
  if (positive < size) {
    throw new RangeError(`choice: fewer non-zero entries in p (${positive}) than size (${size})`);
  }
  const probs = p.slice();
  const found = new Int32Array(size);
  let nFound = 0;
  while (nFound < size) {
    const x = uniforms(size - nFound);
    for (let i = 0; i < nFound; i++) probs[found[i]] = 0;
    const cdf = cumulative(probs);
    const seen = new Set<number>();
    for (const u of x) {
      const k = searchRight(cdf, u);
      if (!seen.has(k)) {
        seen.add(k);
        found[nFound++] = k;
      }
    }
  }
  return found;
}

/** The population size of `choice(a)`: `a` itself when a number, else its length (rows). */
export function populationSize(a: number | Tensor | ArrayLike<number>): number {
  if (typeof a === "number") {
    if (!Number.isInteger(a) || a < 0) {
      throw new RangeError(`choice: a must be a non-negative integer, got ${a}`);
    }
    return a;
  }
  if (a instanceof Tensor) {
    if (a.ndim === 0) throw new RangeError("choice: a must be 1-dimensional or an integer");
    return a.shape[0];
  }
  return a.length;
}

/**
 * Turns drawn indices into `choice`'s result: the indices themselves when `a` is a number, the
 * chosen rows (a tensor) when `a` is a tensor, the chosen values (a float64 tensor) for an array.
 * With `size` omitted the single index/value is returned as a number.
 */
export function takeChoice(
  a: number | Tensor | ArrayLike<number>,
  idx: Int32Array,
  shape: readonly number[] | undefined,
): number | Int32Array | Tensor {
  if (typeof a === "number") return shape === undefined ? idx[0] : idx;
  if (a instanceof Tensor) {
    if (shape === undefined && a.ndim === 1) return a.data[idx[0]];
    return take(a, idx).reshape([...(shape ?? []), ...a.shape.slice(1)]);
  }
  if (shape === undefined) return a[idx[0]];
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return new Tensor(out, shape);
}
