/**
 * Python- and NumPy-compatible number printing.
 *
 * - `repr(x)` / `str(x)`: Python's `repr`/`str` (numbers as floats: `1.0`, `1e-05`, `-0.0`).
 * - `format(x, spec)`: Python's `format(x, spec)` / f-string specs (`".4f"`, `"7.4f"`, `",.2f"`).
 * - `sprintf(fmt, ...args)`: Python's `fmt % args` (`"%7.4f"`, `"%3d"`, `"%s"`).
 * - `arrayToString(a, {precision, suppress, linewidth})`: NumPy's `print(a)`; `arrayRepr(a)`:
 *   NumPy's `repr(a)`; `setPrintOptions` as `np.set_printoptions`.
 *
 * Floats are rounded on their exact binary value with ties to even, as Python does
 * (`format(0.8125, ".3f")` is `"0.812"`; JavaScript's `toFixed(3)` gives `"0.813"`).
 *
 * @module
 */

export { arrayRepr, arrayToString, getPrintOptions, setPrintOptions } from "./array_print.ts";
export type {
  ArrayLikeInput,
  ArrayToStringOptions,
  PrintOptions,
  ShapedArray,
} from "./array_print.ts";
export { format, parseSpec } from "./format_spec.ts";
export type { FormatSpec } from "./format_spec.ts";
export { reprFloat } from "./float_format.ts";
export { repr, str } from "./repr.ts";
export { sprintf } from "./sprintf.ts";
