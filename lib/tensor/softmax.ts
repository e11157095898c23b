/**
 * Softmax, log-softmax and log-sum-exp along an axis: the one implementation that the activation
 * layers, the losses and user code share (SciPy's `scipy.special.softmax` and `logsumexp`).
 *
 * All three subtract the maximum first, so `exp` cannot overflow, and sum the exponentials in
 * order in double precision. The low-level `...Into` functions work on an (outer, n, inner) layout:
 * `outer` blocks of `n` entries spaced `inner` apart (the axis is the middle index).
 *
 * @module
 */
import { allocate, normalizeAxis, Tensor } from "./tensor.ts";

/** Options of {@link softmax}, {@link logSoftmax} and {@link logSumExp}. */
export interface SoftmaxAxisOptions {
  /** The axis to normalize or reduce over (default -1, the last). */
  axis?: number;
}

/** A shape split around an axis: `outer` blocks of `n` entries spaced `inner` apart. */
export interface AxisLayout {
  /** Product of the dimensions before the axis. */
  outer: number;
  /** Length of the axis. */
  n: number;
  /** Product of the dimensions after the axis. */
  inner: number;
}

/** Splits a shape around `axis` (negative counts from the end); `op` names the caller in errors. */
export function axisLayout(op: string, shape: readonly number[], axis: number): AxisLayout {
  const a = normalizeAxis(op, axis, shape);
  let outer = 1, inner = 1;
  for (let d = 0; d < a; d++) outer *= shape[d];
  for (let d = a + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, n: shape[a], inner };
}

/**
 * Writes `exp(x - max) / sum(exp(x - max))` of every slice into `y` (the division element by
 * element, as NumPy and SciPy do). With `logSumExp`, also writes each slice's
 * `max + log(sum(exp(x - max)))` there (index `o * inner + i`): the same exponentials serve both, so
 * a softmax cross-entropy needs one `exp` per logit.
 */
export function softmaxInto(
  x: ArrayLike<number>,
  y: { [i: number]: number },
  outer: number,
  n: number,
  inner: number,
  logSumExp?: { [i: number]: number },
): void {
  if (inner === 1) return softmaxRowsInto(x, y, outer, n, logSumExp);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let j = 0; j < n; j++) if (x[base + j * inner] > max) max = x[base + j * inner];
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(x[base + j * inner] - max);
        y[base + j * inner] = e;
        sum += e;
      }
      for (let j = 0; j < n; j++) y[base + j * inner] /= sum;
      if (logSumExp) logSumExp[o * inner + i] = max + Math.log(sum);
    }
  }
}

/** {@link softmaxInto} over contiguous rows (the last axis): the same arithmetic, plainer indexing. */
function softmaxRowsInto(
  x: ArrayLike<number>,
  y: { [i: number]: number },
  rows: number,
  n: number,
  logSumExp?: { [i: number]: number },
): void {
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    const end = base + n;
    let max = -Infinity;
    for (let j = base; j < end; j++) if (x[j] > max) max = x[j];
    let sum = 0;
    for (let j = base; j < end; j++) {
      const e = Math.exp(x[j] - max);
      y[j] = e;
      sum += e;
    }
    for (let j = base; j < end; j++) y[j] /= sum;
    if (logSumExp) logSumExp[r] = max + Math.log(sum);
  }
}

/** Writes `x - max - log(sum(exp(x - max)))` of every slice into `y`: log-probabilities. */
export function logSoftmaxInto(
  x: ArrayLike<number>,
  y: { [i: number]: number },
  outer: number,
  n: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      for (let j = 0; j < n; j++) if (x[base + j * inner] > max) max = x[base + j * inner];
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(x[base + j * inner] - max);
      const shift = max + Math.log(sum);
      for (let j = 0; j < n; j++) y[base + j * inner] = x[base + j * inner] - shift;
    }
  }
}

/**
 * Probabilities along an axis, like `scipy.special.softmax(x, axis=-1)`; same shape and dtype.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { logSumExp, softmax, tensor } from "@dlfs/deno-dl/tensor";
 *
 * const p = softmax(tensor([[1, 2, 3]]));
 * assert.deepEqual([...p.data].map((v) => v.toFixed(8)), ["0.09003057", "0.24472847", "0.66524096"]);
 * assert.equal(logSumExp(tensor([1000, 1000])).item(), 1000 + Math.log(2)); // no overflow
 * ```
 */
export function softmax(x: Tensor, options: SoftmaxAxisOptions = {}): Tensor {
  const { outer, n, inner } = axisLayout("softmax", x.shape, options.axis ?? -1);
  const y = allocate(x.dtype, x.size);
  softmaxInto(x.data, y, outer, n, inner);
  return new Tensor(y, x.shape);
}

/** Log-probabilities along an axis, like `scipy.special.log_softmax(x, axis=-1)`. */
export function logSoftmax(x: Tensor, options: SoftmaxAxisOptions = {}): Tensor {
  const { outer, n, inner } = axisLayout("logSoftmax", x.shape, options.axis ?? -1);
  const y = allocate(x.dtype, x.size);
  logSoftmaxInto(x.data, y, outer, n, inner);
  return new Tensor(y, x.shape);
}

/**
 * `log(sum(exp(x)))` along an axis without overflow, like `scipy.special.logsumexp(x, axis=-1)`:
 * the axis is removed from the shape.
 */
export function logSumExp(x: Tensor, options: SoftmaxAxisOptions = {}): Tensor {
  const axis = options.axis ?? -1;
  const { outer, n, inner } = axisLayout("logSumExp", x.shape, axis);
  const out = allocate(x.dtype, outer * inner);
  softmaxInto(x.data, allocate(x.dtype, x.size), outer, n, inner, out);
  const a = normalizeAxis("logSumExp", axis, x.shape);
  return new Tensor(out, x.shape.filter((_, d) => d !== a));
}
