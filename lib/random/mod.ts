/**
 * NumPy-compatible random numbers, bit for bit.
 *
 * - `defaultRng(seed)` → `Generator` (PCG64 seeded through `SeedSequence`), as
 *   `np.random.default_rng(seed)`; `new Generator(bitSource)` on any bit generator, as
 *   `np.random.Generator(bit_generator)` (`MT19937.fromSeedSequence(seed)` is NumPy's
 *   `np.random.MT19937(seed)`).
 * - `RandomState(seed)` (MT19937), as `np.random.RandomState(seed)`, and the module-level legacy
 *   functions `seed`, `rand`, `randn`, `randint`, `shuffle`, `permutation`, `choice`, ... sharing
 *   one `RandomState`, as `np.random.*`.
 *
 * Float arrays come back as float64 `Tensor`s, integer arrays as flat row-major `Int32Array`s
 * (`BigInt64Array` when the range does not fit in int32), single draws as numbers.
 *
 * @module
 */

import { Generator } from "./generator.ts";
import type { SeedLike, SeedSequence } from "./seed_sequence.ts";

export { Generator } from "./generator.ts";
export type { BitSource } from "./bit_source.ts";
export type { IntegersOptions, SizedIntegersOptions } from "./integers.ts";
export { RandomState } from "./random_state.ts";
export type { LegacySeed, RandintOptions, SizedRandintOptions } from "./random_state.ts";
export { PCG64 } from "./pcg64.ts";
export type { PCG64State } from "./pcg64.ts";
export { MT19937 } from "./mt19937.ts";
export type { MT19937State } from "./mt19937.ts";
export { SeedSequence } from "./seed_sequence.ts";
export type { SeedLike } from "./seed_sequence.ts";
export type { ChoiceOptions, Shuffleable, Size } from "./common.ts";
export {
  choice,
  getState,
  globalRandomState,
  normal,
  permutation,
  rand,
  randint,
  randn,
  random,
  randomSample,
  seed,
  setState,
  shuffle,
  standardNormal,
  uniform,
} from "./legacy.ts";

/** `np.random.default_rng(seed)`: a `Generator` on PCG64 (no seed: OS entropy). */
export function defaultRng(seed?: SeedLike | SeedSequence): Generator {
  return new Generator(seed);
}
