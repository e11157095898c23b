/**
 * NumPy's `SeedSequence`: turns a user seed of any size into well-mixed 32-bit words.
 *
 * `np.random.default_rng(seed)` never feeds the seed to PCG64 directly: it hashes the seed's 32-bit
 * words into a 4-word pool, then draws the 128-bit state and increment from that pool. Reproducing
 * NumPy's streams starts with reproducing this hashing exactly (all arithmetic is uint32).
 *
 * @module
 */

/** A seed NumPy accepts for `SeedSequence`/`default_rng`: a non-negative integer or a list of them. */
export type SeedLike = number | bigint | readonly (number | bigint)[];

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

/**
 * Splits a non-negative integer into 32-bit words, least significant first (`0` gives `[0]`),
 * as NumPy's `_coerce_to_uint32_array` does.
 */
export function seedToWords(seed: SeedLike): number[] {
  if (Array.isArray(seed)) return (seed as (number | bigint)[]).flatMap((s) => seedToWords(s));
  const single = seed as number | bigint;
  if (typeof single === "number" && (!Number.isSafeInteger(single))) {
    throw new TypeError(
      `SeedSequence: seed must be an integer (a bigint above 2^53), got ${single}`,
    );
  }
  let n = BigInt(single);
  if (n < 0n) throw new RangeError(`SeedSequence: seed must be non-negative, got ${n}`);
  if (n === 0n) return [0];
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words;
}

/** Random 128-bit entropy from the OS, for unseeded generators (as `SeedSequence()` does). */
export function osEntropy(): bigint {
  const words = crypto.getRandomValues(new Uint32Array(4));
  let n = 0n;
  for (const w of words) n = (n << 32n) | BigInt(w);
  return n;
}

/**
 * NumPy's `SeedSequence(entropy)` (no spawn key, pool size 4).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { SeedSequence } from "@dlfs/deno-dl/random";
 *
 * const words = new SeedSequence(12345).generateState(4); // the words PCG64 is seeded from
 * assert.deepEqual([...words], [2688385916, 3048105090, 4196366895, 3152189807]); // as NumPy's
 * ```
 */
export class SeedSequence {
  /** The seed as given (OS entropy when none was given). */
  readonly entropy: SeedLike;
  /** The mixed 4-word pool that `generateState` draws from. */
  readonly pool: Uint32Array;

  /** Mixes the seed's words into the pool. */
  constructor(entropy?: SeedLike) {
    this.entropy = entropy ?? osEntropy();
    this.pool = mixEntropy(seedToWords(this.entropy));
  }

  /**
   * `n` uint32 words of state, as `generate_state(n, np.uint32)`. For `np.uint64` output ask for
   * twice as many words: word `2k` is the low half of 64-bit word `k` (little-endian view).
   */
  generateState(n: number): Uint32Array {
    const out = new Uint32Array(n);
    let hashConst = INIT_B;
    for (let i = 0; i < n; i++) {
      let v = (this.pool[i % POOL_SIZE] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      out[i] = (v ^ (v >>> XSHIFT)) >>> 0;
    }
    return out;
  }

  /** `n` 64-bit words of state, as `generate_state(n, np.uint64)`. */
  generateState64(n: number): bigint[] {
    const words = this.generateState(2 * n);
    const out: bigint[] = [];
    for (let i = 0; i < n; i++) {
      out.push((BigInt(words[2 * i + 1]) << 32n) | BigInt(words[2 * i]));
    }
    return out;
  }
}

/** The hash state threaded through `hashmix` (NumPy mutates its hash constant as it goes). */
interface HashState {
  value: number;
}

function hashmix(value: number, h: HashState): number {
  value = (value ^ h.value) >>> 0;
  h.value = Math.imul(h.value, MULT_A) >>> 0;
  value = Math.imul(value, h.value) >>> 0;
  return (value ^ (value >>> XSHIFT)) >>> 0;
}

function mix(x: number, y: number): number {
  const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  return (r ^ (r >>> XSHIFT)) >>> 0;
}

/** NumPy's `mix_entropy`: every input word influences every pool word. */
function mixEntropy(entropy: readonly number[]): Uint32Array {
  const pool = new Uint32Array(POOL_SIZE);
  const h: HashState = { value: INIT_A };
  for (let i = 0; i < POOL_SIZE; i++) {
    pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, h);
  }
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src], h));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      pool[dst] = mix(pool[dst], hashmix(entropy[src], h));
    }
  }
  return pool;
}
