/**
 * Exact decimal digits of doubles, the engine behind Python-style formatting.
 *
 * Python (and NumPy) round the *exact* binary value of a double, ties to even: `0.8125` (exactly
 * representable) becomes `"0.812"` with `.3f`, where JavaScript's `toFixed` gives `"0.813"`. Here a
 * double is split into `m * 2^e` and scaled by powers of ten with BigInt, so every rounding is
 * exact. Shortest round-trip digits (Python's `repr`) come from JavaScript's own `toExponential()`,
 * which implements the same "shortest, then closest" rule.
 *
 * @module
 */

/** Digits `digits` (no leading zeros) with the decimal point after `point` of them. */
export interface Decimal {
  /** Significant digits; "0" for zero. */
  digits: string;
  /** Position of the decimal point: value = 0.digits * 10^point. */
  point: number;
}

const view = new Float64Array(1);
const words = new Uint32Array(view.buffer);

/** Splits a finite positive double into an integer mantissa and a binary exponent: m * 2^e. */
function split(x: number): { m: bigint; e: number } {
  view[0] = x;
  const hi = words[1], lo = words[0];
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: biased - 1075 };
}

const pow10Cache: bigint[] = [];
/** 10^n as a BigInt (cached). */
function pow10(n: number): bigint {
  if (n < 64) return (pow10Cache[n] ??= 10n ** BigInt(n));
  return 10n ** BigInt(n);
}

/**
 * round(|x| * 10^s) to the nearest integer, ties to even, computed exactly (s may be negative).
 * This is "keep s digits after the decimal point".
 */
export function roundScaled(x: number, s: number): bigint {
  const { m, e } = split(Math.abs(x));
  let num = m, den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (s >= 0) num *= pow10(s);
  else den *= pow10(-s);
  const q = num / den, r = num - q * den;
  const twice = 2n * r;
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** floor(log10(|x|)) for finite non-zero x, exactly. */
export function floorLog10(x: number): number {
  const ax = Math.abs(x);
  let k = Math.floor(Math.log10(ax));
  // Math.log10 can be off by one near powers of ten: check 10^k <= ax < 10^(k+1) exactly.
  while (compareToPow10(ax, k) < 0) k--;
  while (compareToPow10(ax, k + 1) >= 0) k++;
  return k;
}

/** Sign of (x - 10^k) for a finite positive double, exactly. */
function compareToPow10(x: number, k: number): number {
  const { m, e } = split(x);
  let a = m, b = 1n;
  if (e >= 0) a <<= BigInt(e);
  else b <<= BigInt(-e);
  if (k >= 0) b *= pow10(k);
  else a *= pow10(-k);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The shortest digits that read back as x (finite, non-zero), as Python's `repr` uses them. */
export function shortest(x: number): Decimal {
  const s = Math.abs(x).toExponential(); // "d.ddde+X": shortest round-trip digits
  const ePos = s.indexOf("e");
  const digits = s.slice(0, ePos).replace(".", "");
  return { digits, point: Number(s.slice(ePos + 1)) + 1 };
}

/** |x| rounded to `frac` digits after the point (ties to even), as a Decimal. */
export function fixedDigits(x: number, frac: number): Decimal {
  const n = x === 0 ? 0n : roundScaled(x, frac);
  const digits = n.toString();
  return { digits, point: digits.length - frac };
}

/** |x| rounded to `sig` significant digits (ties to even); x finite and non-zero. */
export function significantDigits(x: number, sig: number): Decimal {
  let k = floorLog10(x);
  let n = roundScaled(x, sig - 1 - k);
  if (n === pow10(sig)) { // rounding carried into a new digit: 9.99 -> 10.0
    n = pow10(sig - 1);
    k++;
  }
  return { digits: n.toString(), point: k + 1 };
}

/** "ddd.ddd" from a Decimal with exactly `frac` digits after the point (`frac` >= 0). */
export function positional(d: Decimal, frac: number): string {
  let { digits, point } = d;
  if (digits === "0") point = 1;
  const intPart = point > 0 ? digits.slice(0, point).padEnd(point, "0") : "0";
  let fracPart = point >= 0 ? digits.slice(point) : "0".repeat(-point) + digits;
  fracPart = fracPart.slice(0, frac).padEnd(frac, "0");
  return frac > 0 ? `${intPart}.${fracPart}` : intPart;
}
