/**
 * Python's `repr()` and `str()` for JavaScript values: numbers print as Python floats, bigints
 * as ints, strings quoted like Python, arrays as lists, tensors as NumPy arrays.
 *
 * @module
 */

import { reprFloat } from "./float_format.ts";
import { arrayRepr, arrayToString, isShapedArray } from "./array_print.ts";

/** Python's `repr` of a string: single quotes unless the text has ' and no ". */
function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

/**
 * Python's `repr(x)`: `repr(1)` is `"1.0"` (numbers are floats), `repr(1e-5)` is `"1e-05"`,
 * `repr(-0)` is `"-0.0"`, `repr(10n)` is `"10"`, `repr("a")` is `"'a'"`, `repr([1, 2])` is
 * `"[1.0, 2.0]"`, `repr(true)` is `"True"`, `repr(null)` is `"None"`, and a tensor prints as
 * NumPy's `array([...])`.
 */
export function repr(x: unknown): string {
  if (typeof x === "number") return reprFloat(x);
  if (typeof x === "bigint") return x.toString();
  if (typeof x === "string") return reprString(x);
  if (typeof x === "boolean") return x ? "True" : "False";
  if (x === null || x === undefined) return "None";
  if (isShapedArray(x) || x instanceof Float64Array || x instanceof Float32Array) {
    return arrayRepr(x);
  }
  if (x instanceof Int32Array) return arrayRepr(x);
  if (Array.isArray(x)) return `[${x.map(repr).join(", ")}]`;
  if (typeof x === "object") {
    const items = Object.entries(x as Record<string, unknown>).map(([k, v]) =>
      `${reprString(k)}: ${repr(v)}`
    );
    return `{${items.join(", ")}}`;
  }
  return String(x);
}

/**
 * Python's `str(x)`: like `repr` except that strings are not quoted and tensors print as
 * `print(a)` shows them (`arrayToString`; a 0-d tensor as its scalar).
 */
export function str(x: unknown): string {
  if (typeof x === "string") return x;
  if (isShapedArray(x) && x.shape.length === 0) return reprFloat(x.data[0]);
  if (
    isShapedArray(x) || x instanceof Float64Array || x instanceof Float32Array ||
    x instanceof Int32Array
  ) {
    return arrayToString(x);
  }
  return repr(x);
}
