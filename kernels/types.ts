/**
 * The contract every compute backend fulfils.
 *
 * Matrices are contiguous and row-major. `gemm` computes
 * `C = alpha * op(A) @ op(B) + beta * C` where `op(X)` is `X` or its transpose,
 * `op(A)` is `m x k`, `op(B)` is `k x n` and `C` is `m x n`.
 *
 * @module
 */

/** The floating-point arrays a kernel accepts. */
export type FloatArray = Float32Array | Float64Array;

/** Element type of a kernel call. */
export type KernelDType = "float32" | "float64";

/** Arguments of one matrix product, BLAS-style but with implicit (contiguous) leading dimensions. */
export interface GemmCall {
  /** Read `A` as its transpose: `A` is stored `k x m`. */
  transA: boolean;
  /** Read `B` as its transpose: `B` is stored `n x k`. */
  transB: boolean;
  /** Rows of `op(A)` and of `C`. */
  m: number;
  /** Columns of `op(B)` and of `C`. */
  n: number;
  /** Columns of `op(A)`, rows of `op(B)`. */
  k: number;
  /** Scale of the product. */
  alpha: number;
  /** Left operand, `m*k` elements. */
  a: FloatArray;
  /** Right operand, `k*n` elements. */
  b: FloatArray;
  /** Scale of the existing `C`; `0` ignores C's old contents (even NaN), as BLAS does. */
  beta: number;
  /** Output, `m*n` elements, same element type as `a` and `b`. */
  c: FloatArray;
  /**
   * The caller promises that `C` holds +0 in every element (a freshly allocated array). With
   * `beta = 0`, a backend whose product is added into `C` may then skip clearing it (BLAS clears
   * `C` in a pass of its own before the product) where that gives the same bits: one pass over
   * `C` fewer (`blas` does so when alpha is 1, `js` always).
   */
  cZeroed?: boolean;
}

/** A compute backend. */
export interface Backend {
  /** Registry name, e.g. `"js"` or `"blas"`. */
  readonly name: string;
  /** Whether this backend computes in the given element type. */
  supports(dtype: KernelDType): boolean;
  /** Runs one matrix product synchronously (see {@link GemmCall}). */
  gemm(call: GemmCall): void;
}

/** How a backend is made: `create` throws an Error whose message says why it is unavailable. */
export interface BackendFactory {
  /** Registry name. */
  readonly name: string;
  /** One line for `listBackends()`. */
  readonly description: string;
  /** Builds the backend (may load libraries or start workers); throws when unavailable. */
  create(): Backend;
}

/** What `listBackends()` reports about one backend. */
export interface BackendInfo {
  /** Registry name. */
  name: string;
  /** One-line description. */
  description: string;
  /** Whether it loaded. */
  available: boolean;
  /** Why it is unavailable (absent when available). */
  reason?: string;
  /** Whether it is the selected backend. */
  selected: boolean;
}

/** The dtype of a kernel array. */
export function dtypeOf(x: FloatArray): KernelDType {
  return x instanceof Float32Array ? "float32" : "float64";
}

/**
 * The element type of an operand, or a TypeError naming it: a kernel given any other typed array
 * (a Uint8Array of image bytes, say) would read its bytes as floats, and native code past its end.
 */
function operandType(op: string, name: string, x: unknown): KernelDType {
  if (x instanceof Float64Array) return "float64";
  if (x instanceof Float32Array) return "float32";
  const what = ArrayBuffer.isView(x) ? x.constructor.name : x === null ? "null" : typeof x;
  throw new TypeError(
    `${op}: ${name} is a ${what}; kernels take Float32Array or Float64Array ` +
      `(convert first, e.g. Float64Array.from(x))`,
  );
}

/**
 * Checks the sizes and element types of a gemm call and throws a message naming them.
 * The dispatcher and every backend call this before touching memory (O(1): no element is read).
 */
export function validateGemm(call: GemmCall): void {
  const { m, n, k, a, b, c } = call;
  const dt = operandType("gemm", "C", c);
  const ta = operandType("gemm", "A", a), tb = operandType("gemm", "B", b);
  for (const [name, v] of [["m", m], ["n", n], ["k", k]] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`gemm: ${name} must be a non-negative integer, got ${v}`);
    }
    // BLAS takes 32-bit sizes: a larger one would wrap around in native code.
    if (v > 2 ** 31 - 1) {
      throw new RangeError(`gemm: ${name} = ${v} is too large: sizes are at most 2^31 - 1`);
    }
  }
  if (a.length < m * k) {
    throw new RangeError(`gemm: A has ${a.length} elements, needs m*k = ${m}*${k} = ${m * k}`);
  }
  if (b.length < k * n) {
    throw new RangeError(`gemm: B has ${b.length} elements, needs k*n = ${k}*${n} = ${k * n}`);
  }
  if (c.length < m * n) {
    throw new RangeError(`gemm: C has ${c.length} elements, needs m*n = ${m}*${n} = ${m * n}`);
  }
  if (ta !== dt || tb !== dt) {
    throw new TypeError(`gemm: mixed element types A ${ta}, B ${tb}, C ${dt}; convert first`);
  }
  for (const [name, v] of [["alpha", call.alpha], ["beta", call.beta]] as const) {
    if (typeof v !== "number") {
      throw new TypeError(`gemm: ${name} must be a number, got ${typeof v}`);
    }
  }
}
