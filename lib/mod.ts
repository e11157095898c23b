/**
 * Deep learning from scratch in Deno: the public API.
 *
 * ```ts
 * import { defaultRng, Linear, ReLU, Sequential, tensor } from "./lib/mod.ts";
 * ```
 *
 * @module
 */
export * from "./tensor/mod.ts";
export {
  type Backend,
  type BackendInfo,
  getBackend,
  listBackends,
  setBackend,
} from "../kernels/mod.ts";
export * from "./data/mod.ts";
export * from "./plot/mod.ts";
