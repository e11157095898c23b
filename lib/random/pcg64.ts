/**
 * PCG64 (XSL-RR 128/64), the bit generator behind `np.random.default_rng`.
 *
 * The 128-bit LCG step `state = state * MULT + inc (mod 2^128)` is done on six 24-bit limbs held
 * in plain numbers: every limb product is below 2^48 and a column sum below 2^51, so double
 * arithmetic stays exact and no BigInt is touched per draw (BigInt is only used for seeding and
 * for reading/writing the state).
 *
 * @module
 */

import { SeedSequence } from "./seed_sequence.ts";
import type { SeedLike } from "./seed_sequence.ts";

/** PCG's default multiplier 0x2360ED051FC65DA44385DF649FCCF645 as 24-bit limbs (low first). */
const M0 = 0xccf645, M1 = 0xdf649f, M2 = 0xa44385, M3 = 0x1fc65d, M4 = 0x60ed05, M5 = 0x23;
const MULT = 0x2360ed051fc65da44385df649fccf645n;
const MASK128 = (1n << 128n) - 1n;
const TWO24 = 16777216;
const TWO_M24 = 1 / 16777216;
const TWO8 = 256;
const TWO_M8 = 1 / 256;
const TWO_M32 = 1 / 4294967296;
const TWO_M53 = 1 / 9007199254740992;

/** The 128-bit state and increment, as `PCG64().state["state"]` shows them. */
export interface PCG64State {
  /** LCG state. */
  state: bigint;
  /** LCG increment (always odd). */
  inc: bigint;
  /** Whether a buffered upper 32-bit half is waiting (NumPy's `has_uint32`). */
  hasUint32: boolean;
  /** The buffered 32-bit half (NumPy's `uinteger`). */
  uinteger: number;
}

/**
 * NumPy's `PCG64` bit generator: 64-bit outputs, doubles with 53 random bits, and 32-bit draws that
 * use each 64-bit output twice (low half first), exactly as NumPy buffers them.
 */
export class PCG64 {
  // State and increment as six limbs of 24 bits (the last of 8 bits), least significant first.
  #s = new Float64Array(6);
  #inc = new Float64Array(6);
  #hasUint32 = false;
  #uinteger = 0;
  /** Low 32 bits of the last 64-bit output (read right after `nextHigh()`). */
  #lo = 0;

  /** Seeds through `SeedSequence` like `PCG64(seed)`; a `SeedSequence` may be passed directly. */
  constructor(seed?: SeedLike | SeedSequence) {
    const seq = seed instanceof SeedSequence ? seed : new SeedSequence(seed);
    const [s0, s1, i0, i1] = seq.generateState64(4);
    this.#seed((s0 << 64n) | s1, (i0 << 64n) | i1);
  }

  /** PCG's `srandom_r`: inc = 2*initseq + 1, then two steps around adding the initial state. */
  #seed(initState: bigint, initSeq: bigint): void {
    const inc = ((initSeq << 1n) | 1n) & MASK128;
    let state = (0n * MULT + inc) & MASK128;
    state = (state + initState) & MASK128;
    state = (state * MULT + inc) & MASK128;
    this.setState({ state, inc, hasUint32: false, uinteger: 0 });
  }

  /** The generator state (state, increment and the 32-bit buffer). */
  getState(): PCG64State {
    return {
      state: limbsToBig(this.#s),
      inc: limbsToBig(this.#inc),
      hasUint32: this.#hasUint32,
      uinteger: this.#uinteger,
    };
  }

  /** Restores a state returned by `getState()` (or NumPy's `bit_generator.state`). */
  setState(st: PCG64State): void {
    bigToLimbs(st.state & MASK128, this.#s);
    bigToLimbs(st.inc & MASK128, this.#inc);
    this.#hasUint32 = st.hasUint32;
    this.#uinteger = st.uinteger >>> 0;
  }

  /**
   * Advances the LCG and returns the high 32 bits of the next 64-bit output; the low 32 bits are
   * then in `lastLow`. This is the hot path: everything else is built on it.
   */
  nextHigh(): number {
    const s = this.#s, c = this.#inc;
    const s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5];
    // Schoolbook product truncated to 128 bits, column by column, plus the increment. Limbs are
    // 24 bits (the top one 8), so a column of six 48-bit products stays below 2^53: exact.
    let t = s0 * M0 + c[0];
    let k = Math.floor(t * TWO_M24);
    const n0 = t - k * TWO24;
    t = k + s0 * M1 + s1 * M0 + c[1];
    k = Math.floor(t * TWO_M24);
    const n1 = t - k * TWO24;
    t = k + s0 * M2 + s1 * M1 + s2 * M0 + c[2];
    k = Math.floor(t * TWO_M24);
    const n2 = t - k * TWO24;
    t = k + s0 * M3 + s1 * M2 + s2 * M1 + s3 * M0 + c[3];
    k = Math.floor(t * TWO_M24);
    const n3 = t - k * TWO24;
    t = k + s0 * M4 + s1 * M3 + s2 * M2 + s3 * M1 + s4 * M0 + c[4];
    k = Math.floor(t * TWO_M24);
    const n4 = t - k * TWO24;
    t = k + s0 * M5 + s1 * M4 + s2 * M3 + s3 * M2 + s4 * M1 + s5 * M0 + c[5];
    const n5 = t - Math.floor(t * TWO_M8) * TWO8;
    s[0] = n0, s[1] = n1, s[2] = n2, s[3] = n3, s[4] = n4, s[5] = n5;
    // Regroup the limbs into 32-bit words w0 (bits 0-31) ... w3 (bits 96-127).
    const w0 = n0 | (n1 << 24), w1 = (n1 >>> 8) | (n2 << 16);
    const w2 = (n2 >>> 16) | (n3 << 8), w3 = n4 | (n5 << 24);
    // XSL-RR output: xor the two 64-bit halves, rotate right by the top 6 bits of the state.
    const xh = (w3 ^ w1) >>> 0;
    const xl = (w2 ^ w0) >>> 0;
    const rot = n5 >>> 2;
    if (rot === 0) {
      this.#lo = xl;
      return xh;
    }
    if (rot < 32) {
      this.#lo = ((xl >>> rot) | (xh << (32 - rot))) >>> 0;
      return ((xh >>> rot) | (xl << (32 - rot))) >>> 0;
    }
    if (rot === 32) {
      this.#lo = xh;
      return xl;
    }
    const r = rot - 32;
    this.#lo = ((xh >>> r) | (xl << (32 - r))) >>> 0;
    return ((xl >>> r) | (xh << (32 - r))) >>> 0;
  }

  /** Low 32 bits of the output produced by the last `nextHigh()`. */
  get lastLow(): number {
    return this.#lo;
  }

  /** The next 64-bit output as a BigInt (convenient, not fast). */
  nextUint64(): bigint {
    const hi = this.nextHigh();
    return (BigInt(hi) << 32n) | BigInt(this.#lo);
  }

  /** A double in [0, 1) from the top 53 bits of a 64-bit output: `(x >> 11) * 2^-53`. */
  nextDouble(): number {
    const hi = this.nextHigh();
    return hi * TWO_M32 + (this.#lo >>> 11) * TWO_M53;
  }

  /** 32 random bits: the low half of a fresh 64-bit output, then its high half on the next call. */
  nextUint32(): number {
    if (this.#hasUint32) {
      this.#hasUint32 = false;
      return this.#uinteger;
    }
    this.#uinteger = this.nextHigh();
    this.#hasUint32 = true;
    return this.#lo;
  }

  /** Fills `out` with `nextDouble()` values (the tight loop behind `random(size)`). */
  fillDoubles(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) {
      const hi = this.nextHigh();
      out[i] = hi * TWO_M32 + (this.#lo >>> 11) * TWO_M53;
    }
  }
}

function limbsToBig(limbs: Float64Array): bigint {
  let v = 0n;
  for (let i = 5; i >= 0; i--) v = (v << 24n) | BigInt(limbs[i]);
  return v;
}

function bigToLimbs(v: bigint, out: Float64Array): void {
  for (let i = 0; i < 6; i++) {
    out[i] = Number(v & 0xffffffn);
    v >>= 24n;
  }
}
