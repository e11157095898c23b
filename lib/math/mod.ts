/**
 * Scalar floating-point helpers that reproduce C's last bit: an exact fused multiply-add and
 * glibc's `log`/`log1p`. They live below every other area (they import nothing), so the random
 * generators and the reference float64 products of the synthetic data can share them.
 *
 * ```ts
 * import { fma, glibcLog1p } from "./lib/math/mod.ts";
 * fma(0.1, 10, -1); // 5.551115123125783e-17: the rounding error of 0.1 * 10, kept by a single rounding
 * glibcLog1p(-0.5); // -0.6931471805599453, the bits glibc's log1p returns
 * ```
 *
 * @module
 */
export { fma } from "./fma.ts";
export { glibcLog, glibcLog1p } from "./libm.ts";
