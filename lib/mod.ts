/**
 * Deep learning from scratch in Deno: the public API.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultRng, Linear, ones, ReLU, Sequential, Sigmoid } from "@dlfs/deno-dl";
 *
 * const rng = defaultRng(12345);
 * const net = new Sequential([
 *   new Linear(64, 32, { rng }), new ReLU(), new Linear(32, 1, { rng }), new Sigmoid(),
 * ]);
 * const p = net.forward(ones([2, 64]));
 * assert.deepEqual(p.shape, [2, 1]);
 * assert.ok(p.data[0] > 0 && p.data[0] < 1); // a probability
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
