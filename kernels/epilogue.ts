/**
 * The last step of a gemm whose product was computed elsewhere (ONNX Runtime): `C = alpha * Y + beta * C`.
 *
 * The ONNX graphs compute only `Y = op(A) @ op(B)`. Folding alpha and beta into the copy of `Y` into `C`
 * costs nothing extra (the copy is needed anyway), keeps one session per (dtype, transA, transB) instead
 * of one per alpha/beta pair, and spares sending the old `C` to the runtime.
 *
 * @module
 */
import type { FloatArray } from "./types.ts";

/**
 * Writes `c[i] = alpha * y[i] + beta * c[i]` for `i < size`.
 * `beta = 0` overwrites, so a NaN or Infinity in the old C does not leak into the result (BLAS semantics).
 */
export function storeScaled(
  y: FloatArray,
  c: FloatArray,
  options: { size: number; alpha: number; beta: number },
): void {
  const { size, alpha, beta } = options;
  if (beta === 0) {
    if (alpha === 1 && y.constructor === c.constructor) {
      c.set(y.subarray(0, size)); // a memcpy
    } else {
      for (let i = 0; i < size; i++) c[i] = alpha * y[i];
    }
  } else if (alpha === 1 && beta === 1) {
    for (let i = 0; i < size; i++) c[i] += y[i];
  } else {
    for (let i = 0; i < size; i++) c[i] = alpha * y[i] + beta * c[i];
  }
}

/** `C = beta * C` for the products with nothing to multiply (k = 0 or alpha = 0); beta = 0 overwrites. */
export function scaleInPlace(c: FloatArray, size: number, beta: number): void {
  if (beta === 0) c.fill(0, 0, size);
  else if (beta !== 1) {
    for (let i = 0; i < size; i++) c[i] *= beta;
  }
}
