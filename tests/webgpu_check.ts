/**
 * Checks the `ort-webgpu` backend against `js` on a machine with a GPU (a CI machine has none, so
 * tests/kernels_test.ts skips it there).
 *
 *     deno run --allow-all tests/webgpu_check.ts            # needs a hardware WebGPU adapter
 *     deno run --allow-all tests/webgpu_check.ts --fallback # also accept a software one (llvmpipe)
 *
 * It prints the adapter, runs every case of the kernel tests (1x1, 1xn, nx1, 5x6x1, 7x13x5,
 * 129x65x257; all four transposes; four alpha/beta pairs, NaN in C when beta = 0) in float32 against
 * a float64 triple loop with the gemm error bound, checks that float64 falls back to `js`, times
 * the benchmark shapes, and exits with status 1 on any mismatch (2 when there is no usable GPU).
 *
 * @module
 */
import { createOrtBridgeBackend, gflops, jsBackend, measureGemm } from "../kernels/mod.ts";

const fallback = Deno.args.includes("--fallback");

interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface Adapter {
  info?: AdapterInfo;
}
const gpu = (navigator as unknown as {
  gpu?: { requestAdapter(o?: object): Promise<Adapter | null> };
}).gpu;
const adapter = gpu ? await gpu.requestAdapter({ powerPreference: "high-performance" }) : null;
console.log(`Deno ${Deno.version.deno}; navigator.gpu: ${gpu ? "present" : "absent"}`);
const info: AdapterInfo = adapter?.info ?? {};
// GPUAdapterInfo's fields are getters, which JSON.stringify skips: copy them.
const { vendor, architecture, device, description, isFallbackAdapter } = info;
console.log(
  `adapter: ${
    adapter
      ? JSON.stringify({ vendor, architecture, device, description, isFallbackAdapter })
      : "none"
  }`,
);

let backend;
try {
  backend = createOrtBridgeBackend("webgpu", { allowFallbackAdapter: fallback });
} catch (err) {
  console.log(`ort-webgpu unavailable: ${(err as Error).message}`);
  Deno.exit(2);
}

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

const SHAPES = [[1, 1, 1], [1, 37, 19], [23, 1, 17], [5, 6, 1], [7, 13, 5], [129, 65, 257]];
const SCALES = [[1, 0], [-0.5, 0], [1, 1], [0.75, -1.5]];
let failures = 0, count = 0, seed = 1;
const t0 = performance.now();
for (const [m, n, k] of SHAPES) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const [alpha, beta] of SCALES) {
        const a = filled(m * k, seed++), b = filled(k * n, seed++);
        const c0 = beta === 0 ? new Float32Array(m * n).fill(NaN) : filled(m * n, seed++);
        const c = c0.slice(), viaJs = c0.slice();
        backend.gemm({ transA, transB, m, n, k, alpha, a, b, beta, c });
        jsBackend.gemm({ transA, transB, m, n, k, alpha, a, b, beta, c: viaJs });
        // Bound: 2 (k + 2) eps32 (sum |alpha a b| + |beta c|), as in tests/kernels_test.ts.
        let worst = 0;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let mag = 0;
            for (let p = 0; p < k; p++) {
              mag += Math.abs(
                (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]),
              );
            }
            mag = Math.abs(alpha) * mag + (beta === 0 ? 0 : Math.abs(beta * c0[i * n + j]));
            const err = Math.abs(c[i * n + j] - viaJs[i * n + j]);
            const ratio = err / (2 * (k + 2) * 2 ** -24 * mag + 1e-30);
            worst = Number.isNaN(ratio) ? Infinity : Math.max(worst, ratio);
          }
        }
        count++;
        if (!(worst <= 1)) {
          failures++;
          const t = `${transA ? "T" : "N"}${transB ? "T" : "N"}`;
          console.log(
            `FAIL ${m}x${n}x${k} ${t} alpha=${alpha} beta=${beta}: error ${worst}x the bound`,
          );
        }
      }
    }
  }
}
console.log(
  `${count - failures}/${count} float32 cases match js (${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s)`,
);
if (backend.supports("float64")) {
  failures++;
  console.log("FAIL ort-webgpu claims float64 support; WebGPU has no float64");
} else {console.log(
    "float64: not supported by ort-webgpu (the dispatcher uses js for it), as expected",
  );}

console.log("\nGFLOP/s, float32 (best of runs):");
for (
  const [m, n, k] of [[64, 784, 500], [64, 500, 250], [60000, 784, 128], [512, 512, 512], [
    1024,
    1024,
    1024,
  ]]
) {
  const shape = { m, n, k };
  try {
    const s = gflops(shape, measureGemm(backend, shape, { dtype: "float32", budgetMs: 500 }));
    console.log(`  ${m}x${n}x${k}: ${s.toFixed(1)}`);
  } catch (err) {
    console.log(`  ${m}x${n}x${k}: failed: ${(err as Error).message}`);
  }
}
backend.close();
Deno.exit(failures ? 1 : 0);
