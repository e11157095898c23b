/**
 * Python's printf-style `%` formatting: `sprintf("%7.4f", x)` is Python's `"%7.4f" % x`.
 *
 * Supports `%[(key)][flags][width][.precision]type` with flags `-+ #0`, `*` widths, and the types
 * `d i u o x X e E f F g G c r s a %`. Floats round their exact value, ties to even, as Python.
 * `%s` of a number prints it as a Python float (`"2.0"`); pass a bigint or use `%d` for ints.
 *
 * @module
 */

import { checkFormatSize, floatBody } from "./float_format.ts";
import type { FloatType } from "./float_format.ts";
import { repr, str } from "./repr.ts";

const CONV_RE = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/** Converts a %d/%x argument to a bigint like Python's int() (floats truncate). */
function toInt(v: unknown, type: string): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "number") {
    if (Number.isNaN(v)) throw new RangeError(`sprintf: cannot convert float NaN to integer`);
    if (!Number.isFinite(v)) {
      throw new RangeError(`sprintf: cannot convert float infinity to integer`);
    }
    if ("oxX".includes(type) && !Number.isInteger(v)) {
      throw new TypeError(`sprintf: %${type} format: an integer is required, not float ${v}`);
    }
    return BigInt(Math.trunc(v));
  }
  throw new TypeError(`sprintf: %${type} format: a real number is required, not ${typeof v}`);
}

/** Formats one integer conversion: digits with precision, # prefix and sign. */
function intParts(n: bigint, type: string, prec: number, flags: string): [string, string] {
  const negative = n < 0n;
  const a = negative ? -n : n;
  const radix = type === "o" ? 8 : type === "x" || type === "X" ? 16 : 10;
  let digits = a.toString(radix);
  if (type === "X") digits = digits.toUpperCase();
  if (prec >= 0) digits = digits.padStart(prec, "0");
  let sign = negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  if (flags.includes("#") && radix !== 10) sign += type === "o" ? "0o" : type === "x" ? "0x" : "0X";
  return [sign, digits];
}

/** Formats one float conversion into sign and digits. */
function floatParts(v: unknown, type: string, prec: number, flags: string): [string, string] {
  const x = typeof v === "bigint" ? Number(v) : v;
  if (typeof x !== "number") {
    throw new TypeError(`sprintf: %${type} format: a real number is required, not ${typeof v}`);
  }
  const upper = type === "E" || type === "F" || type === "G";
  const negative = (x < 0 || Object.is(x, -0)) && !Number.isNaN(x);
  const sign = negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  let body: string;
  if (Number.isNaN(x)) body = "nan";
  else if (!Number.isFinite(x)) body = "inf";
  else {
    body = floatBody(Math.abs(x), type.toLowerCase() as FloatType, prec, {
      alt: flags.includes("#"),
    });
  }
  return [sign, upper ? body.toUpperCase() : body];
}

/**
 * Python's `fmt % args`: `sprintf("%.2f", 0.125)` is `"0.12"`, `sprintf("%3d%%", 7)` is
 * `"  7%"`, `sprintf("%(loss).4f", { loss: 0.5 })` is `"0.5000"`. Throws like Python when the
 * argument count does not match.
 */
export function sprintf(fmt: string, ...args: unknown[]): string {
  const mapping = args.length === 1 && args[0] !== null && typeof args[0] === "object" &&
      !Array.isArray(args[0]) && !ArrayBuffer.isView(args[0])
    ? args[0] as Record<string, unknown>
    : undefined;
  let next = 0;
  const take = (): unknown => {
    if (next >= args.length) {
      throw new RangeError("sprintf: not enough arguments for format string");
    }
    return args[next++];
  };
  let usedMapping = false;
  const out = fmt.replace(
    CONV_RE,
    (m, key: string | undefined, flags: string, w?: string, p?: string, type = "s") => {
      if (type === "%") return "%";
      let width = w === "*" ? Number(take()) : w ? Number(w) : 0;
      let prec = p === "*" ? Number(take()) : p === undefined ? -1 : p === "" ? 0 : Number(p);
      if (p === "*" && prec < 0) prec = 0; // as Python: a negative * precision means 0
      checkFormatSize("sprintf", "width", Math.abs(width), m);
      if (prec !== -1 || p === "*") checkFormatSize("sprintf", "precision", prec, m);
      let value: unknown;
      if (key !== undefined) {
        if (!mapping) throw new TypeError("sprintf: format requires a mapping");
        if (!(key in mapping)) throw new RangeError(`sprintf: key '${key}' not in the mapping`);
        value = mapping[key];
        usedMapping = true;
      } else {
        value = take();
      }
      if (width < 0) { // a negative * width means left-justify, as in C
        flags += "-";
        width = -width;
      }
      let sign = "", body: string, numeric = true;
      if ("diu".includes(type) || "oxX".includes(type)) {
        [sign, body] = intParts(toInt(value, type), type, prec, flags);
      } else if ("eEfFgG".includes(type)) {
        [sign, body] = floatParts(value, type, prec, flags);
      } else {
        numeric = false;
        if (type === "c") {
          body = typeof value === "string" ? value : String.fromCodePoint(Number(value));
        } else {
          body = type === "s" ? str(value) : repr(value);
          if (type === "a") body = [...body].map(asciiEscape).join("");
        }
        if (prec >= 0) body = body.slice(0, prec);
      }
      return padConversion(sign, body, width, flags, numeric);
    },
  );
  if (!usedMapping && next < args.length && !mapping) {
    throw new RangeError("sprintf: not all arguments converted during string formatting");
  }
  return out;
}

/** Width padding of one conversion: left-justified, zero-filled after the sign, or spaces. */
function padConversion(
  sign: string,
  body: string,
  width: number,
  flags: string,
  numeric: boolean,
): string {
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  if (flags.includes("-")) return sign + body + " ".repeat(width - len);
  if (flags.includes("0") && numeric) return sign + "0".repeat(width - len) + body;
  return " ".repeat(width - len) + sign + body;
}

/** Python's `ascii()` escaping of one character (ASCII passes through). */
function asciiEscape(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c < 0x80) return ch;
  if (c <= 0xff) return "\\x" + c.toString(16).padStart(2, "0");
  if (c <= 0xffff) return "\\u" + c.toString(16).padStart(4, "0");
  return "\\U" + c.toString(16).padStart(8, "0");
}
