/**
 * Matrix products through the kernel registry (`kernels/`), so the selected backend does the work.
 *
 * A loop that multiplies matrices of the same shape again and again (a training step) can pass the
 * result's tensor back in as `out`, like NumPy's `np.matmul(a, b, out=c)`: the product is written
 * into memory that is already mapped, and nothing is allocated.
 *
 * @module
 */
import { type Backend, gemm, getBackend, tryBackend } from "../../kernels/mod.ts";
import { allocate, shapeStr, Tensor } from "./tensor.ts";
import { astype } from "./creation.ts";
import { addRowInto } from "./typed_loops.ts";

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use `a` transposed (no copy is made). */
  transA?: boolean;
  /** Use `b` transposed (no copy is made). */
  transB?: boolean;
  /**
   * Write the product into this tensor and return it, like NumPy's `out=`: it must have the
   * result's shape and dtype and must not share memory with `a` or `b`.
   */
  out?: Tensor;
}

/**
 * The matrix product `op(a) @ op(b)` of two 2-D tensors, like `a @ b` in NumPy.
 * A 1-D `b` is treated as a column and the result is 1-D, as NumPy does for `matrix @ vector`.
 * Mixed dtypes compute in float64.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmul, tensor } from "@dlfs/deno-dl/tensor";
 *
 * const x = tensor([[1, 2], [3, 4]]), w = tensor([[1, 0], [0, 2]]);
 * const c = matmul(x, w); // a new tensor
 * assert.deepEqual(c.toArray(), [[1, 4], [3, 8]]);
 * matmul(x, w, { out: c, transB: true }); // x @ w.T written into c: nothing allocated
 * assert.deepEqual(c.toArray(), [[1, 4], [3, 8]]);
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transA = false, transB = false, out } = options;
  const vector = b.ndim === 1 && !transB;
  const bShape = vector ? [b.size, 1] : b.shape;
  if (a.ndim !== 2 || bShape.length !== 2) {
    throw new RangeError(
      `matmul: expected 2-D tensors, got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`,
    );
  }
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [bShape[1], bShape[0]] : [bShape[0], bShape[1]];
  if (k !== kb) {
    throw new RangeError(
      `matmul: cannot multiply shapes ${shapeStr(a.shape)}${transA ? "ᵀ" : ""} and ${
        shapeStr(b.shape)
      }${transB ? "ᵀ" : ""}: inner dimensions ${k} and ${kb} do not align`,
    );
  }
  const dtype = a.dtype === "float32" && b.dtype === "float32" ? "float32" : "float64";
  const ad = a.dtype === dtype ? a : astype(a, dtype);
  const bd = b.dtype === dtype ? b : astype(b, dtype);
  const shape = vector ? [m] : [m, n];
  if (out) checkOut(out, shape, dtype, ad, bd);
  const c = out ? out.data : allocate(dtype, m * n);
  // A new array is +0 throughout, so the backend need not clear it first (`cZeroed`).
  gemm({ transA, transB, m, n, k, alpha: 1, a: ad.data, b: bd.data, beta: 0, c, cZeroed: !out });
  return out ?? new Tensor(c, shape);
}

/** Throws unless `out` can hold the product: its shape and dtype, no memory shared with a or b. */
function checkOut(out: Tensor, shape: number[], dtype: string, a: Tensor, b: Tensor): void {
  if (
    out.dtype !== dtype || out.ndim !== shape.length || out.shape.some((d, i) => d !== shape[i])
  ) {
    throw new RangeError(
      `matmul: out has shape ${shapeStr(out.shape)} and dtype ${out.dtype}, but the product has ` +
        `shape ${shapeStr(shape)} and dtype ${dtype}`,
    );
  }
  if (overlaps(out.data, a.data) || overlaps(out.data, b.data)) {
    throw new RangeError("matmul: out shares memory with an operand; gemm cannot work in place");
  }
}

/** Whether two typed arrays view overlapping bytes of one buffer. */
export function overlaps(x: ArrayBufferView, y: ArrayBufferView): boolean {
  if (x.buffer !== y.buffer) return false;
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}

/** Rows times columns from which {@link addRowInPlace} hands the sum to the native BLAS. */
const NATIVE_ROW_ADD_MIN = 1 << 16;

/** The native BLAS when the selected backend is `blas` or `auto` and it loads; else null. */
function nativeBlas(): Backend | null {
  const name = getBackend().name;
  return name === "blas" || name === "auto" ? tryBackend("blas") ?? null : null;
}

/** Kept columns of ones per element type (grown to the largest batch seen). */
let ones32 = new Float32Array(0), ones64 = new Float64Array(0);

/** At least `rows` ones of the element type of `like`. */
function ones(like: Float32Array | Float64Array, rows: number): Float32Array | Float64Array {
  if (like instanceof Float32Array) {
    if (ones32.length < rows) ones32 = new Float32Array(rows).fill(1);
    return ones32.subarray(0, rows);
  }
  if (ones64.length < rows) ones64 = new Float64Array(rows).fill(1);
  return ones64.subarray(0, rows);
}

/**
 * Whether {@link addRowInPlace} would hand this sum to the native BLAS: a large sum, one element
 * type, a BLAS that loads under the selected backend, and no -0 in `row` (see there).
 */
export function addsRowNatively(
  y: Float32Array | Float64Array,
  row: Float32Array | Float64Array,
  rows: number,
): boolean {
  return rowAdder(y, row, rows) !== null;
}

/** The BLAS that {@link addRowInPlace} hands this sum to, or null for the loop. */
function rowAdder(
  y: Float32Array | Float64Array,
  row: Float32Array | Float64Array,
  rows: number,
): Backend | null {
  if (rows * row.length < NATIVE_ROW_ADD_MIN || y.constructor !== row.constructor) return null;
  return hasNegativeZero(row) ? null : nativeBlas();
}

/**
 * `y[r, :] += row` for each of the `rows` rows of the row-major `y` ([rows, row.length]; `row` of
 * the same element type), in place:
 * a bias added to a layer's output.
 *
 * Large sums go to the native BLAS as a rank-1 update, `y = 1 * ones[rows, 1] @ row[1, n] + 1 * y`:
 * with an inner dimension of 1 each element is `y + 1 * row[j]`, rounded once, the same bits as
 * `y[i] + row[j]` in a loop, but vectorised and on OpenBLAS's threads (60000 x 128 float32: 1.6 ms
 * instead of 4.4 ms). The one exception to equal bits would be a -0 in `row`: the kernel's
 * accumulator starts at +0, so `-0 + -0` would come out +0; such a row takes the loop.
 */
export function addRowInPlace(
  y: Float32Array | Float64Array,
  row: Float32Array | Float64Array,
  rows: number,
): void {
  const n = row.length;
  const blas = rowAdder(y, row, rows);
  if (blas) {
    const a = ones(y, rows);
    blas.gemm({
      transA: false,
      transB: false,
      m: rows,
      n,
      k: 1,
      alpha: 1,
      a,
      b: row,
      beta: 1,
      c: y,
    });
    return;
  }
  addRowInto(y, y, row, rows); // the loop, compiled per element type
}

/** Whether `v` holds a negative zero. */
function hasNegativeZero(v: Float32Array | Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] === 0 && 1 / v[i] < 0) return true;
  return false;
}
