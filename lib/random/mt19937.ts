/**
 * MT19937, the Mersenne Twister behind NumPy's legacy `np.random.RandomState` / `np.random.seed`.
 *
 * The constructor seeds as NumPy's `_legacy_seeding` does: an integer seed in [0, 2^32) goes through
 * Knuth's initialisation (`init_genrand`), an array of such integers through `init_by_array`.
 * `MT19937.fromSeedSequence(seed)` seeds as the modern `np.random.MT19937(seed)` does, for use as
 * the bit generator of a `Generator`.
 *
 * @module
 */

import { SeedSequence } from "./seed_sequence.ts";
import type { SeedLike } from "./seed_sequence.ts";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** NumPy's legacy state tuple `('MT19937', key, pos, has_gauss, cached_gaussian)` as an object. */
export interface MT19937State {
  /** The 624-word key. */
  key: Uint32Array;
  /** Position in the key of the next word to temper. */
  pos: number;
  /** Whether `standardNormal` has a cached second value (1) or not (0). */
  hasGauss: number;
  /** The cached second value of the polar Box–Muller pair. */
  cachedGaussian: number;
}

/** Throws unless `seed` is an integer NumPy's legacy seeding accepts (0 <= seed < 2^32). */
export function checkLegacySeed(seed: number | bigint): number {
  const n = typeof seed === "bigint" ? seed : Number.isInteger(seed) ? BigInt(seed) : -1n;
  if (n < 0n || n > 0xffffffffn) {
    throw new RangeError(
      `RandomState.seed: seed must be an integer in [0, 2**32 - 1], got ${seed}`,
    );
  }
  return Number(n);
}

/** The Mersenne Twister: 32-bit outputs and NumPy's 53-bit doubles built from two of them. */
export class MT19937 {
  #key = new Uint32Array(N);
  #pos = N;
  /** Second word of the last `nextHigh()` pair. */
  #lo = 0;

  /** Seeds like `np.random.RandomState(seed)`: an integer or an array of integers in [0, 2^32). */
  constructor(seed: number | bigint | readonly number[] = 5489) {
    this.seed(seed);
  }

  /**
   * Seeds like `np.random.MT19937(seed)` (no seed: OS entropy): the key is 624 words of
   * `SeedSequence(seed).generate_state(624)`, with the first word replaced by 0x80000000 so the
   * state is never all zero, and, as NumPy leaves it, the position at 623, so that the first output
   * tempers the last seeded word before the first twist.
   *
   * ```ts
   * import assert from "node:assert/strict";
   * import { Generator, MT19937 } from "@dlfs/deno-dl/random";
   *
   * const rng = new Generator(MT19937.fromSeedSequence(42)); // np.random.Generator(np.random.MT19937(42))
   * assert.equal(rng.random(), 0.5419938930062744);
   * ```
   */
  static fromSeedSequence(seed?: SeedLike | SeedSequence): MT19937 {
    const seq = seed instanceof SeedSequence ? seed : new SeedSequence(seed);
    const key = seq.generateState(N);
    key[0] = 0x80000000;
    const mt = new MT19937();
    mt.setKey(key, N - 1);
    return mt;
  }

  /** Re-seeds in place (integer: `init_genrand`; array: `init_by_array`). */
  seed(seed: number | bigint | readonly number[]): void {
    if (Array.isArray(seed)) {
      if (seed.length === 0) throw new RangeError("RandomState.seed: seed array must be non-empty");
      this.#initByArray(seed.map((s) => checkLegacySeed(s)));
    } else {
      this.#initGenrand(checkLegacySeed(seed as number | bigint));
    }
  }

  #initGenrand(seed: number): void {
    const key = this.#key;
    key[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = key[i - 1];
      key[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
    this.#pos = N;
  }

  #initByArray(initKey: readonly number[]): void {
    const mt = this.#key;
    this.#initGenrand(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(N, initKey.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + initKey[j] + j) >>> 0;
      i++, j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= initKey.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000; // the most significant bit set guarantees a non-zero state
    this.#pos = N;
  }

  /** Regenerates the 624 words (the "twist"). */
  #twist(): void {
    const key = this.#key;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (key[N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
    key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.#pos = 0;
  }

  /** The next 32-bit output (tempered), in [0, 2^32). */
  nextUint32(): number {
    if (this.#pos >= N) this.#twist();
    let y = this.#key[this.#pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Two 32-bit outputs as one 64-bit value, first one high (NumPy's `mt19937_next64`). */
  nextUint64(): bigint {
    const hi = this.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(this.nextUint32());
  }

  /** A double in [0, 1) with 53 random bits: `(a >> 5) * 2^26 + (b >> 6)` over 2^53. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** The high word of a 64-bit output (the first of two draws); the second is then in `lastLow`. */
  nextHigh(): number {
    const hi = this.nextUint32();
    this.#lo = this.nextUint32();
    return hi;
  }

  /** Low 32 bits of the 64-bit output drawn by the last `nextHigh()`. */
  get lastLow(): number {
    return this.#lo;
  }

  /** Fills `out` with `nextDouble()` values. */
  fillDoubles(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.nextDouble();
  }

  /** A copy of the key and position. */
  getKey(): { key: Uint32Array; pos: number } {
    return { key: this.#key.slice(), pos: this.#pos };
  }

  /** Restores a key and position (as from `getKey()` or NumPy's state tuple). */
  setKey(key: ArrayLike<number>, pos: number): void {
    if (key.length !== N || !Number.isInteger(pos) || pos < 0 || pos > N) {
      throw new RangeError(
        `RandomState.setState: expected a key of ${N} words and 0 <= pos <= ${N}, got ${key.length} words, pos ${pos}`,
      );
    }
    this.#key.set(key);
    this.#pos = pos;
  }
}
