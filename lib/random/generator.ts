/**
 * `Generator`: NumPy's modern random API (`np.random.default_rng(seed)`), bit for bit, on PCG64
 * or any other bit generator of the `BitSource` shape (`np.random.Generator(bit_generator)`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultRng, Generator, MT19937 } from "@dlfs/deno-dl/random";
 *
 * const rng = defaultRng(12345);
 * assert.equal(rng.random(), 0.22733602246716966); // NumPy's default_rng(12345).random()
 * assert.deepEqual(rng.normal(0, 1, [3, 5]).shape, [3, 5]); // a float64 Tensor
 * assert.ok(rng.permutation(1797) instanceof Int32Array);
 * assert.equal(new Generator(MT19937.fromSeedSequence(42)).random(), 0.5419938930062744); // np.random.Generator(np.random.MT19937(42))
 * ```
 *
 * @module
 */

import { Tensor } from "../tensor/tensor.ts";
import { PCG64 } from "./pcg64.ts";
import { SeedSequence } from "./seed_sequence.ts";
import type { SeedLike } from "./seed_sequence.ts";
import { isBitSource, wordSource } from "./bit_source.ts";
import type { BitSource, WordSource } from "./bit_source.ts";
import { boundedUint32, fillBounded } from "./bounded.ts";
import { drawIntegers, integerArgs } from "./integers.ts";
import type { IntegersOptions, SizedIntegersOptions } from "./integers.ts";
import {
  checkProbabilities,
  cumulative,
  fillDoubles,
  permutationOf,
  permuteTensor,
  populationSize,
  searchRight,
  shapeCount,
  shuffleInPlace,
  sizeToShape,
  takeChoice,
  weightedWithoutReplacement,
} from "./common.ts";
import type { ChoiceOptions, Shuffleable, Size } from "./common.ts";
import { glibcLog1p } from "../math/mod.ts";
import { FI, KI, WI, ZIGGURAT_NOR_INV_R, ZIGGURAT_NOR_R } from "./ziggurat_tables.ts";

/** One standard normal by NumPy's 256-layer ziggurat (`random_standard_normal`). */
function ziggurat(bits: WordSource): number {
  for (;;) {
    // One 64-bit draw: low 8 bits pick the layer, bit 8 the sign, bits 9..60 the magnitude.
    const hi = bits.nextHigh();
    const lo = bits.lastLow;
    const idx = lo & 0xff;
    const rabs = (hi & 0x1fffffff) * 8388608 + (lo >>> 9);
    let x = rabs * WI[idx];
    if (lo & 0x100) x = -x;
    if (rabs < KI[idx]) return x; // inside the layer's rectangle: ~99% of draws
    if (idx === 0) {
      // Base layer: sample the tail beyond r by Marsaglia's method (1 - U avoids log(0)).
      for (;;) {
        const xx = -ZIGGURAT_NOR_INV_R * glibcLog1p(-bits.nextDouble());
        const yy = -glibcLog1p(-bits.nextDouble());
        if (yy + yy > xx * xx) {
          return (lo >>> 17) & 1 ? -(ZIGGURAT_NOR_R + xx) : ZIGGURAT_NOR_R + xx;
        }
      }
    }
    if ((FI[idx - 1] - FI[idx]) * bits.nextDouble() + FI[idx] < Math.exp(-0.5 * x * x)) return x;
  }
}

/**
 * NumPy's `Generator(bit_generator)`, by default `Generator(PCG64(seed))`. Every method consumes
 * the bit stream exactly as NumPy does, so interleaved calls stay in sync with a NumPy session
 * making the same calls on the same bit generator. `B` is the bit generator's type (PCG64 unless
 * one is passed), so that `bitGenerator` keeps its own methods (`getState`, ...).
 */
export class Generator<B extends BitSource = PCG64> {
  /** The underlying bit generator (its state can be saved and restored). */
  readonly bitGenerator: B;
  /** The same bit generator with the 64-bit and array fast paths the distributions use. */
  readonly #bits: WordSource;

  /** Draws from `bitGenerator` (anything with `nextUint32`, `nextUint64` and `nextDouble`). */
  constructor(bitGenerator: B);
  /** Seeds a PCG64 through `SeedSequence` like `Generator(PCG64(seed))`; no seed: OS entropy. */
  constructor(seed?: SeedLike | SeedSequence);
  constructor(seed?: SeedLike | SeedSequence | B) {
    this.bitGenerator = isBitSource(seed)
      ? seed as B
      : new PCG64(seed as SeedLike | SeedSequence | undefined) as BitSource as B;
    this.#bits = wordSource(this.bitGenerator);
  }

  /** Uniform doubles in [0, 1): `random(size)`. */
  random(): number;
  /** Uniform doubles in [0, 1) as a float64 tensor of the given shape. */
  random(size: Size): Tensor;
  random(size?: Size): number | Tensor {
    const bits = this.#bits;
    if (size === undefined) return bits.nextDouble();
    const shape = sizeToShape("random", size);
    const out = new Float64Array(shapeCount(shape));
    bits.fillDoubles(out);
    return new Tensor(out, shape);
  }

  /** Uniform doubles in [low, high): `low + (high - low) * random()`. */
  uniform(low?: number, high?: number): number;
  /** Uniform doubles in [low, high) as a float64 tensor. */
  uniform(low: number, high: number, size: Size): Tensor;
  uniform(low = 0, high = 1, size?: Size): number | Tensor {
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new RangeError(`uniform: high - low range exceeds valid bounds (${low}, ${high})`);
    }
    if (range < 0) throw new RangeError(`uniform: high - low must be >= 0, got ${range}`);
    const bits = this.#bits;
    return fillDoubles("uniform", size, () => low + range * bits.nextDouble());
  }

  /** Standard normal draws (NumPy's ziggurat). */
  standardNormal(): number;
  /** Standard normal draws as a float64 tensor. */
  standardNormal(size: Size): Tensor;
  standardNormal(size?: Size): number | Tensor {
    const bits = this.#bits;
    return fillDoubles("standardNormal", size, () => ziggurat(bits));
  }

  /** Normal draws `loc + scale * standardNormal()`. */
  normal(loc?: number, scale?: number): number;
  /** Normal draws as a float64 tensor. */
  normal(loc: number, scale: number, size: Size): Tensor;
  normal(loc = 0, scale = 1, size?: Size): number | Tensor {
    if (!(scale >= 0)) throw new RangeError(`normal: scale must be >= 0, got ${scale}`);
    const bits = this.#bits;
    return fillDoubles("normal", size, () => loc + scale * ziggurat(bits));
  }

  /**
   * Integers in [low, high) (or [low, high] with `endpoint`) by Lemire's method, as
   * `integers(low, high, size)` with NumPy's default int64 dtype; `integers(n)` draws from [0, n).
   * Arrays (flat, row-major) are Int32Array when the range fits in int32, else BigInt64Array; a
   * single draw is a number (a bigint beyond 2^53).
   */
  integers(high: number | bigint, options: SizedIntegersOptions): Int32Array | BigInt64Array;
  /** An array of integers in [low, high), size in the options. */
  integers(
    low: number | bigint,
    high: number | bigint,
    options: SizedIntegersOptions,
  ): Int32Array | BigInt64Array;
  /** An array of integers in [low, high) (`high` undefined: [0, low)). */
  integers(
    low: number | bigint,
    high: number | bigint | undefined,
    size: Size,
    options?: IntegersOptions,
  ): Int32Array | BigInt64Array;
  /** One integer in [0, high). */
  integers(high: number | bigint, options?: IntegersOptions): number | bigint;
  /** One integer in [low, high). */
  integers(low: number | bigint, high: number | bigint, options?: IntegersOptions): number | bigint;
  integers(
    a: number | bigint,
    b?: number | bigint | IntegersOptions,
    c?: Size | IntegersOptions,
    d?: IntegersOptions,
  ): number | bigint | Int32Array | BigInt64Array {
    const [low, high, size, opts] = integerArgs(a, b, c, d);
    return drawIntegers(this.#bits, "integers", low, high, size, opts, false);
  }

  /** A shuffled `arange(n)` (Int32Array), or a shuffled copy of a tensor's rows. */
  permutation(n: number): Int32Array;
  /** A copy of `x` with its first axis shuffled. */
  permutation(x: Tensor): Tensor;
  permutation(x: number | Tensor): Int32Array | Tensor {
    return typeof x === "number" ? permutationOf(this.#bits, x) : permuteTensor(this.#bits, x);
  }

  /** Shuffles an array, or a tensor along its first axis, in place. */
  shuffle(x: Shuffleable): void {
    shuffleInPlace(this.#bits, x);
  }

  /**
   * Random sample from `arange(a)` (a number), a tensor's rows, or an array's values, as
   * `Generator.choice(a, size, replace, p)` with NumPy's defaults (`shuffle=True`, `axis=0`).
   * Indices come back as Int32Array, rows as a tensor, values as a float64 tensor; a plain number
   * when `size` is omitted.
   */
  choice(a: number, size?: undefined, options?: ChoiceOptions): number;
  /** Sample of indices from `arange(a)`. */
  choice(a: number, size: Size, options?: ChoiceOptions): Int32Array;
  /** Sample of rows of a tensor, or of values of an array. */
  choice(a: Tensor | ArrayLike<number>, size?: Size, options?: ChoiceOptions): number | Tensor;
  choice(
    a: number | Tensor | ArrayLike<number>,
    size?: Size,
    options: ChoiceOptions = {},
  ): number | Int32Array | Tensor {
    const popSize = populationSize(a);
    const shape = size === undefined ? undefined : sizeToShape("choice", size);
    const n = shape === undefined ? 1 : shapeCount(shape);
    const idx = this.#choiceIndices(popSize, n, options);
    return takeChoice(a, idx, shape);
  }

  #choiceIndices(popSize: number, n: number, { replace = true, p }: ChoiceOptions): Int32Array {
    if (popSize === 0 && n > 0) {
      throw new RangeError("choice: a cannot be empty unless no samples are taken");
    }
    const probs = p === undefined ? undefined : checkProbabilities(p, popSize);
    if (replace) {
      if (probs === undefined) {
        return fillBounded(this.#bits, 0n, BigInt(popSize - 1), n, false) as Int32Array;
      }
      const cdf = cumulative(probs);
      const u = this.random(n).data;
      return Int32Array.from(u, (v) => searchRight(cdf, v));
    }
    if (n > popSize) {
      throw new RangeError(
        `choice: cannot take a larger sample (${n}) than population (${popSize}) when replace is false`,
      );
    }
    if (probs !== undefined) {
      return weightedWithoutReplacement(probs, n, (k) => this.random(k).data as Float64Array);
    }
    return popSize > 10000 && n > Math.floor(popSize / 50)
      ? this.#tailShuffle(popSize, n)
      : this.#floyd(popSize, n);
  }

  /** NumPy's `_shuffle_int`: Fisher–Yates down to `first`, with Lemire-bounded draws. */
  #shuffleInt(data: Int32Array, n: number, first: number): void {
    for (let i = n - 1; i >= first; i--) {
      const j = boundedUint32(this.#bits, i, false);
      const tmp = data[j];
      data[j] = data[i];
      data[i] = tmp;
    }
  }

  /** Large samples: shuffle the last `n` slots of `arange(popSize)` and keep them. */
  #tailShuffle(popSize: number, n: number): Int32Array {
    const idx = new Int32Array(popSize);
    for (let i = 0; i < popSize; i++) idx[i] = i;
    this.#shuffleInt(idx, popSize, Math.max(popSize - n, 1));
    return idx.slice(popSize - n);
  }

  /** Floyd's algorithm with NumPy's open-addressing hash set, then a shuffle of the sample. */
  #floyd(popSize: number, n: number): Int32Array {
    const idx = new Int32Array(n);
    let mask = Math.trunc(1.2 * n);
    for (const s of [1, 2, 4, 8, 16]) mask |= mask >>> s;
    const table = new Float64Array(mask + 1).fill(-1);
    for (let j = popSize - n; j < popSize; j++) {
      const val = boundedUint32(this.#bits, j, false);
      let loc = val & mask;
      while (table[loc] !== -1 && table[loc] !== val) loc = (loc + 1) & mask;
      if (table[loc] === -1) {
        table[loc] = val;
        idx[j - popSize + n] = val;
      } else {
        loc = j & mask;
        while (table[loc] !== -1) loc = (loc + 1) & mask;
        table[loc] = j;
        idx[j - popSize + n] = j;
      }
    }
    this.#shuffleInt(idx, n, 1);
    return idx;
  }
}
