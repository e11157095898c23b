/**
 * Compute kernels for `lib/`: the gemm interface, the backends and the registry that selects one.
 *
 * Backends: `js` (pure TypeScript, always there), `blas` (native CBLAS through `Deno.dlopen`),
 * `ort-node` (onnxruntime-node), `ort-wasm` and `ort-webgpu` (onnxruntime-web in a worker behind a
 * synchronous bridge), and `auto` (the default: each product goes to the backend measured fastest for
 * its dtype and size; see `calibrate()`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { gemm, getBackend, setBackend } from "@dlfs/deno-dl/kernels";
 *
 * setBackend("js"); // or "blas", "ort-node", ...: listBackends() says which load here
 * assert.equal(getBackend().name, "js");
 * // C = A @ B, row-major, with A = [[1, 2], [3, 4]] and B = [[0, 1], [1, 0]]
 * const c = new Float64Array(4);
 * const [a, b] = [Float64Array.of(1, 2, 3, 4), Float64Array.of(0, 1, 1, 0)];
 * gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, b, beta: 0, c });
 * assert.deepEqual([...c], [2, 1, 4, 3]);
 * setBackend("auto"); // the default
 * ```
 *
 * @module
 */
export type {
  Backend,
  BackendFactory,
  BackendInfo,
  FloatArray,
  GemmCall,
  KernelDType,
} from "./types.ts";
export { dtypeOf, validateGemm } from "./types.ts";
export { jsBackend, jsGemm } from "./js_gemm.ts";
export {
  BACKEND_ENV_VAR,
  gemm,
  getBackend,
  getCalibration,
  listBackends,
  registerBackend,
  setBackend,
  setCalibration,
  setSmallWorkThreshold,
  smallWorkThreshold,
  tryBackend,
} from "./registry.ts";
export type { BackendResolver, CalibrationTable } from "./auto.ts";
export { autoChoice, nearestPoint, rankAt, smallWorkFromTable } from "./auto.ts";
export type { CalibrateOptions, FirstUseOptions, GemmShape, MeasureOptions } from "./calibrate.ts";
export {
  calibrate,
  calibrateForThisMachine,
  CALIBRATION_ENV_VAR,
  CALIBRATION_SIZES,
  calibrationCacheDir,
  calibrationKey,
  FIRST_USE_SIZES,
  gflops,
  machineDescription,
  measureGemm,
} from "./calibrate.ts";
export type { BlasBackend } from "./blas.ts";
export { BLAS_ENV_VAR, blasCandidates, createBlasBackend } from "./blas.ts";
export { blasThreads, setBlasThreads } from "./blas_threads.ts";
export type { OrtNodeOptions } from "./ort_node.ts";
export { createOrtNodeBackend } from "./ort_node.ts";
export type { BridgeBackend, OrtBridgeOptions } from "./ort_bridge.ts";
export { createOrtBridgeBackend } from "./ort_bridge.ts";
export type { OrtProvider } from "./ort_protocol.ts";
export { WEBGPU_FALLBACK_ENV_VAR } from "./ort_protocol.ts";
export { createOrtWebGpuBackend, noGpuReason } from "./ort_webgpu.ts";
export { gemmModel } from "./onnx_gemm_model.ts";
export type { GemmModelOptions } from "./onnx_gemm_model.ts";
