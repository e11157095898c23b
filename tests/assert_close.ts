/**
 * The one tolerance assertion every test uses: `assertClose(actual, expected, what, tolerance)`
 * compares numbers, nested arrays, typed arrays or tensors element-wise and names the first place
 * that fails; `isClose` is the element test behind it.
 *
 * Tolerances, as NumPy's `isclose` (finite values):
 * - `"sum"` (the default): |actual - expected| <= atol + rtol * |expected|;
 * - `"max"`: |actual - expected| <= max(atol, rtol * |expected|), i.e. with atol = rtol = tol a
 *   relative error measured against max(1, |expected|).
 * - `decimals: d`: the two print the same with d decimals (`toFixed(d)`), as an assignment's
 *   printed numbers are compared.
 * An infinite expected value must be matched exactly; NaN matches NaN only with `equalNan`.
 *
 * Each test file keeps its own defaults with `assertCloseWith`, so every test is exactly as strict
 * as it was when it defined its own helper:
 *
 * ```ts
 * const assertClose = assertCloseWith({ rtol: 1e-12, atol: 1e-15 });
 * assertClose(layer.weight, fixture.w, "weight");            // the defaults
 * assertClose(y, fixture.y, "y", { rtol: 0, atol: 0 });      // exact
 * assertClose(costs, fixture.costs, "costs", 1e-9);          // rtol 1e-9, default atol
 * ```
 */
import assert from "node:assert/strict";

/** How close is close enough. */
export interface Tolerance {
  /** Relative tolerance (default 1e-12 unless the file's defaults say otherwise). */
  rtol?: number;
  /** Absolute tolerance (default 0 unless the file's defaults say otherwise). */
  atol?: number;
  /** `"sum"`: atol + rtol * |expected| (default); `"max"`: max(atol, rtol * |expected|). */
  combine?: "sum" | "max";
  /** Whether NaN expected is matched by NaN actual (default false: NaN never matches). */
  equalNan?: boolean;
  /** Instead of rtol and atol: equal when printed with this many decimals (`toFixed`). */
  decimals?: number;
}

/** Whether `actual` is within the tolerance of `expected` (one number; see the module doc). */
export function isClose(actual: number, expected: number, tol: Tolerance = {}): boolean {
  if (Number.isNaN(expected)) return tol.equalNan === true && Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (tol.decimals !== undefined) {
    return actual.toFixed(tol.decimals) === expected.toFixed(tol.decimals);
  }
  const rtol = tol.rtol ?? 1e-12, atol = tol.atol ?? 0;
  const bound = tol.combine === "max"
    ? Math.max(atol, rtol * Math.abs(expected))
    : atol + rtol * Math.abs(expected);
  return Math.abs(actual - expected) <= bound;
}

/** An array of numbers that is not a plain JavaScript array: a typed array or a tensor's data. */
function flatData(x: unknown): ArrayLike<number> | undefined {
  if (ArrayBuffer.isView(x)) return x as unknown as ArrayLike<number>;
  if (typeof x === "object" && x !== null && !Array.isArray(x)) {
    const data = (x as { data?: unknown }).data;
    if (ArrayBuffer.isView(data)) return data as unknown as ArrayLike<number>;
  }
  return undefined;
}

/** The numbers of a nested array (or typed array), row-major. */
function flatten(x: unknown): ArrayLike<number> {
  const flat = flatData(x);
  if (flat !== undefined) return flat;
  return Array.isArray(x) ? x.flatMap((v) => Array.from(flatten(v))) : [x as number];
}

function describe(tol: Tolerance): string {
  if (tol.decimals !== undefined) return `at ${tol.decimals} decimals`;
  const rtol = tol.rtol ?? 1e-12, atol = tol.atol ?? 0;
  return `rtol ${rtol}, atol ${atol}${tol.combine === "max" ? ", max" : ""}`;
}

/** Compares nested plain arrays level by level (lengths at every level), then the numbers. */
function closeNested(actual: unknown, expected: unknown, what: string, tol: Tolerance): void {
  if (!Array.isArray(expected)) {
    assert.equal(typeof actual, "number", `${what}: expected a number, got ${actual}`);
    assert.ok(
      isClose(actual as number, expected as number, tol),
      `${what}: got ${actual}, expected ${expected} (${describe(tol)})`,
    );
    return;
  }
  assert.ok(Array.isArray(actual), `${what}: expected an array, got ${JSON.stringify(actual)}`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => closeNested(actual[i], e, `${what}[${i}]`, tol));
}

/**
 * Asserts that `actual` is close to `expected` element-wise, naming the first place that fails.
 * Plain numbers and (nested) plain arrays are compared level by level; a typed array or a tensor
 * (anything with a typed-array `data`) is compared element by element with the row-major numbers
 * of `expected`, after checking that the counts agree. The tolerance is an object, or `rtol` and
 * `atol` as numbers; what it leaves out comes from the defaults.
 */
export type AssertClose = (
  actual: unknown,
  expected: unknown,
  what: string,
  tol?: Tolerance | number,
  atol?: number,
) => void;

/** `assertClose` with a test file's usual tolerance as its defaults. */
export function assertCloseWith(defaults: Tolerance): AssertClose {
  return (actual, expected, what, tol, atol) => {
    const given: Tolerance = typeof tol === "number" ? { rtol: tol, atol } : tol ?? {};
    const t: Tolerance = { ...defaults };
    for (const [k, v] of Object.entries(given)) if (v !== undefined) Object.assign(t, { [k]: v });
    const flat = flatData(actual) ??
      (flatData(expected) !== undefined ? flatten(actual) : undefined);
    if (flat === undefined) {
      closeNested(actual, expected, what, t);
      return;
    }
    const e = flatten(expected);
    assert.equal(flat.length, e.length, `${what}: ${flat.length} values, expected ${e.length}`);
    for (let i = 0; i < e.length; i++) {
      assert.ok(
        isClose(flat[i], e[i], t),
        `${what}[${i}]: got ${flat[i]}, expected ${e[i]} (${describe(t)})`,
      );
    }
  };
}

/** `AssertClose` with rtol 1e-12 and atol 0 unless a call says otherwise (see `AssertClose`). */
export const assertClose: AssertClose = assertCloseWith({});
