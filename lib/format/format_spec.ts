/**
 * Python's `format(value, spec)` (the format-spec mini-language used by f-strings):
 * `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
 *
 * JavaScript numbers are treated as Python floats (so `format(2, "")` is `"2.0"`); the integer
 * types (`d`, `b`, `o`, `x`, `X`, `c`) accept integer-valued numbers, and bigints format as Python
 * ints.
 *
 * @module
 */

import { checkFormatSize, floatBody, reprFloat } from "./float_format.ts";
import type { FloatType } from "./float_format.ts";

/** A parsed format spec. */
export interface FormatSpec {
  /** Padding character (default space). */
  fill: string;
  /** `<`, `>`, `^`, `=` or "" (type's default). */
  align: string;
  /** `+`, `-`, ` ` or "". */
  sign: string;
  /** Coerce negative zero to zero (`z`). */
  z: boolean;
  /** Alternate form (`#`). */
  alt: boolean;
  /** Minimum width (0: none). */
  width: number;
  /** Thousands separator: `,`, `_` or "". */
  grouping: string;
  /** Precision, -1 when absent. */
  precision: number;
  /** Presentation type, "" when absent. */
  type: string;
}

const SPEC_RE =
  /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

/** Parses a Python format spec, throwing on invalid ones like Python does. */
export function parseSpec(spec: string): FormatSpec {
  const m = SPEC_RE.exec(spec);
  if (!m) throw new RangeError(`format: invalid format specifier '${spec}'`);
  if (m[7]) checkFormatSize("format", "width", Number(m[7]), spec);
  if (m[9]) checkFormatSize("format", "precision", Number(m[9]), spec);
  let fill = m[1] ?? " ", align = m[2] ?? "";
  if (m[6] && !m[2]) { // '0' before width: zero padding after the sign
    fill = "0";
    align = "=";
  }
  return {
    fill,
    align,
    sign: m[3] ?? "",
    z: !!m[4],
    alt: !!m[5],
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] ?? "",
    precision: m[9] !== undefined ? Number(m[9]) : -1,
    type: m[10] ?? "",
  };
}

/** Pads `body` (after `sign`) to the spec's width with its fill and alignment. */
export function pad(sign: string, body: string, spec: FormatSpec, defaultAlign: string): string {
  const len = sign.length + body.length;
  if (len >= spec.width) return sign + body;
  const n = spec.width - len;
  const fill = spec.fill;
  switch (spec.align || defaultAlign) {
    case "<":
      return sign + body + fill.repeat(n);
    case "^": {
      const left = Math.floor(n / 2);
      return fill.repeat(left) + sign + body + fill.repeat(n - left);
    }
    case "=":
      return sign + fill.repeat(n) + body;
    default:
      return fill.repeat(n) + sign + body;
  }
}

/**
 * Inserts `sep` every `every` digits into the integer digits at the start of `body`. With
 * `minWidth` > 0 (zero padding) the digits are padded with zeros, inside the grouping, up to that
 * total width: CPython's `_PyUnicode_InsertThousandsGrouping` step for step.
 */
export function group(body: string, sep: string, every: number, minWidth = 0): string {
  const digits = (every === 4 ? /^[0-9a-fA-F]*/ : /^[0-9]*/).exec(body)![0];
  const rest = body.slice(digits.length);
  let width = minWidth - rest.length;
  if (!sep) return digits.padStart(Math.max(width, digits.length), "0") + rest;
  let remaining = digits.length;
  const pieces: string[] = [];
  for (;;) {
    const l = Math.min(every, Math.max(remaining, width, 1));
    const chars = Math.max(0, Math.min(remaining, l));
    pieces.unshift(
      "0".repeat(Math.max(0, l - remaining)) + digits.slice(remaining - chars, remaining),
    );
    remaining -= chars;
    width -= l;
    if (remaining <= 0 && width <= 0) break;
    pieces.unshift(sep);
    width -= sep.length;
  }
  return pieces.join("") + rest;
}

/** Formats a float (JS number) with a parsed spec. */
function formatFloat(x: number, spec: FormatSpec): string {
  let type = spec.type;
  if (type === "n") type = "g";
  const upper = type === "E" || type === "F" || type === "G";
  let negative = x < 0 || Object.is(x, -0);
  let body: string;
  if (type === "%" && Number.isFinite(x) && !Number.isFinite(x * 100)) {
    body = "inf%"; // Python scales first, so huge values overflow to inf
  } else if (Number.isNaN(x)) {
    body = upper ? "NAN" : "nan";
    negative = false;
  } else if (!Number.isFinite(x)) {
    body = upper ? "INF" : "inf";
  } else if (type === "") {
    body = spec.precision < 0
      ? floatBody(Math.abs(x), "r", -1, { addDot0: true })
      : floatBody(Math.abs(x), "g", spec.precision, { alt: spec.alt, addDot0: true });
  } else {
    body = floatBody(Math.abs(x), type as FloatType, spec.precision, { alt: spec.alt });
  }
  if (type === "%" && !Number.isFinite(x)) body += "%";
  // `z`: a negative value that rounds to zero prints without its sign.
  if (negative && spec.z && Number.isFinite(x) && !/[1-9]/.test(body.split(/e/i)[0])) {
    negative = false;
  }
  return finishNumber(negative, body, spec);
}

/** Applies sign, grouping and padding to a number's digits. */
function finishNumber(negative: boolean, body: string, spec: FormatSpec): string {
  const sign = negative ? "-" : spec.sign === "+" ? "+" : spec.sign === " " ? " " : "";
  const zeroPad = spec.fill === "0" && spec.align === "=";
  if ((spec.grouping || zeroPad) && /^\d/.test(body)) {
    const every = spec.type !== "" && "boxX".includes(spec.type) ? 4 : 3;
    const minWidth = zeroPad ? spec.width - sign.length : 0;
    body = group(body, spec.grouping, every, minWidth);
  }
  return pad(sign, body, spec, ">");
}

/** Formats an integer (bigint, or an integer-valued number) with a parsed spec. */
function formatInt(n: bigint, spec: FormatSpec): string {
  const negative = n < 0n;
  const a = negative ? -n : n;
  let body: string;
  switch (spec.type) {
    case "b":
      body = (spec.alt ? "0b" : "") + a.toString(2);
      break;
    case "o":
      body = (spec.alt ? "0o" : "") + a.toString(8);
      break;
    case "x":
      body = (spec.alt ? "0x" : "") + a.toString(16);
      break;
    case "X":
      body = (spec.alt ? "0X" : "") + a.toString(16).toUpperCase();
      break;
    case "c":
      return pad("", String.fromCodePoint(Number(n)), spec, "<");
    default:
      body = a.toString();
  }
  if (spec.alt && spec.type !== "" && "boxX".includes(spec.type)) {
    // Grouping and zero padding apply after the 0x prefix.
    const prefix = body.slice(0, 2), digits = body.slice(2);
    const sign = negative ? "-" : spec.sign === "+" ? "+" : spec.sign === " " ? " " : "";
    const zeroPad = spec.fill === "0" && spec.align === "=";
    const grouped = spec.grouping || zeroPad
      ? group(digits, spec.grouping, 4, zeroPad ? spec.width - sign.length - 2 : 0)
      : digits;
    return pad(sign + prefix, grouped, spec, ">");
  }
  return finishNumber(negative, body, spec);
}

/**
 * Python's `format(value, spec)`: `format(0.8125, ".3f")` is `"0.812"` (exact value, ties to
 * even), `format(3.14159, "7.4f")` is `" 3.1416"`, `format(12345.678, ",.2f")` is `"12,345.68"`.
 * Numbers are Python floats; bigints (and integer numbers with `d`/`b`/`o`/`x`/`X`/`c`) are ints;
 * strings use the string rules; booleans print as `True`/`False`.
 */
export function format(value: number | bigint | string | boolean, spec = ""): string {
  const s = parseSpec(spec);
  if (typeof value === "string") {
    if (s.type !== "" && s.type !== "s") {
      throw new RangeError(`format: unknown format code '${s.type}' for object of type 'str'`);
    }
    const body = s.precision >= 0 ? value.slice(0, s.precision) : value;
    return pad("", body, s, "<");
  }
  if (typeof value === "boolean") {
    if (s.type === "" || s.type === "s") return pad("", value ? "True" : "False", s, "<");
    value = value ? 1n : 0n;
  }
  const intType = "bcdoxX".includes(s.type) && s.type !== "";
  if (typeof value === "bigint") {
    if (intType || s.type === "" || s.type === "n") return formatInt(value, s);
    return formatFloat(Number(value), s);
  }
  if (intType) {
    if (!Number.isInteger(value)) {
      throw new RangeError(
        `format: unknown format code '${s.type}' for a non-integer number ${reprFloat(value)}`,
      );
    }
    return formatInt(BigInt(value), s);
  }
  return formatFloat(value, s);
}
