/** The Tensor class, creation helpers and error messages (the NumPy-valued ops are in tensor_test.ts). */
import assert from "node:assert/strict";
import {
  add,
  astype,
  full,
  matmul,
  ones,
  onesLike,
  reshape,
  sum,
  Tensor,
  tensor,
  zeros,
  zerosLike,
} from "../lib/tensor/mod.ts";
import { getBackend, listBackends, setBackend } from "../kernels/mod.ts";

Deno.test("tensor() infers the shape of nested arrays and defaults to float64", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, "float64");
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(t.get(1, -1), 6);
});

Deno.test("tensor() of a number is 0-d and item() returns it", () => {
  const t = tensor(2.5);
  assert.deepEqual(t.shape, []);
  assert.equal(t.item(), 2.5);
  assert.equal(t.toArray(), 2.5);
});

Deno.test("tensor() takes a typed array with a shape and a dtype", () => {
  const t = tensor(new Float64Array([1.1, 2, 3, 4, 5, 6]), { shape: [3, 2], dtype: "float32" });
  assert.equal(t.dtype, "float32");
  assert.equal(t.data[0], Math.fround(1.1));
  assert.deepEqual(t.shape, [3, 2]);
});

Deno.test("tensor() rejects ragged nested arrays, naming the depth", () => {
  assert.throws(() => tensor([[1, 2], [3]]), /ragged nested array: expected length 2 at depth 1/);
});

Deno.test("Tensor rejects data whose length does not match the shape", () => {
  assert.throws(
    () => new Tensor(new Float64Array(5), [2, 3]),
    /data has 5 elements but shape \[2,3\] needs 6/,
  );
  assert.throws(() => zeros([2, -1]), /invalid shape \[2,-1\]/);
});

Deno.test("get() and item() name the bad index or shape", () => {
  const t = zeros([2, 3]);
  assert.throws(() => t.get(2, 0), /index 2 is out of bounds for axis 0 with size 2/);
  assert.throws(() => t.get(0), /1 indices for a tensor of shape \[2,3\]/);
  assert.throws(() => t.item(), /size 1.*shape is \[2,3\]/);
});

Deno.test("set() writes one element", () => {
  const t = zeros([2, 2]);
  t.set(1, 0, 7);
  assert.deepEqual(t.toArray(), [[0, 0], [7, 0]]);
});

Deno.test("zeros/ones/full/zerosLike/onesLike fill and keep dtypes", () => {
  assert.deepEqual(ones([2]).toArray(), [1, 1]);
  assert.deepEqual(full([1, 2], -3, { dtype: "float32" }).toArray(), [[-3, -3]]);
  const f = ones([3], { dtype: "float32" });
  assert.equal(zerosLike(f).dtype, "float32");
  assert.equal(onesLike(f, { dtype: "float64" }).dtype, "float64");
  assert.equal(zeros(4).size, 4);
  assert.equal(zeros([0, 5]).size, 0);
});

Deno.test("reshape() shares data like a NumPy view; astype() copies", () => {
  const t = tensor([1, 2, 3, 4]);
  const r = reshape(t, [2, -1]);
  r.data[0] = 10;
  assert.equal(t.data[0], 10);
  const c = astype(t, "float32");
  c.data[1] = 20;
  assert.equal(t.data[1], 2);
});

Deno.test("mixed float32 and float64 operands compute in float64, as NumPy promotes", () => {
  const a = ones([2], { dtype: "float32" });
  assert.equal(add(a, ones([2])).dtype, "float64");
  assert.equal(add(a, 1).dtype, "float32");
  assert.equal(matmul(ones([1, 2], { dtype: "float32" }), ones([2, 1])).dtype, "float64");
});

Deno.test("sum() of a 0-d tensor and of an empty tensor", () => {
  assert.equal(sum(tensor(3)), 3);
  assert.equal(sum(zeros([0])), 0);
});

Deno.test("setBackend() names unknown backends and lists the known ones", () => {
  assert.throws(() => setBackend("nope"), /unknown backend "nope"; known: js/);
  setBackend("js");
  assert.equal(getBackend().name, "js");
  const js = listBackends().find((b) => b.name === "js");
  assert.ok(js?.available && js.selected);
});

Deno.test("mean() and std() add like NumPy 1.24 (pairwise in 8192 blocks), bit for bit", async () => {
  // The digits assignment's global z-score: tests/fixtures/reference/001_reference_numbers.json,
  // digits_checks (made by tests/gen/reference/001/data.py).
  const ref = JSON.parse(
    await Deno.readTextFile(
      new URL("./fixtures/reference/001_reference_numbers.json", import.meta.url),
    ),
  ).digits_checks;
  const { loadDigits } = await import("../lib/data/mod.ts");
  const { mean, std } = await import("../lib/tensor/mod.ts");
  const { images } = await loadDigits();
  assert.equal(mean(images), ref.raw_mean);
  assert.equal(std(images), ref.raw_std_ddof0);
});
