/**
 * Reductions along an axis (or over everything): `sum`, `mean`, `std`, `max`, `min`, `argmax`, `argmin`.
 *
 * Every reduction views the tensor as `[outer, n, inner]` where `n` is the reduced axis, so one loop
 * nest serves any axis without transposing.
 *
 * @module
 */
import { allocate, normalizeAxis, shapeSize, shapeStr, Tensor, type TensorData } from "./tensor.ts";
import { addColumnSums } from "./typed_loops.ts";

/** Options of the reductions. */
export interface ReduceOptions {
  /** Axis to reduce (negative counts from the end); all elements when omitted. */
  axis?: number;
  /** Keep the reduced axis with size 1 (so the result broadcasts against the input). */
  keepdims?: boolean;
}

/** Options that reduce over everything to a plain number. */
export type AllOptions = { axis?: undefined; keepdims?: false };
/** Options that give a tensor: an axis, or `keepdims`. */
export type AxisOptions = { axis: number; keepdims?: boolean } | { axis?: number; keepdims: true };

interface Plan {
  outer: number;
  n: number;
  inner: number;
  shape: number[];
}

function plan(op: string, x: Tensor, options: ReduceOptions): Plan {
  if (options.axis === undefined) {
    const shape = options.keepdims ? x.shape.map(() => 1) : [];
    return { outer: 1, n: x.size, inner: 1, shape };
  }
  const axis = normalizeAxis(op, options.axis, x.shape);
  const shape = [...x.shape];
  if (options.keepdims) shape[axis] = 1;
  else shape.splice(axis, 1);
  return {
    outer: shapeSize(x.shape.slice(0, axis)),
    n: x.shape[axis],
    inner: shapeSize(x.shape.slice(axis + 1)),
    shape,
  };
}

function finish(p: Plan, out: TensorData, options: ReduceOptions): Tensor | number {
  if (options.axis === undefined && !options.keepdims) return out[0];
  return new Tensor(out, p.shape);
}

/**
 * NumPy 1.x reduces a contiguous run in blocks of 8192 elements (its iterator's buffer size), each by
 * pairwise summation, adding the block sums in order. Following it makes `sum`, `mean` and `std` agree
 * with NumPy 1.24 (which printed the assignments' numbers) to the last bit, not only to 1e-16.
 */
const NUMPY_BUFFER = 8192;

/** NumPy's `pairwise_sum` of `x[lo .. lo+n)`: 8 interleaved partial sums below 128 elements, halving above. */
function pairwiseSum(x: ArrayLike<number>, lo: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = lo; i < lo + n; i++) s += x[i];
    return s;
  }
  if (n <= 128) {
    let r0 = x[lo], r1 = x[lo + 1], r2 = x[lo + 2], r3 = x[lo + 3];
    let r4 = x[lo + 4], r5 = x[lo + 5], r6 = x[lo + 6], r7 = x[lo + 7];
    const end = lo + n - (n % 8);
    for (let i = lo + 8; i < end; i += 8) {
      r0 += x[i], r1 += x[i + 1], r2 += x[i + 2], r3 += x[i + 3];
      r4 += x[i + 4], r5 += x[i + 5], r6 += x[i + 6], r7 += x[i + 7];
    }
    let s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (let i = end; i < lo + n; i++) s += x[i];
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(x, lo, half) + pairwiseSum(x, lo + half, n - half);
}

/** Sum of the contiguous run `x[lo .. lo+n)` the way NumPy 1.x adds it. */
function contiguousSum(x: ArrayLike<number>, lo: number, n: number): number {
  let total = 0;
  for (let b = 0; b < n; b += NUMPY_BUFFER) {
    total += pairwiseSum(x, lo + b, Math.min(NUMPY_BUFFER, n - b));
  }
  return total;
}

/**
 * Sums into `out[o*inner + i]` over the reduced axis. A contiguous axis (inner = 1) is summed pairwise
 * as NumPy does; other axes are accumulated slice by slice in order, as NumPy does too.
 */
function sumInto(x: TensorData, p: Plan, out: Float64Array): void {
  const { outer, n, inner } = p;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) out[o] = contiguousSum(x, o * n, n);
    return;
  }
  for (let o = 0; o < outer; o++) addColumnSums(x, o * n * inner, n, inner, out, o * inner);
}

/** Sum along `axis`, like `np.sum(x, axis, keepdims)`; a number when no axis is given. */
export function sum(x: Tensor, options?: AllOptions): number;
/** Sum along `axis`. */
export function sum(x: Tensor, options: AxisOptions): Tensor;
/** Sum along `axis`. */
export function sum(x: Tensor, options: ReduceOptions): Tensor | number;
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor | number {
  const p = plan("sum", x, options);
  const acc = new Float64Array(p.outer * p.inner);
  sumInto(x.data, p, acc);
  const out = allocate(x.dtype, acc.length);
  out.set(acc);
  return finish(p, out, options);
}

/** Mean along `axis` (NaN for an empty axis, as NumPy), like `np.mean`. */
export function mean(x: Tensor, options?: AllOptions): number;
/** Mean along `axis`. */
export function mean(x: Tensor, options: AxisOptions): Tensor;
/** Mean along `axis`. */
export function mean(x: Tensor, options: ReduceOptions): Tensor | number;
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor | number {
  const p = plan("mean", x, options);
  const acc = new Float64Array(p.outer * p.inner);
  sumInto(x.data, p, acc);
  const out = allocate(x.dtype, acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = acc[i] / p.n;
  return finish(p, out, options);
}

/** Standard deviation with ddof 0 (two passes: mean, then mean squared deviation), like `np.std`. */
export function std(x: Tensor, options?: AllOptions): number;
/** Standard deviation along `axis`. */
export function std(x: Tensor, options: AxisOptions): Tensor;
/** Standard deviation along `axis`. */
export function std(x: Tensor, options: ReduceOptions): Tensor | number;
export function std(x: Tensor, options: ReduceOptions = {}): Tensor | number {
  const p = plan("std", x, options);
  const { outer, n, inner } = p;
  const mu = new Float64Array(outer * inner);
  sumInto(x.data, p, mu);
  for (let i = 0; i < mu.length; i++) mu[i] /= n;
  // As NumPy: the squared deviations are materialised, then reduced exactly like sum().
  const d = x.data;
  const dev2 = new Float64Array(d.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const row = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) {
        const dev = d[row + i] - mu[o * inner + i];
        dev2[row + i] = dev * dev;
      }
    }
  }
  const sq = new Float64Array(outer * inner);
  sumInto(dev2, p, sq);
  const out = allocate(x.dtype, sq.length);
  for (let i = 0; i < sq.length; i++) out[i] = Math.sqrt(sq[i] / n);
  return finish(p, out, options);
}

/** Shared loop of max/min/argmax/argmin: index of the extreme per output cell (first wins; NaN wins). */
function extremeIndex(op: string, x: Tensor, p: Plan, greaterWins: boolean): Int32Array {
  if (p.n === 0) {
    throw new RangeError(
      `${op}: attempt to get ${op} of an empty sequence (shape ${shapeStr(x.shape)})`,
    );
  }
  const { outer, n, inner } = p;
  const d = x.data;
  const idx = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = d[base], bi = 0;
      if (best === best) {
        for (let j = 1; j < n; j++) {
          const v = d[base + j * inner];
          if (v !== v) { // NaN propagates, as in NumPy: the first NaN is the answer.
            bi = j;
            break;
          }
          if (greaterWins ? v > best : v < best) {
            best = v;
            bi = j;
          }
        }
      }
      idx[o * inner + i] = bi;
    }
  }
  return idx;
}

function extremeValue(
  op: string,
  x: Tensor,
  options: ReduceOptions,
  greaterWins: boolean,
): Tensor | number {
  const p = plan(op, x, options);
  const idx = extremeIndex(op, x, p, greaterWins);
  const out = allocate(x.dtype, idx.length);
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      const k = o * p.inner + i;
      out[k] = x.data[(o * p.n + idx[k]) * p.inner + i];
    }
  }
  return finish(p, out, options);
}

/** Maximum along `axis` (NaN propagates), like `np.max`. */
export function max(x: Tensor, options?: AllOptions): number;
/** Maximum along `axis`. */
export function max(x: Tensor, options: AxisOptions): Tensor;
/** Maximum along `axis`. */
export function max(x: Tensor, options: ReduceOptions): Tensor | number;
export function max(x: Tensor, options: ReduceOptions = {}): Tensor | number {
  return extremeValue("max", x, options, true);
}

/** Minimum along `axis` (NaN propagates), like `np.min`. */
export function min(x: Tensor, options?: AllOptions): number;
/** Minimum along `axis`. */
export function min(x: Tensor, options: AxisOptions): Tensor;
/** Minimum along `axis`. */
export function min(x: Tensor, options: ReduceOptions): Tensor | number;
export function min(x: Tensor, options: ReduceOptions = {}): Tensor | number {
  return extremeValue("min", x, options, false);
}

/** Options of `argmax`/`argmin`. */
export interface ArgOptions {
  /** Axis to search; the flat index over all elements when omitted. */
  axis?: number;
}

/**
 * Index of the maximum (first one on ties), like `np.argmax`: a number without `axis`, otherwise an
 * Int32Array laid out like the input's shape with the axis removed (row-major).
 */
export function argmax(x: Tensor): number;
/** Indices of the maxima along `axis`. */
export function argmax(x: Tensor, options: { axis: number }): Int32Array;
/** Indices of the maxima along `axis`. */
export function argmax(x: Tensor, options: ArgOptions): Int32Array | number;
export function argmax(x: Tensor, options: ArgOptions = {}): Int32Array | number {
  const idx = extremeIndex("argmax", x, plan("argmax", x, { axis: options.axis }), true);
  return options.axis === undefined ? idx[0] : idx;
}

/** Index of the minimum (first one on ties), like `np.argmin`; see {@link argmax} for the layout. */
export function argmin(x: Tensor): number;
/** Indices of the minima along `axis`. */
export function argmin(x: Tensor, options: { axis: number }): Int32Array;
/** Indices of the minima along `axis`. */
export function argmin(x: Tensor, options: ArgOptions): Int32Array | number;
export function argmin(x: Tensor, options: ArgOptions = {}): Int32Array | number {
  const idx = extremeIndex("argmin", x, plan("argmin", x, { axis: options.axis }), false);
  return options.axis === undefined ? idx[0] : idx;
}
