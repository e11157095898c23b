/**
 * tests/assert_close.ts: the tolerance forms the tests rely on, checked at their boundaries.
 */
import assert from "node:assert/strict";
import { assertClose, assertCloseWith, isClose } from "./assert_close.ts";

Deno.test("isClose: atol + rtol * |expected| by default, max(atol, rtol * |expected|) with 'max'", () => {
  assert.ok(isClose(103, 100, { rtol: 0.02, atol: 1 })); // bound 3
  assert.ok(!isClose(103.5, 100, { rtol: 0.02, atol: 1 }));
  assert.ok(!isClose(103, 100, { rtol: 0.02, atol: 1, combine: "max" })); // bound 2
  assert.ok(isClose(102, 100, { rtol: 0.02, atol: 1, combine: "max" }));
  // "max" with atol = rtol = tol is the error relative to max(1, |expected|).
  assert.ok(isClose(0.5 + 0.25, 0.5, { rtol: 0.25, atol: 0.25, combine: "max" }));
  assert.ok(!isClose(0.5 + 0.3, 0.5, { rtol: 0.25, atol: 0.25, combine: "max" }));
  assert.ok(isClose(1 + 5e-13, 1)); // default rtol 1e-12, atol 0
  assert.ok(!isClose(1 + 2e-12, 1));
  assert.ok(!isClose(0, 1e-300)); // atol 0: nothing is close to a non-zero but itself
});

Deno.test("isClose: NaN matches only with equalNan, infinities only themselves", () => {
  assert.ok(!isClose(NaN, NaN));
  assert.ok(isClose(NaN, NaN, { equalNan: true }));
  assert.ok(!isClose(1, NaN, { equalNan: true }));
  assert.ok(isClose(Infinity, Infinity));
  assert.ok(!isClose(-Infinity, Infinity, { atol: 1e300 }));
  assert.ok(!isClose(1e308, Infinity, { rtol: 1 }));
});

Deno.test("assertClose: nested arrays level by level, typed arrays and tensors flat, naming the place", () => {
  assertClose([[1, 2], [3, 4]], [[1, 2], [3, 4 + 1e-12]], "nested", 1e-12);
  assert.throws(() => assertClose([[1, 2], [3, 4]], [[1, 2], [3, 4.1]], "m"), /m\[1\]\[1\]: got 4/);
  assert.throws(
    () => assertClose([[1], [2]], [1, 2], "shape"),
    /shape\[0\]: expected a number/,
  );
  assert.throws(() => assertClose([1, 2], [1, 2, 3], "len"), /len: length/);
  const data = Float64Array.of(1, 2, 3, 4);
  assertClose({ data, shape: [2, 2] }, [[1, 2], [3, 4]], "tensor", { rtol: 0 });
  assertClose(data, [1, 2, 3, 4], "typed");
  assert.throws(() => assertClose(data, [1, 2, 3, 5], "typed"), /typed\[3\]: got 4, expected 5/);
  assert.throws(() => assertClose(data, [1, 2, 3], "typed"), /4 values, expected 3/);
});

Deno.test("assertClose: a number tolerance is rtol then atol; assertCloseWith sets a file's defaults", () => {
  assertClose(100.5, 100, "rtol", 0.005);
  assert.throws(() => assertClose(100.5, 100, "rtol", 0.004));
  assertClose(100.5, 100, "atol", 0, 0.5);
  assert.throws(() => assertClose(100.5, 100, "exact", 0));
  const loose = assertCloseWith({ rtol: 1e-13, atol: 1e-15 });
  loose([1e-15], [0], "default atol"); // the default atol stays when only rtol is given
  loose([1e-15], [0], "rtol only", 0);
  assert.throws(() => loose([2e-15], [0], "rtol only", 0));
  assert.throws(() => loose([1e-15], [0], "both", { rtol: 0, atol: 0 }));
});

Deno.test("decimals: equal when both print the same with that many decimals", () => {
  assert.ok(isClose(0.12345, 0.12349, { decimals: 3 }));
  assert.ok(!isClose(0.1234, 0.1236, { decimals: 3 })); // 0.123 vs 0.124
  assertClose([1.00004, [2.5]], [1.00001, [2.50004]], "printed", { decimals: 4 });
  assert.throws(
    () => assertClose([1.00006], [1.00001], "printed", { decimals: 4 }),
    /at 4 decimals/,
  );
});
