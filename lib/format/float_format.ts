/**
 * Python's float-to-string conversions (`PyOS_double_to_string`): `repr`, and the `e`, `f`, `g`
 * and `%` presentation types with their precision and `#` rules, on exact decimal digits.
 *
 * @module
 */

import { fixedDigits, positional, shortest, significantDigits } from "./decimal.ts";
import type { Decimal } from "./decimal.ts";

/** Python's float presentation types (plus `r` for repr-style shortest digits). */
export type FloatType = "e" | "E" | "f" | "F" | "g" | "G" | "%" | "r";

/** Options of `floatBody`. */
export interface FloatBodyOptions {
  /** The `#` flag: keep the decimal point (and, for `g`, trailing zeros). */
  alt?: boolean;
  /** Append ".0" when the result looks like an integer (`repr` and untyped `format`). */
  addDot0?: boolean;
}

/** Scientific notation "d.ddde+XX" from digits; `frac` digits after the point. */
function scientific(d: Decimal, frac: number, alt: boolean): string {
  const digits = d.digits.padEnd(frac + 1, "0");
  const mant = frac > 0 || alt ? `${digits[0]}.${digits.slice(1, frac + 1)}` : digits[0];
  const exp = d.digits === "0" ? 0 : d.point - 1;
  const sign = exp < 0 ? "-" : "+";
  return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/**
 * The largest width or precision a format accepts. A float64 has at most 1074 digits after the
 * point and 309 before it, so larger precisions only add zeros; the cap stops a typo such as
 * `%.1000000000f` from building a gigabyte string.
 */
export const MAX_FORMAT_SIZE = 10_000;

/** Throws unless `value` (a width or precision taken from `spec`) is an integer in [0, cap]. */
export function checkFormatSize(op: string, what: string, value: number, spec: string): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_FORMAT_SIZE) {
    throw new RangeError(
      `${op}: ${what} ${value} in '${spec}' is out of range: use an integer from 0 to ` +
        `${MAX_FORMAT_SIZE} (a float64 has at most 1074 digits after the point)`,
    );
  }
}

/** Drops trailing zeros after the decimal point (and the point itself if nothing is left). */
function trimZeros(s: string): string {
  if (!s.includes(".")) return s;
  return s.replace(/0+$/, "").replace(/\.$/, "");
}

/**
 * The digits of |x| (finite) in a Python presentation type, without sign or padding.
 * `precision` < 0 means the type's default (6; shortest digits for `r`).
 */
export function floatBody(
  absx: number,
  type: FloatType,
  precision: number,
  { alt = false, addDot0 = false }: FloatBodyOptions = {},
): string {
  switch (type) {
    case "f":
    case "F":
    case "%": {
      const p = precision < 0 ? 6 : precision;
      const v = type === "%" ? absx * 100 : absx;
      const s = positional(fixedDigits(v, p), p);
      return (alt && p === 0 ? `${s}.` : s) + (type === "%" ? "%" : "");
    }
    case "e":
    case "E": {
      const p = precision < 0 ? 6 : precision;
      const d = absx === 0 ? { digits: "0", point: 1 } : significantDigits(absx, p + 1);
      const s = scientific(d, p, alt);
      return type === "E" ? s.toUpperCase() : s;
    }
    case "g":
    case "G": {
      const p = precision < 0 ? 6 : precision === 0 ? 1 : precision;
      // Untyped specs with a precision ("{:.3}") switch to scientific one digit earlier.
      const s = general(absx, p, alt, addDot0, addDot0 ? p - 1 : p);
      return type === "G" ? s.toUpperCase() : s;
    }
    case "r":
      return reprBody(absx, addDot0);
  }
}

/**
 * `g` formatting with `p` significant digits: fixed notation when -4 <= exponent < `limit`
 * (p for `g`, p - 1 for an untyped spec), else scientific; trailing zeros dropped unless `alt`.
 */
function general(absx: number, p: number, alt: boolean, addDot0: boolean, limit: number): string {
  const d = absx === 0 ? { digits: "0", point: 1 } : significantDigits(absx, p);
  const exp = d.digits === "0" ? 0 : d.point - 1;
  let s: string;
  if (exp >= -4 && exp < limit) {
    const frac = Math.max(p - 1 - exp, 0);
    s = positional(d, frac);
    if (!alt) s = trimZeros(s);
    else if (!s.includes(".")) s += ".";
  } else {
    s = scientific(d, p - 1, alt);
    if (!alt) s = s.replace(/\.?0+e/, "e");
  }
  if (addDot0 && !/[.e]/.test(s)) s += ".0";
  return s;
}

/** Python's `repr` digits: shortest round-trip, fixed for 1e-4 <= x < 1e16, else scientific. */
function reprBody(absx: number, addDot0: boolean): string {
  if (absx === 0) return addDot0 ? "0.0" : "0";
  const d = shortest(absx);
  if (d.point <= -4 || d.point > 16) {
    const frac = d.digits.length - 1;
    return scientific(d, frac, false);
  }
  const frac = Math.max(d.digits.length - d.point, 0);
  const s = positional(d, frac);
  return addDot0 && !s.includes(".") ? `${s}.0` : s;
}

/** Python's `repr(float)`: `1.0`, `0.1`, `1e-05`, `2.5e+20`, `inf`, `nan`, `-0.0`. */
export function reprFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  return sign + reprBody(Math.abs(x), true);
}
