/**
 * One float32 matrix product on the `ort-webgpu` backend, for `tests/webgpu_fallback_test.ts`,
 * which runs it in its own process with `DENO_KERNELS_WEBGPU_FALLBACK=1` (so that Deno's software
 * adapter counts): WebGPU's set-up and its exit stay out of the test runner's process.
 *
 *     DENO_KERNELS_WEBGPU_FALLBACK=1 deno run --allow-all tests/webgpu_product.ts
 *
 * Prints one JSON line: the shape, the largest difference from `js`, the largest error relative
 * to the float32 bound `2 (k + 2) eps32 sum|a b|` against a float64 loop, and the seconds taken;
 * or `{"unavailable": reason}`.
 *
 * @module
 */
import { type BridgeBackend, createOrtWebGpuBackend, jsBackend } from "../kernels/mod.ts";

const [m, n, k] = [129, 65, 33];
const t0 = performance.now();

/** Deterministic values in [-1, 1). */
function filled(size: number, seed: number): Float32Array {
  const x = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

let backend: BridgeBackend;
try {
  backend = createOrtWebGpuBackend(); // reads DENO_KERNELS_WEBGPU_FALLBACK
} catch (e) {
  console.log(JSON.stringify({ unavailable: (e as Error).message }));
  Deno.exit(0);
}
const a = filled(m * k, 1), b = filled(k * n, 2);
const c = new Float32Array(m * n).fill(NaN), viaJs = new Float32Array(m * n);
const args = { transA: false, transB: false, m, n, k, alpha: 1, a, b, beta: 0 };
backend.gemm({ ...args, c });
jsBackend.gemm({ ...args, c: viaJs });
let maxDiffJs = 0, worstRatio = 0;
for (let i = 0; i < m; i++) {
  for (let j = 0; j < n; j++) {
    let exact = 0, mag = 0;
    for (let p = 0; p < k; p++) {
      exact += a[i * k + p] * b[p * n + j];
      mag += Math.abs(a[i * k + p] * b[p * n + j]);
    }
    const got = c[i * n + j];
    maxDiffJs = Math.max(maxDiffJs, Math.abs(got - viaJs[i * n + j]));
    const ratio = Math.abs(got - exact) / (2 * (k + 2) * 2 ** -24 * mag + 1e-30);
    worstRatio = Number.isNaN(ratio) ? Infinity : Math.max(worstRatio, ratio);
  }
}
console.log(JSON.stringify({
  shape: [m, n, k],
  maxDiffJs,
  worstRatio,
  seconds: (performance.now() - t0) / 1000,
}));
backend.close();
