/**
 * The pure-TypeScript matrix product: the reference backend, always available.
 *
 * It follows the GotoBLAS/BLIS recipe, scaled to what V8 does well:
 * 1. split `k` into blocks of `KC` and the rows of `A` into blocks of `MC`, so a block of packed `A`
 *    (MC x KC) and a panel of packed `B` stay in cache while they are reused;
 * 2. pack `op(A)` into panels of `MR` rows and `op(B)` into panels of `NR` columns, stored so the
 *    micro-kernel reads both strictly sequentially (transposes cost nothing: packing reads either layout);
 * 3. a 4x4 micro-kernel keeps 16 accumulators in registers: per step of `p` it loads 4 values of A and 4 of B
 *    and does 16 multiply-adds, where a naive loop does one load per multiply-add.
 * Packing is in float64 for both dtypes, so float32 products are accumulated in double precision.
 *
 * @module
 */
import type { Backend, FloatArray, GemmCall } from "./types.ts";
import { validateGemm } from "./types.ts";

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 96;

// Packing buffers grow on demand and are reused across calls (no allocation per call).
let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * 1024);

/** Scales C by beta; beta = 0 overwrites (NaN in the old C must not leak through, as in BLAS). */
function scaleC(c: FloatArray, size: number, beta: number): void {
  if (beta === 1) return;
  if (beta === 0) c.fill(0, 0, size);
  else for (let i = 0; i < size; i++) c[i] *= beta;
}

/** Packs rows i0..i0+mb of alpha*op(A), columns p0..p0+kb, into MR-row panels (zero padded). */
function packPanelsA(
  a: FloatArray,
  transA: boolean,
  m: number,
  k: number,
  i0: number,
  mb: number,
  p0: number,
  kb: number,
  alpha: number,
): void {
  let o = 0;
  for (let ir = 0; ir < mb; ir += MR) {
    for (let p = 0; p < kb; p++) {
      for (let r = 0; r < MR; r++) {
        const i = i0 + ir + r;
        if (ir + r < mb) {
          // op(A)[i, p0+p] lives at A[i*k + p] or, transposed, at A[p*m + i].
          packA[o++] = alpha * (transA ? a[(p0 + p) * m + i] : a[i * k + p0 + p]);
        } else packA[o++] = 0;
      }
    }
  }
}

/** Packs columns of op(B), rows p0..p0+kb, into NR-column panels (zero padded). */
function packPanelsB(
  b: FloatArray,
  transB: boolean,
  n: number,
  k: number,
  p0: number,
  kb: number,
): void {
  let o = 0;
  for (let jr = 0; jr < n; jr += NR) {
    for (let p = 0; p < kb; p++) {
      const row = (p0 + p) * n;
      for (let s = 0; s < NR; s++) {
        const j = jr + s;
        if (j < n) packB[o++] = transB ? b[j * k + p0 + p] : b[row + j];
        else packB[o++] = 0;
      }
    }
  }
}

/** C[i0.., j0..] += packedA panel (at aOff) times packedB panel (at bOff), over kb steps. */
function microKernel(
  kb: number,
  aOff: number,
  bOff: number,
  c: FloatArray,
  cOff: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  const pa = packA;
  const pb = packB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kb; p++) {
    const a0 = pa[aOff], a1 = pa[aOff + 1], a2 = pa[aOff + 2], a3 = pa[aOff + 3];
    const b0 = pb[bOff], b1 = pb[bOff + 1], b2 = pb[bOff + 2], b3 = pb[bOff + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    aOff += 4;
    bOff += 4;
  }
  if (mr === 4 && nr === 4) {
    let o = cOff;
    c[o] += c00, c[o + 1] += c01, c[o + 2] += c02, c[o + 3] += c03;
    o += ldc;
    c[o] += c10, c[o + 1] += c11, c[o + 2] += c12, c[o + 3] += c13;
    o += ldc;
    c[o] += c20, c[o + 1] += c21, c[o + 2] += c22, c[o + 3] += c23;
    o += ldc;
    c[o] += c30, c[o + 1] += c31, c[o + 2] += c32, c[o + 3] += c33;
    return;
  }
  // Edge tile: write only the rows and columns that exist.
  const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < mr; r++) {
    for (let s = 0; s < nr; s++) c[cOff + r * ldc + s] += acc[r * 4 + s];
  }
}

/**
 * `C = alpha * op(A) @ op(B) + beta * C` in pure TypeScript (see the module doc for the method).
 * Works for Float32Array and Float64Array; all operands must share one type.
 */
export function jsGemm(call: GemmCall): void {
  validateGemm(call);
  const { transA, transB, m, n, k, alpha, a, b, beta, c } = call;
  if (!(beta === 0 && call.cZeroed === true)) scaleC(c, m * n, beta); // else C is +0 already
  if (m === 0 || n === 0 || k === 0 || alpha === 0) return;
  const nPanels = Math.ceil(n / NR) * NR;
  if (packB.length < KC * nPanels) packB = new Float64Array(KC * nPanels);
  if (packA.length < MC * KC) packA = new Float64Array(MC * KC);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kb = Math.min(KC, k - p0);
    packPanelsB(b, transB, n, k, p0, kb);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mb = Math.min(MC, m - i0);
      packPanelsA(a, transA, m, k, i0, mb, p0, kb, alpha);
      for (let jr = 0; jr < n; jr += NR) {
        const nr = Math.min(NR, n - jr);
        const bOff = jr * kb; // panel jr/NR starts at (jr/NR) * kb * NR
        for (let ir = 0; ir < mb; ir += MR) {
          const mr = Math.min(MR, mb - ir);
          microKernel(kb, ir * kb, bOff, c, (i0 + ir) * n + jr, n, mr, nr);
        }
      }
    }
  }
}

/** The `js` backend object. */
export const jsBackend: Backend = {
  name: "js",
  supports: () => true,
  gemm: jsGemm,
};
