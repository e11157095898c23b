/**
 * `RandomState`: NumPy's legacy generator (`np.random.RandomState(seed)`, and behind
 * `np.random.seed`/`rand`/`randn`), bit for bit. scikit-learn's `random_state=` uses it too.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { RandomState } from "@dlfs/deno-dl/random";
 *
 * const rs = new RandomState(100);
 * const x = rs.randn(2, 3); // polar Box–Muller, with NumPy's cached second value
 * const k = rs.randint(0, 10, 5); // masked rejection sampling, Int32Array
 * assert.equal(x.data[0], -1.7497654730546974); // as np.random.RandomState(100)
 * assert.deepEqual([...k], [1, 0, 8, 4, 0]);
 * ```
 *
 * @module
 */

import { Tensor } from "../tensor/tensor.ts";
import { MT19937 } from "./mt19937.ts";
import { glibcLog } from "../math/mod.ts";
import type { MT19937State } from "./mt19937.ts";
import { fillBounded } from "./bounded.ts";
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
import { drawIntegers, integerArgs } from "./integers.ts";

/** Options of `RandomState.randint`. */
export interface RandintOptions {
  /** Output length or shape; omitted: one number. */
  size?: Size;
}

/** `RandintOptions` with a size: the call returns an array. */
export interface SizedRandintOptions {
  /** Output length or shape. */
  size: Size;
}

/** A seed for the legacy generator: an integer in [0, 2^32) or a non-empty array of them. */
export type LegacySeed = number | bigint | readonly number[];

/** NumPy's legacy `RandomState` on MT19937. */
export class RandomState {
  #mt: MT19937;
  #hasGauss = false;
  #gauss = 0;

  /** Seeds like `np.random.RandomState(seed)`; without a seed, from OS entropy. */
  constructor(seed?: LegacySeed) {
    this.#mt = new MT19937(seed ?? Array.from(crypto.getRandomValues(new Uint32Array(4))));
  }

  /** Re-seeds like `RandomState.seed(seed)` (also clears the cached normal). */
  seed(seed?: LegacySeed): void {
    this.#mt.seed(seed ?? Array.from(crypto.getRandomValues(new Uint32Array(4))));
    this.#hasGauss = false;
    this.#gauss = 0;
  }

  /** The underlying MT19937 (for advanced use: raw 32-bit draws). */
  get bitGenerator(): MT19937 {
    return this.#mt;
  }

  /** The state as NumPy's `get_state()` tuple, as an object (copies the key). */
  getState(): MT19937State {
    const { key, pos } = this.#mt.getKey();
    return { key, pos, hasGauss: this.#hasGauss ? 1 : 0, cachedGaussian: this.#gauss };
  }

  /**
   * Restores a state from `getState()`, or from NumPy's legacy tuple
   * `["MT19937", key, pos, has_gauss, cached_gaussian]`.
   */
  setState(
    state: MT19937State | readonly [string, ArrayLike<number>, number, number, number],
  ): void {
    const st: MT19937State = Array.isArray(state)
      ? {
        key: Uint32Array.from(state[1]),
        pos: state[2],
        hasGauss: state[3],
        cachedGaussian: state[4],
      }
      : state as MT19937State;
    this.#mt.setKey(st.key, st.pos);
    this.#hasGauss = st.hasGauss !== 0;
    this.#gauss = st.cachedGaussian;
  }

  /** Uniform doubles in [0, 1) (`random_sample`). */
  randomSample(): number;
  /** Uniform doubles in [0, 1) as a float64 tensor. */
  randomSample(size: Size): Tensor;
  randomSample(size?: Size): number | Tensor {
    const mt = this.#mt;
    return fillDoubles("randomSample", size, () => mt.nextDouble());
  }

  /** Alias of `randomSample` (`np.random.random`). */
  random(): number;
  /** Alias of `randomSample` (`np.random.random`). */
  random(size: Size): Tensor;
  random(size?: Size): number | Tensor {
    return size === undefined ? this.randomSample() : this.randomSample(size);
  }

  /** `rand(d0, d1, ...)`: uniform [0, 1) doubles of shape `[d0, d1, ...]`; no arguments: a number. */
  rand(): number;
  /** Uniform doubles of the given dimensions. */
  rand(...shape: number[]): Tensor;
  rand(...shape: number[]): number | Tensor {
    return shape.length === 0 ? this.randomSample() : this.randomSample(shape);
  }

  /** `randn(d0, d1, ...)`: standard normals of shape `[d0, d1, ...]`; no arguments: a number. */
  randn(): number;
  /** Standard normals of the given dimensions. */
  randn(...shape: number[]): Tensor;
  randn(...shape: number[]): number | Tensor {
    return shape.length === 0 ? this.standardNormal() : this.standardNormal(shape);
  }

  /** Polar Box–Muller, keeping the second value of each pair for the next call (`legacy_gauss`). */
  #gaussOne(): number {
    if (this.#hasGauss) {
      this.#hasGauss = false;
      const cached = this.#gauss;
      this.#gauss = 0;
      return cached;
    }
    const mt = this.#mt;
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * mt.nextDouble() - 1;
      x2 = 2 * mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * glibcLog(r2) / r2);
    this.#gauss = f * x1;
    this.#hasGauss = true;
    return f * x2;
  }

  /** Standard normal draws. */
  standardNormal(): number;
  /** Standard normal draws as a float64 tensor. */
  standardNormal(size: Size): Tensor;
  standardNormal(size?: Size): number | Tensor {
    return fillDoubles("standardNormal", size, () => this.#gaussOne());
  }

  /** Normal draws `loc + scale * standardNormal()`. */
  normal(loc?: number, scale?: number): number;
  /** Normal draws as a float64 tensor. */
  normal(loc: number, scale: number, size: Size): Tensor;
  normal(loc = 0, scale = 1, size?: Size): number | Tensor {
    if (!(scale >= 0)) throw new RangeError(`normal: scale must be >= 0, got ${scale}`);
    return fillDoubles("normal", size, () => loc + scale * this.#gaussOne());
  }

  /** Uniform doubles in [low, high): `low + (high - low) * randomSample()`. */
  uniform(low?: number, high?: number): number;
  /** Uniform doubles in [low, high) as a float64 tensor. */
  uniform(low: number, high: number, size: Size): Tensor;
  uniform(low = 0, high = 1, size?: Size): number | Tensor {
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new RangeError(`uniform: range exceeds valid bounds (${low}, ${high})`);
    }
    const mt = this.#mt;
    return fillDoubles("uniform", size, () => low + range * mt.nextDouble());
  }

  /**
   * Integers in [low, high) by masked rejection, as `randint(low, high, size)` (int64 dtype);
   * `randint(n)` draws from [0, n). Arrays (flat, row-major) are Int32Array when the range fits in
   * int32, else BigInt64Array; a single draw is a number (a bigint beyond 2^53).
   */
  randint(high: number | bigint, options: SizedRandintOptions): Int32Array | BigInt64Array;
  /** An array of integers in [low, high), size in the options. */
  randint(
    low: number | bigint,
    high: number | bigint,
    options: SizedRandintOptions,
  ): Int32Array | BigInt64Array;
  /** An array of integers in [low, high) (`high` undefined: [0, low)). */
  randint(
    low: number | bigint,
    high: number | bigint | undefined,
    size: Size,
  ): Int32Array | BigInt64Array;
  /** One integer in [0, high). */
  randint(high: number | bigint, options?: RandintOptions): number | bigint;
  /** One integer in [low, high). */
  randint(low: number | bigint, high: number | bigint, options?: RandintOptions): number | bigint;
  randint(
    a: number | bigint,
    b?: number | bigint | RandintOptions,
    c?: Size | RandintOptions,
  ): number | bigint | Int32Array | BigInt64Array {
    const [low, high, size] = integerArgs(a, b, c);
    return drawIntegers(this.#mt, "randint", low, high, size, {}, true);
  }

  /** A shuffled `arange(n)` (Int32Array), or a shuffled copy of a tensor's rows. */
  permutation(n: number): Int32Array;
  /** A copy of `x` with its first axis shuffled. */
  permutation(x: Tensor): Tensor;
  permutation(x: number | Tensor): Int32Array | Tensor {
    return typeof x === "number" ? permutationOf(this.#mt, x) : permuteTensor(this.#mt, x);
  }

  /** Shuffles an array, or a tensor along its first axis, in place. */
  shuffle(x: Shuffleable): void {
    shuffleInPlace(this.#mt, x);
  }

  /**
   * Random sample from `arange(a)` (a number), a tensor's rows, or an array's values, as
   * `RandomState.choice(a, size, replace, p)`. Indices come back as Int32Array, rows as a tensor,
   * values as a float64 tensor; a plain number when `size` is omitted.
   */
  choice(a: number, size?: undefined, options?: ChoiceOptions): number;
  /** Sample of indices from `arange(a)`. */
  choice(a: number, size: Size, options?: ChoiceOptions): Int32Array;
  /** Sample of rows of a tensor, or of values of an array. */
  choice(a: Tensor | ArrayLike<number>, size?: Size, options?: ChoiceOptions): number | Tensor;
  choice(
    a: number | Tensor | ArrayLike<number>,
    size?: Size,
    { replace = true, p }: ChoiceOptions = {},
  ): number | Int32Array | Tensor {
    const popSize = populationSize(a);
    const shape = size === undefined ? undefined : sizeToShape("choice", size);
    const n = shape === undefined ? 1 : shapeCount(shape);
    if (popSize === 0 && n > 0) {
      throw new RangeError("choice: a must be non-empty unless no samples are taken");
    }
    const probs = p === undefined ? undefined : checkProbabilities(p, popSize);
    let idx: Int32Array;
    if (replace) {
      if (probs === undefined) {
        idx = fillBounded(this.#mt, 0n, BigInt(popSize - 1), n, true) as Int32Array;
      } else {
        const cdf = cumulative(probs);
        const u = this.randomSample(n).data;
        idx = Int32Array.from(u, (v) => searchRight(cdf, v));
      }
    } else {
      if (n > popSize) {
        throw new RangeError(
          `choice: cannot take a larger sample (${n}) than population (${popSize}) when replace is false`,
        );
      }
      idx = probs === undefined
        ? this.permutation(popSize).slice(0, n)
        : weightedWithoutReplacement(probs, n, (k) => this.randomSample(k).data as Float64Array);
    }
    return takeChoice(a, idx, shape);
  }
}
