/**
 * Exact fused multiply-add, `fma(a, b, c) = round(a * b + c)` with a single rounding.
 *
 * JavaScript has no FMA instruction, but glibc's `log`/`log1p` on x86-64 machines with FMA (the
 * ones NumPy calls for normals) use it, so reproducing their last bit needs an exact emulation.
 * Method: Dekker's exact product, Knuth's exact sum, and one addition rounded to odd
 * (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
 * rounding to odd", IEEE Trans. Computers 57(4), 2008). Valid away from overflow and underflow,
 * which is all these callers need.
 *
 * @module
 */

const SPLITTER = 134217729; // 2^27 + 1
const view = new Float64Array(1);
const bits = new Uint32Array(view.buffer); // little-endian: bits[0] low word, bits[1] high word

/** Adds 1 (`up`) or subtracts 1 from the bit pattern of a finite non-zero double. */
function stepBits(x: number, up: boolean): number {
  view[0] = x;
  if (up) {
    bits[0] = (bits[0] + 1) >>> 0;
    if (bits[0] === 0) bits[1] = (bits[1] + 1) >>> 0;
  } else {
    if (bits[0] === 0) bits[1] = (bits[1] - 1) >>> 0;
    bits[0] = (bits[0] - 1) >>> 0;
  }
  return view[0];
}

/** `x + y` rounded to odd: exact sums are kept, inexact ones get an odd last bit. */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  const bb = s - x;
  const err = (x - (s - bb)) + (y - bb);
  if (err === 0) return s;
  view[0] = s;
  if (bits[0] & 1) return s; // already odd
  // The exact sum lies between s and its neighbour towards err; that neighbour is odd.
  const awayFromZero = (err > 0) === (s > 0);
  return stepBits(s, awayFromZero);
}

/** `a * b + c` with a single rounding, as the x86 `vfmadd` instructions compute it. */
export function fma(a: number, b: number, c: number): number {
  // Exact product a*b = uh + ul (Veltkamp splitting into 26-bit halves).
  const uh = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a), aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b), bLo = b - bHi;
  const ul = ((aHi * bHi - uh) + aHi * bLo + aLo * bHi) + aLo * bLo;
  // Exact sum c + uh = th + tl.
  const th = c + uh;
  const bv = th - c;
  const tl = (c - (th - bv)) + (uh - bv);
  if (!Number.isFinite(th) || !Number.isFinite(uh)) return a * b + c;
  return th + addRoundToOdd(tl, ul);
}
