/**
 * lib/metrics against scikit-learn 1.2.1 (tests/gen/metrics_reference.py).
 */
import assert from "node:assert/strict";
import { accuracy, confusionMatrix, perClassAccuracy } from "../lib/metrics/mod.ts";
import { Tensor, tensor } from "../lib/tensor/mod.ts";

// deno-lint-ignore no-explicit-any
const sk: any = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/metrics_sklearn.json", import.meta.url)),
);

const rows = (t: Tensor) => t.toArray() as number[][];

Deno.test("accuracy takes the argmax of [N, C] scores (first index on ties) like accuracy_score", () => {
  const scores = tensor(sk.scores);
  assert.equal(accuracy(scores, Int32Array.from(sk.y)), sk.accuracy);
  assert.equal(accuracy(scores, sk.y), sk.accuracy);
  assert.equal(accuracy(sk.pred, sk.y), sk.accuracy);
  // One-hot targets are reduced by argmax too.
  const onehot = new Tensor(new Float64Array(sk.y.length * 5), [sk.y.length, 5]);
  sk.y.forEach((c: number, i: number) => (onehot.data[i * 5 + c] = 1));
  assert.equal(accuracy(scores, onehot), sk.accuracy);
});

Deno.test("binary accuracy thresholds a [N, 1] column with p > 0.5, or p >= 0.5 when inclusive", () => {
  const b = sk.binary;
  const p = new Tensor(Float64Array.from(b.p), [b.p.length, 1]);
  assert.equal(accuracy(p, b.y), b.accuracy_gt);
  assert.equal(accuracy(p, b.y, { inclusive: true }), b.accuracy_ge);
  assert.equal(accuracy(b.p, b.y, { threshold: 0.5 }), b.accuracy_gt);
});

Deno.test("confusionMatrix has rows true and columns predicted, equal to sklearn's", () => {
  const cm = confusionMatrix(sk.y, tensor(sk.scores));
  assert.deepEqual(cm.shape, [5, 5]);
  assert.deepEqual(rows(cm), sk.confusion);
  let total = 0;
  for (const v of cm.data) total += v;
  assert.equal(total, sk.y.length);
});

Deno.test("confusionMatrix keeps all classes when predictions collapse onto two (assignment 002's untrained net)", () => {
  assert.deepEqual(
    rows(confusionMatrix(sk.y, sk.collapsed, { numClasses: 5 })),
    sk.collapsed_confusion,
  );
  assert.deepEqual(rows(confusionMatrix(sk.y, sk.collapsed)), sk.collapsed_confusion);
});

Deno.test("perClassAccuracy is sklearn's per-class recall, NaN for a class with no samples", () => {
  const acc = perClassAccuracy(sk.y, sk.pred);
  acc.data.forEach((v, i) => assert.ok(Math.abs(v - sk.recall[i]) < 1e-15, `class ${i}: ${v}`));
  const withEmpty = perClassAccuracy([0, 0, 2], [0, 1, 2], { numClasses: 4 });
  assert.deepEqual([...withEmpty.data].map((v) => (Number.isNaN(v) ? "NaN" : v)), [
    0.5,
    "NaN",
    1,
    "NaN",
  ]);
});

Deno.test("metrics reject different lengths, negative or fractional labels, and labels beyond numClasses", () => {
  assert.throws(
    () => accuracy([0, 1], [0, 1, 1]),
    /prediction \[2\] and target \[3\] have different lengths/,
  );
  assert.throws(() => accuracy([0, -1], [0, 1]), /label -1 at index 1 is not a class index/);
  assert.throws(() => confusionMatrix([0, 1.5], [0, 1]), /label 1.5/);
  assert.throws(
    () => confusionMatrix([0, 3], [0, 1], { numClasses: 3 }),
    /label 3 at index 1 is outside \[0, 3\)/,
  );
  assert.throws(() => accuracy([], []), /no samples/);
});
