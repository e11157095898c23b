/**
 * Scalar floating-point helpers that reproduce C's last bit: an exact fused multiply-add and
 * glibc's `log`/`log1p`. They live below every other area (they import nothing), so the random
 * generators and the reference float64 products of the synthetic data can share them.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { fma, glibcLog1p } from "@dlfs/deno-dl/math";
 *
 * // 0.1 * 10 rounds to exactly 1; the single rounding of fma keeps its error:
 * assert.equal(fma(0.1, 10, -1), 5.551115123125783e-17);
 * assert.equal(glibcLog1p(-0.5), -0.6931471805599453); // glibc's log1p(-0.5)
 * ```
 *
 * @module
 */
export { fma } from "./fma.ts";
export { glibcLog, glibcLog1p } from "./libm.ts";
