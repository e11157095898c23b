/**
 * Indexing: row `slice`, row `take`, paired-index `gather`/`scatterAdd`, and `oneHot`.
 *
 * @module
 */
import { allocate, type DType, shapeSize, shapeStr, Tensor } from "./tensor.ts";

/** Integer index arrays accepted by the indexing functions. */
export type IndexArray = Int32Array | Uint8Array | Uint16Array | Uint32Array | readonly number[];

function rowSize(x: Tensor): number {
  return shapeSize(x.shape.slice(1));
}

function checkIndex(op: string, i: number, n: number, what: string): number {
  const j = i < 0 ? i + n : i;
  if (!Number.isInteger(j) || j < 0 || j >= n) {
    throw new RangeError(`${op}: index ${i} is out of bounds for ${what} with size ${n}`);
  }
  return j;
}

/**
 * Rows `start` (inclusive) to `end` (exclusive) of the first axis, like `x[start:end]`; copies.
 * Bounds are clamped and negative values count from the end, as in Python slicing.
 */
export function slice(x: Tensor, start: number, end?: number): Tensor {
  if (x.ndim === 0) throw new RangeError("slice: cannot slice a 0-d tensor");
  const n = x.shape[0];
  const clamp = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const s = clamp(start), e = Math.max(s, clamp(end ?? n));
  const r = rowSize(x);
  return new Tensor(x.data.slice(s * r, e * r), [e - s, ...x.shape.slice(1)]);
}

/** The rows at `indices` (in that order, repeats allowed), like `x[indices]`. */
export function take(x: Tensor, indices: IndexArray): Tensor {
  if (x.ndim === 0) throw new RangeError("take: cannot index rows of a 0-d tensor");
  const n = x.shape[0], r = rowSize(x);
  const out = allocate(x.dtype, indices.length * r);
  for (let i = 0; i < indices.length; i++) {
    const row = checkIndex("take", indices[i], n, `axis 0 of shape ${shapeStr(x.shape)}`);
    out.set(x.data.subarray(row * r, row * r + r), i * r);
  }
  return new Tensor(out, [indices.length, ...x.shape.slice(1)]);
}

function checkPairs(op: string, x: Tensor, rows: IndexArray, cols: IndexArray): void {
  if (x.ndim !== 2) {
    throw new RangeError(`${op}: expected a 2-D tensor, got shape ${shapeStr(x.shape)}`);
  }
  if (rows.length !== cols.length) {
    throw new RangeError(
      `${op}: row and column index arrays differ in length (${rows.length} vs ${cols.length})`,
    );
  }
}

/** The elements `x[rows[i], cols[i]]`, like NumPy's `x[rows, cols]`: a 1-D tensor. */
export function gather(x: Tensor, rows: IndexArray, cols: IndexArray): Tensor {
  checkPairs("gather", x, rows, cols);
  const [n, m] = x.shape;
  const out = allocate(x.dtype, rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = checkIndex("gather", rows[i], n, "axis 0");
    const c = checkIndex("gather", cols[i], m, "axis 1");
    out[i] = x.data[r * m + c];
  }
  return new Tensor(out, [rows.length]);
}

/**
 * A copy of `x` with `values` added at `(rows[i], cols[i])` (repeated pairs accumulate, like
 * `np.add.at`). `values` is a number or one value per pair. The softmax gradient idiom
 * `P[y, range(m)] -= 1` is `scatterAdd(P, y, range, -1)`.
 */
export function scatterAdd(
  x: Tensor,
  rows: IndexArray,
  cols: IndexArray,
  values: number | Tensor | ArrayLike<number>,
): Tensor {
  checkPairs("scatterAdd", x, rows, cols);
  const vals = values instanceof Tensor ? values.data : values;
  if (typeof vals !== "number" && vals.length !== rows.length) {
    throw new RangeError(
      `scatterAdd: ${vals.length} values for ${rows.length} index pairs`,
    );
  }
  const [n, m] = x.shape;
  const out = x.data.slice();
  for (let i = 0; i < rows.length; i++) {
    const r = checkIndex("scatterAdd", rows[i], n, "axis 0");
    const c = checkIndex("scatterAdd", cols[i], m, "axis 1");
    out[r * m + c] += typeof vals === "number" ? vals : vals[i];
  }
  return new Tensor(out, x.shape);
}

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** Element type (default float64). */
  dtype?: DType;
}

/**
 * One-hot rows: `[labels.length, numClasses]` with a 1 at each label.
 * @throws RangeError when a label is not an integer in `[0, numClasses)`.
 */
export function oneHot(
  labels: IndexArray | Tensor,
  numClasses: number,
  options: OneHotOptions = {},
): Tensor {
  const ys = labels instanceof Tensor ? labels.data : labels;
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  }
  const out = allocate(options.dtype ?? "float64", ys.length * numClasses);
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new RangeError(`oneHot: label ${y} at position ${i} is not in [0, ${numClasses})`);
    }
    out[i * numClasses + y] = 1;
  }
  return new Tensor(out, [ys.length, numClasses]);
}
