/**
 * Deep learning from scratch in Deno: the public API.
 *
 * ```ts
 * import { defaultRng, Linear, ReLU, Sequential, Sigmoid, tensor } from "./lib/mod.ts";
 * const rng = defaultRng(12345);
 * const net = new Sequential([new Linear(64, 32, { rng }), new ReLU(), new Linear(32, 1, { rng }), new Sigmoid()]);
 * ```
 *
 * NumPy's `np.random` module-level functions live under the `random` namespace
 * (`random.seed(0); random.randn(3)`), because names such as `normal` or `shuffle` would be ambiguous
 * at the top level; `defaultRng`, `Generator` and `RandomState` are exported directly.
 *
 * @module
 */
export * from "./tensor/mod.ts";
export * as random from "./random/mod.ts";
export {
  type BitSource,
  type ChoiceOptions,
  defaultRng,
  Generator,
  type IntegersOptions,
  type LegacySeed,
  MT19937,
  type MT19937State,
  PCG64,
  type PCG64State,
  type RandintOptions,
  RandomState,
  type SeedLike,
  SeedSequence,
  type Shuffleable,
  type Size,
  type SizedIntegersOptions,
  type SizedRandintOptions,
} from "./random/mod.ts";
export * from "./format/mod.ts";
export * from "./nn/mod.ts";
export * from "./optim/mod.ts";
export * from "./gradcheck/mod.ts";
export * from "./metrics/mod.ts";
export * from "./data/mod.ts";
export * from "./plot/mod.ts";
export * from "./onnx/mod.ts";
export { type WriteAtomicOptions, writeFileAtomic, writeFileAtomicSync } from "./files/mod.ts";
export {
  type Backend,
  type BackendInfo,
  getBackend,
  listBackends,
  setBackend,
} from "../kernels/mod.ts";
