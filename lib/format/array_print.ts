/**
 * NumPy's array printing (`str(a)`, `repr(a)`, `np.array2string`) with `precision`, `suppress`,
 * `linewidth`, `threshold`/`edgeitems` summarising and `floatmode`, character for character.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { arrayToString } from "@dlfs/deno-dl/format";
 *
 * const text = arrayToString([[1, 0.5], [-2.25, 1e-9]], { suppress: true, precision: 6, linewidth: 200 });
 * assert.equal(text, "[[ 1.    0.5 ]\n [-2.25  0.  ]]"); // as NumPy prints it
 * ```
 *
 * @module
 */

import { fixedDigits, shortest, significantDigits } from "./decimal.ts";
import type { Decimal } from "./decimal.ts";
import { checkFormatSize } from "./float_format.ts";

/** NumPy print options (`np.set_printoptions`). */
export interface PrintOptions {
  /** Digits after the point (default 8). */
  precision: number;
  /** Never use scientific notation for small numbers; print them as 0 (default false). */
  suppress: boolean;
  /** Characters per line before wrapping (default 75). */
  linewidth: number;
  /** Arrays with more elements than this are summarised with "..." (default 1000). */
  threshold: number;
  /** Items shown at each end of a summarised axis (default 3). */
  edgeitems: number;
  /** `maxprec` (default), `fixed`, `maxprec_equal` or `unique`. */
  floatmode: "maxprec" | "fixed" | "maxprec_equal" | "unique";
}

/** Options of `arrayToString` (any subset of the print options, plus repr-style framing). */
export interface ArrayToStringOptions extends Partial<PrintOptions> {
  /** Between elements: " " for `str`, ", " for `repr`. */
  separator?: string;
  /** Text the output will be printed after (its length indents continuation lines). */
  prefix?: string;
  /** Text the output will be followed by (its length shortens the last line). */
  suffix?: string;
  /**
   * Print the values as integers, as NumPy prints an integer array (a confusion matrix of counts,
   * say); every value must then be a whole number.
   */
  integer?: boolean;
}

/**
 * What the printers need of an n-d array such as a `Tensor`: a flat row-major buffer, its shape and
 * its dtype. Described by its shape rather than imported, so that lib/tensor can print itself with
 * this module without the two importing each other.
 */
export interface ShapedArray {
  /** The elements, row-major. */
  readonly data: Float64Array | Float32Array;
  /** Size of each axis (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** Element type: float32 values print with float32's shortest digits. */
  readonly dtype: "float32" | "float64";
}

/** Whether `x` is an n-d array of the `ShapedArray` shape (a `Tensor`, say), not a plain array. */
export function isShapedArray(x: unknown): x is ShapedArray {
  if (typeof x !== "object" || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) {
    return false;
  }
  const { data, shape, dtype } = x as Partial<ShapedArray>;
  return Array.isArray(shape) && (data instanceof Float64Array || data instanceof Float32Array) &&
    (dtype === "float32" || dtype === "float64");
}

/** What `arrayToString` accepts: a tensor, nested number arrays, or an integer typed array. */
export type ArrayLikeInput =
  | ShapedArray
  | number
  | readonly unknown[]
  | Float64Array
  | Float32Array
  | Int32Array;

const defaults: PrintOptions = {
  precision: 8,
  suppress: false,
  linewidth: 75,
  threshold: 1000,
  edgeitems: 3,
  floatmode: "maxprec",
};

/** Sets the defaults used by `arrayToString`/`repr`, as `np.set_printoptions`. */
export function setPrintOptions(options: Partial<PrintOptions>): void {
  if (options.precision !== undefined) {
    checkFormatSize("setPrintOptions", "precision", options.precision, "precision");
  }
  Object.assign(defaults, options);
}

/** The current print options, as `np.get_printoptions`. */
export function getPrintOptions(): PrintOptions {
  return { ...defaults };
}

/** A flat array with a shape, and whether its elements are integers (printed without a point). */
interface Flat {
  data: ArrayLike<number>;
  shape: number[];
  integer: boolean;
  float32: boolean;
}

function toFlat(a: ArrayLikeInput): Flat {
  if (isShapedArray(a)) {
    return { data: a.data, shape: [...a.shape], integer: false, float32: a.dtype === "float32" };
  }
  if (a instanceof Int32Array) return { data: a, shape: [a.length], integer: true, float32: false };
  if (a instanceof Float32Array) {
    return { data: a, shape: [a.length], integer: false, float32: true };
  }
  if (a instanceof Float64Array) {
    return { data: a, shape: [a.length], integer: false, float32: false };
  }
  if (typeof a === "number") return { data: [a], shape: [], integer: false, float32: false };
  const shape: number[] = [];
  for (let level: unknown = a; Array.isArray(level); level = level[0]) shape.push(level.length);
  const data: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== "number") throw new TypeError(`arrayToString: expected a number, got ${v}`);
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new RangeError(`arrayToString: ragged nested array (expected length ${shape[depth]})`);
    }
    for (const item of v) walk(item, depth + 1);
  };
  walk(a, 0);
  return { data, shape, integer: false, float32: false };
}

/** Shortest digits that read back as the same float32 value. */
function shortest32(x: number): Decimal {
  const ax = Math.abs(x);
  for (let p = 1; p <= 9; p++) {
    const s = ax.toPrecision(p);
    if (Math.fround(Number(s)) === ax) return shortest(Number(s));
  }
  return shortest(ax);
}

/**
 * NumPy's Dragon4 digit choice. With `unique`, the shortest round-trip digits, unless they need
 * more than `precision` digits (then the exact value rounded there, ties to even) or fewer than
 * `minDigits` (then the exact value rounded to `minDigits`: NumPy prints true digits, not zeros).
 * Without `unique`, always the exact value rounded to `precision` digits.
 */
interface DigitRule {
  /** Start from the shortest round-trip digits (`unique=True`). */
  unique: boolean;
  /** Cutoff: digits after the point (positional) or after the first digit (scientific); -1: none. */
  precision: number;
  /** Minimum digits after the point (or after the first digit). */
  minDigits: number;
  float32: boolean;
}

function positionalDigits(ax: number, rule: DigitRule): Decimal {
  if (ax === 0) return { digits: "0", point: 1 };
  if (rule.unique) {
    const d = rule.float32 ? shortest32(ax) : shortest(ax);
    const frac = Math.max(d.digits.length - d.point, 0);
    if (rule.precision >= 0 && frac > rule.precision) return fixedDigits(ax, rule.precision);
    return frac < rule.minDigits ? fixedDigits(ax, rule.minDigits) : d;
  }
  return fixedDigits(ax, rule.precision);
}

function scientificDigits(ax: number, rule: DigitRule): Decimal {
  if (ax === 0) return { digits: "0", point: 1 };
  if (rule.unique) {
    const d = rule.float32 ? shortest32(ax) : shortest(ax);
    const frac = d.digits.length - 1;
    if (rule.precision >= 0 && frac > rule.precision) {
      return significantDigits(ax, rule.precision + 1);
    }
    return frac < rule.minDigits ? significantDigits(ax, rule.minDigits + 1) : d;
  }
  return significantDigits(ax, rule.precision + 1);
}

/** Splits a positional number into integer and fraction digit strings. */
function positionalParts(d: Decimal): [string, string] {
  const { digits, point } = d;
  if (digits === "0") return ["0", ""];
  const intPart = point > 0 ? digits.slice(0, point).padEnd(point, "0") : "0";
  const frac = point >= 0 ? digits.slice(point) : "0".repeat(-point) + digits;
  return [intPart, frac];
}

/** The pieces of one formatted float, before padding. */
interface Pieces {
  sign: string;
  int: string;
  frac: string;
  exp: string;
}

/** NumPy's `FloatingFormat`: decides notation and paddings from the data, then formats items. */
class FloatFormatter {
  #exp = false;
  #rule: DigitRule;
  #trimZeros = true;
  #minDigits = 0;
  #padLeft = 0;
  #padRight = 0;
  #expSize = -1;

  constructor(values: number[], opts: PrintOptions, float32: boolean) {
    const unique = opts.floatmode !== "fixed";
    this.#rule = {
      unique,
      precision: opts.floatmode === "unique" ? -1 : opts.precision,
      minDigits: 0,
      float32,
    };
    this.#trimZeros = unique;
    const finite = values.filter((v) => Number.isFinite(v));
    const absNonZero = finite.filter((v) => v !== 0).map(Math.abs);
    if (absNonZero.length > 0) {
      let max = absNonZero[0], min = absNonZero[0];
      for (const v of absNonZero) {
        if (v > max) max = v;
        if (v < min) min = v;
      }
      const ratio = float32 ? Math.fround(max / min) : max / min;
      this.#exp = max >= 1e8 || (!opts.suppress && (min < 0.0001 || ratio > 1000));
    }
    if (finite.length > 0) this.#fillFormat(finite, opts);
    if (finite.length !== values.length) {
      const negInf = values.some((v) => v === -Infinity);
      const offset = this.#padRight + 1;
      this.#padLeft = Math.max(this.#padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset);
    }
  }

  /** First pass over the finite values: widths of integer, fraction and exponent parts. */
  #fillFormat(finite: number[], opts: PrintOptions): void {
    let fracMax = 0, expMax = 0;
    for (const v of finite) {
      const p = this.#pieces(v);
      this.#padLeft = Math.max(this.#padLeft, p.sign.length + p.int.length);
      fracMax = Math.max(fracMax, p.frac.length);
      expMax = Math.max(expMax, p.exp.length);
    }
    if (this.#exp) {
      this.#expSize = expMax - 1;
      this.#rule = { ...this.#rule, precision: fracMax, minDigits: fracMax };
      this.#minDigits = fracMax;
      this.#trimZeros = false;
      this.#padRight = this.#expSize + 2 + fracMax;
    } else {
      this.#padRight = fracMax;
      if (opts.floatmode === "fixed" || opts.floatmode === "maxprec_equal") {
        this.#rule = { ...this.#rule, precision: fracMax, minDigits: fracMax };
        this.#minDigits = fracMax;
        this.#trimZeros = false;
      }
    }
  }

  /** Digits of one value with the current rule (trailing zeros trimmed when allowed). */
  #pieces(v: number): Pieces {
    const sign = v < 0 || Object.is(v, -0) ? "-" : "";
    const ax = Math.abs(v);
    if (this.#exp) {
      const d = scientificDigits(ax, this.#rule);
      let digits = d.digits;
      if (!this.#rule.unique) digits = digits.padEnd(this.#rule.precision + 1, "0");
      let frac = digits.slice(1);
      if (this.#trimZeros) frac = frac.replace(/0+$/, "");
      const e = digits === "0" ? 0 : d.point - 1;
      const expDigits = String(Math.abs(e)).padStart(Math.max(this.#expSize, 2), "0");
      return { sign, int: digits[0], frac, exp: (e < 0 ? "-" : "+") + expDigits };
    }
    let [int, frac] = positionalParts(positionalDigits(ax, this.#rule));
    if (!this.#rule.unique) frac = frac.padEnd(this.#rule.precision, "0");
    if (this.#trimZeros) frac = frac.replace(/0+$/, "");
    return { sign, int, frac, exp: "" };
  }

  /** Formats one element with the common paddings. */
  format(v: number): string {
    if (!Number.isFinite(v)) {
      const s = Number.isNaN(v) ? "nan" : v < 0 ? "-inf" : "inf";
      return s.padStart(this.#padLeft + this.#padRight + 1);
    }
    const p = this.#pieces(v);
    const frac = p.frac.padEnd(this.#minDigits, "0");
    const head = (p.sign + p.int).padStart(this.#padLeft);
    if (this.#exp) return `${head}.${frac}e${p.exp}`;
    return `${head}.${frac.padEnd(this.#padRight)}`;
  }
}

/** NumPy's `IntegerFormat`: right-aligned to the widest of min and max. */
function integerFormatter(values: number[]): (v: number) => string {
  let width = 0;
  for (const v of values) width = Math.max(width, String(v).length);
  return (v) => String(v).padStart(width);
}

/** Flat indices of the elements that are shown (all, or the edges when summarising). */
function shownIndices(shape: number[], edge: number, summarize: boolean): number[] {
  const out: number[] = [];
  const visit = (axis: number, offset: number, stride: number): void => {
    if (axis === shape.length) {
      out.push(offset);
      return;
    }
    const n = shape[axis], inner = stride / n;
    for (let i = 0; i < n; i++) {
      if (summarize && n > 2 * edge && i >= edge && i < n - edge) continue;
      visit(axis + 1, offset + i * inner, inner);
    }
  };
  visit(0, 0, shape.reduce((a, b) => a * b, 1));
  return out;
}

/** NumPy's `_extendLine`: wraps before `word` if the line would get too long. */
function extendLine(
  s: string,
  line: string,
  word: string,
  width: number,
  indent: string,
): [string, string] {
  let wrap = line.length + word.length > width;
  if (line.length <= indent.length) wrap = false; // wrapping would not help
  if (wrap) {
    s += line.trimEnd() + "\n";
    line = indent;
  }
  return [s, line + word];
}

/** NumPy's `_formatArray`: nested brackets, separators, line wrapping, "..." summaries. */
function formatNested(
  flat: Flat,
  fmt: (v: number) => string,
  opts: PrintOptions,
  separator: string,
  indent: string,
  summarize: boolean,
): string {
  const { data, shape } = flat;
  const edge = opts.edgeitems;
  const recurse = (
    axis: number,
    offset: number,
    stride: number,
    hanging: string,
    width: number,
  ) => {
    if (axis === shape.length) return fmt(data[offset]);
    const nextHanging = hanging + " ";
    const nextWidth = width - 1;
    const n = shape[axis], inner = stride / n;
    const summary = summarize && 2 * edge < n;
    const leading = summary ? edge : 0;
    const trailing = summary ? edge : n;
    const item = (i: number) =>
      recurse(axis + 1, offset + i * inner, inner, nextHanging, nextWidth);
    let s = "";
    if (axis === shape.length - 1) {
      const elemWidth = width - Math.max(separator.trimEnd().length, 1);
      let line = hanging;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLine(s, line, item(i), elemWidth, hanging);
        line += separator;
      }
      if (summary) {
        [s, line] = extendLine(s, line, "...", elemWidth, hanging);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLine(s, line, item(n - i), elemWidth, hanging);
        line += separator;
      }
      [s, line] = extendLine(s, line, item(n - 1), elemWidth, hanging);
      s += line;
    } else {
      const lineSep = separator.trimEnd() + "\n".repeat(shape.length - axis - 1);
      for (let i = 0; i < leading; i++) s += hanging + item(i) + lineSep;
      if (summary) s += hanging + "..." + lineSep;
      for (let i = trailing; i > 1; i--) s += hanging + item(n - i) + lineSep;
      s += hanging + item(n - 1);
    }
    return "[" + s.slice(hanging.length) + "]";
  };
  const size = shape.reduce((a, b) => a * b, 1);
  return recurse(0, 0, size, indent, opts.linewidth);
}

/**
 * NumPy's `np.array2string(a)` (what `print(a)` shows): `arrayToString(x, {precision: 6,
 * suppress: true, linewidth: 200})` equals NumPy's output after
 * `np.set_printoptions(suppress=True, precision=6, linewidth=200)`. Accepts a tensor (float32
 * values print with float32's shortest digits), nested number arrays (treated as float64), a
 * Float64Array/Float32Array (1-D) or an Int32Array (printed as integers).
 */
export function arrayToString(a: ArrayLikeInput, options: ArrayToStringOptions = {}): string {
  const opts: PrintOptions = { ...defaults, ...definedOnly(options) };
  checkFormatSize("arrayToString", "precision", opts.precision, "precision");
  const { separator = " ", prefix = "", suffix = "" } = options;
  const flat = toFlat(a);
  if (options.integer) {
    const bad = Array.from(flat.data).find((v) => !Number.isInteger(v));
    if (bad !== undefined) {
      throw new RangeError(`arrayToString: {integer: true} but the array holds ${bad}`);
    }
    flat.integer = true;
  }
  const size = flat.shape.reduce((x, y) => x * y, 1);
  const summarize = size > opts.threshold;
  const shown = shownIndices(flat.shape, opts.edgeitems, summarize).map((i) => flat.data[i]);
  const fmt = flat.integer
    ? integerFormatter(shown)
    : ((f) => (v: number) => f.format(v))(new FloatFormatter(shown, opts, flat.float32));
  if (flat.shape.length === 0) return fmt(flat.data[0]);
  if (size === 0) return "[]";
  const width = { ...opts, linewidth: opts.linewidth - suffix.length };
  return formatNested(flat, fmt, width, separator, " " + " ".repeat(prefix.length), summarize);
}

/**
 * NumPy's `repr(a)`: `array([1., 2.])`; the dtype is added when it is not float64 (float32
 * tensors, Int32Array as int32) or the array is empty, as NumPy does.
 */
export function arrayRepr(a: ArrayLikeInput, options: Partial<PrintOptions> = {}): string {
  const flat = toFlat(a);
  const size = flat.shape.reduce((x, y) => x * y, 1);
  const dtype = flat.float32 ? "float32" : flat.integer ? "int32" : size === 0 ? "float64" : "";
  let body: string;
  if (flat.shape.length === 0) body = arrayToString(a, options);
  else if (size === 0) {
    body = flat.shape.length === 1 ? "[]" : `[], shape=(${flat.shape.join(", ")})`;
  } else {body = arrayToString(a, {
      ...options,
      separator: ", ",
      prefix: "array(",
      suffix: dtype ? "," : ")",
    });}
  if (!dtype) return `array(${body})`;
  // NumPy moves the dtype to a new line when it would overflow the last line.
  const arrStr = `array(${body},`;
  const lastLen = arrStr.length - (arrStr.lastIndexOf("\n") + 1);
  const dtypeStr = `dtype=${dtype})`;
  const width = { ...defaults, ...definedOnly(options) }.linewidth;
  return arrStr + (lastLen + dtypeStr.length + 1 > width ? "\n      " : " ") + dtypeStr;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
