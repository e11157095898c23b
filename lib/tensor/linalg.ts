/**
 * Matrix products through the kernel registry (`kernels/`), so the selected backend does the work.
 *
 * @module
 */
import { gemm } from "../../kernels/mod.ts";
import { allocate, shapeStr, Tensor } from "./tensor.ts";
import { astype } from "./creation.ts";

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Use `a` transposed (no copy is made). */
  transA?: boolean;
  /** Use `b` transposed (no copy is made). */
  transB?: boolean;
}

/**
 * The matrix product `op(a) @ op(b)` of two 2-D tensors, like `a @ b` in NumPy.
 * A 1-D `b` is treated as a column and the result is 1-D, as NumPy does for `matrix @ vector`.
 * Mixed dtypes compute in float64.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const { transA = false, transB = false } = options;
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
  const c = allocate(dtype, m * n);
  gemm({ transA, transB, m, n, k, alpha: 1, a: ad.data, b: bd.data, beta: 0, c });
  return new Tensor(c, vector ? [m] : [m, n]);
}
