/**
 * Bounded random integers exactly as NumPy draws them.
 *
 * `Generator.integers` uses Lemire's multiply-shift rejection method; the legacy `RandomState`
 * uses masked rejection (draw, keep the low bits, retry while above the bound); shuffles and
 * permutations use NumPy's `random_interval` (masked rejection too). Ranges that fit in 32 bits
 * consume one 32-bit draw per try, wider ranges one 64-bit draw. The 32-bit paths run on plain
 * numbers; only ranges wider than 32 bits fall back to BigInt.
 *
 * @module
 */

import type { BitSource } from "./bit_source.ts";

const UINT32_MAX = 0xffffffff;
const UINT64_MAX = (1n << 64n) - 1n;
const TWO16 = 65536;
const TWO32 = 4294967296;

/** Smallest all-ones bit mask >= `max`, for `max` < 2^32. */
export function genMask32(max: number): number {
  let mask = max >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/** Smallest all-ones bit mask >= `max`, for 64-bit `max`. */
export function genMask64(max: bigint): bigint {
  let mask = max;
  for (const shift of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> shift;
  return mask;
}

/** floor(a * b / 2^32) for a, b < 2^32, exactly (the product itself may exceed 2^53). */
function mulHi32(a: number, b: number): number {
  const aHi = Math.floor(a / TWO16), aLo = a - aHi * TWO16;
  const p = aHi * b; // < 2^48
  const pHi = Math.floor(p / TWO16);
  return pHi + Math.floor(((p - pHi * TWO16) * TWO16 + aLo * b) / TWO32);
}

/** Lemire's method: uniform in [0, rng] for 0 < rng < 2^32 - 1 (NumPy's `bounded_lemire_uint32`). */
export function lemire32(src: BitSource, rng: number): number {
  const rngExcl = rng + 1;
  let u = src.nextUint32();
  let leftover = Math.imul(u, rngExcl) >>> 0;
  if (leftover < rngExcl) {
    const threshold = (UINT32_MAX - rng) % rngExcl;
    while (leftover < threshold) {
      u = src.nextUint32();
      leftover = Math.imul(u, rngExcl) >>> 0;
    }
  }
  return mulHi32(u, rngExcl);
}

/** Masked rejection: uniform in [0, rng] for rng < 2^32 (NumPy's `bounded_masked_uint32`). */
export function masked32(src: BitSource, rng: number, mask: number): number {
  let v: number;
  do v = (src.nextUint32() & mask) >>> 0; while (v > rng);
  return v;
}

/** Lemire's method on 64-bit draws: uniform in [0, rng] for 2^32 <= rng < 2^64 - 1. */
export function lemire64(src: BitSource, rng: bigint): bigint {
  const rngExcl = rng + 1n;
  let m = src.nextUint64() * rngExcl;
  let leftover = m & UINT64_MAX;
  if (leftover < rngExcl) {
    const threshold = (UINT64_MAX - rng) % rngExcl;
    while (leftover < threshold) {
      m = src.nextUint64() * rngExcl;
      leftover = m & UINT64_MAX;
    }
  }
  return m >> 64n;
}

/** Masked rejection on 64-bit draws: uniform in [0, rng]. */
export function masked64(src: BitSource, rng: bigint, mask: bigint): bigint {
  let v: bigint;
  do v = src.nextUint64() & mask; while (v > rng);
  return v;
}

/**
 * Uniform in [0, max] as NumPy's `random_interval`, the draw behind `shuffle` and `permutation`:
 * masked rejection on 32-bit draws while `max` fits in 32 bits.
 */
export function randomInterval(src: BitSource, max: number): number {
  if (max === 0) return 0;
  if (max <= UINT32_MAX) return masked32(src, max, genMask32(max));
  const big = BigInt(max);
  return Number(masked64(src, big, genMask64(big)));
}

/**
 * One draw in [0, rng] (rng = high - low, inclusive) with NumPy's algorithm for the generator kind:
 * `masked` for `RandomState.randint`, Lemire for `Generator.integers`.
 */
export function boundedUint64(src: BitSource, rng: bigint, masked: boolean): bigint {
  if (rng === 0n) return 0n;
  if (rng <= BigInt(UINT32_MAX)) return BigInt(boundedUint32(src, Number(rng), masked));
  if (rng === UINT64_MAX) return src.nextUint64();
  return masked ? masked64(src, rng, genMask64(rng)) : lemire64(src, rng);
}

/** One draw in [0, rng] for rng < 2^32, on numbers (the fast path). */
export function boundedUint32(src: BitSource, rng: number, masked: boolean): number {
  if (rng === 0) return 0;
  if (rng === UINT32_MAX) return src.nextUint32();
  return masked ? masked32(src, rng, genMask32(rng)) : lemire32(src, rng);
}

/**
 * `n` integers in [low, high] (both inclusive), as NumPy's `random_bounded_uint64_fill` for int64.
 * Returns an Int32Array when the range fits in int32, else a BigInt64Array.
 */
export function fillBounded(
  src: BitSource,
  low: bigint,
  high: bigint,
  n: number,
  masked: boolean,
): Int32Array | BigInt64Array {
  const rng = high - low;
  if (low >= -(2n ** 31n) && high < 2n ** 31n) {
    const out = new Int32Array(n);
    const off = Number(low), r = Number(rng);
    if (r === 0) return out.fill(off);
    if (r === UINT32_MAX) {
      for (let i = 0; i < n; i++) out[i] = off + src.nextUint32();
    } else if (masked) {
      const mask = genMask32(r);
      for (let i = 0; i < n; i++) out[i] = off + masked32(src, r, mask);
    } else {
      for (let i = 0; i < n; i++) out[i] = off + lemire32(src, r);
    }
    return out;
  }
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt.asIntN(64, low + boundedUint64(src, rng, masked));
  return out;
}
