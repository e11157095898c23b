/**
 * The bit-generator contract. As in NumPy, where `Generator(bit_generator)` draws from any object
 * with the `bitgen_t` functions, every distribution here is written against `BitSource` only, so
 * the same `Generator` runs on PCG64 (the default), MT19937 or a bit generator of your own.
 *
 * @module
 */

/** What a bit generator provides (NumPy's `bitgen_t`: `next_uint32`, `next_uint64`, `next_double`). */
export interface BitSource {
  /** 32 random bits in [0, 2^32). */
  nextUint32(): number;
  /** 64 random bits. */
  nextUint64(): bigint;
  /** A double in [0, 1) with 53 random bits. */
  nextDouble(): number;
}

/**
 * A bit source that can also hand out a 64-bit output as two 32-bit numbers, without a BigInt,
 * and fill an array of doubles in one call: the fast path of the ziggurat and of `random(size)`.
 * PCG64 and MT19937 have it; `wordSource` gives it to any other bit source.
 */
export interface WordSource extends BitSource {
  /** Draws a 64-bit output and returns its high 32 bits; the low 32 bits are then in `lastLow`. */
  nextHigh(): number;
  /** Low 32 bits of the output drawn by the last `nextHigh()`. */
  readonly lastLow: number;
  /** Fills `out` with `nextDouble()` values. */
  fillDoubles(out: Float64Array): void;
}

/** Whether `x` has the three `BitSource` methods. */
export function isBitSource(x: unknown): x is BitSource {
  if (typeof x !== "object" || x === null) return false;
  const b = x as Partial<BitSource>;
  return typeof b.nextUint32 === "function" && typeof b.nextUint64 === "function" &&
    typeof b.nextDouble === "function";
}

const MASK32 = 0xffffffffn;

/**
 * `bits` itself when it already has the fast path, else a view that builds it from `nextUint64`
 * and `nextDouble`. The view keeps no state of its own: every draw goes to `bits`, so the stream
 * is the one NumPy draws from the same bit generator.
 */
export function wordSource(bits: BitSource): WordSource {
  const w = bits as Partial<WordSource>;
  if (typeof w.nextHigh === "function" && typeof w.fillDoubles === "function" && "lastLow" in w) {
    return bits as WordSource;
  }
  let lo = 0;
  return {
    nextUint32: () => bits.nextUint32(),
    nextUint64: () => bits.nextUint64(),
    nextDouble: () => bits.nextDouble(),
    nextHigh(): number {
      const x = bits.nextUint64();
      lo = Number(x & MASK32);
      return Number(x >> 32n);
    },
    get lastLow(): number {
      return lo;
    },
    fillDoubles(out: Float64Array): void {
      for (let i = 0; i < out.length; i++) out[i] = bits.nextDouble();
    },
  };
}
