/**
 * Compute kernels for `lib/`: the gemm interface, the backends and the registry that selects one.
 *
 * ```ts
 * import { gemm, listBackends, setBackend } from "./kernels/mod.ts";
 * console.table(listBackends());
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
  gemm,
  getBackend,
  listBackends,
  registerBackend,
  setBackend,
  setSmallWorkThreshold,
} from "./registry.ts";
