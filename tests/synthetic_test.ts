/**
 * lib/data/synthetic.ts and lib/data/split.ts against scikit-learn 1.2.1: tests/fixtures/reference/000_synthetic_fixture.json
 * (random_state=100, made by tests/gen/reference/000/fixtures.py) and
 * tests/fixtures/synthetic_vectors.json (made by tests/gen/synthetic_vectors.py). Exact equality.
 */
import assert from "node:assert/strict";
import { makeClassification } from "../lib/data/synthetic.ts";
import { trainTestSplit } from "../lib/data/split.ts";
import type { MakeClassificationOptions } from "../lib/data/synthetic.ts";
import type { TrainTestSplitOptions } from "../lib/data/split.ts";
import { RandomState, seed } from "../lib/random/mod.ts";
import { Tensor } from "../lib/tensor/tensor.ts";

const ref000 = JSON.parse(
  Deno.readTextFileSync(
    new URL("./fixtures/reference/000_synthetic_fixture.json", import.meta.url),
  ),
);
type Params = Record<string, unknown>;
const fx = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/synthetic_vectors.json", import.meta.url)),
) as {
  make_classification: { params: Params; x: number[]; shape: number[]; y: number[] }[];
  train_test_split: {
    params: Params;
    train_index: number[];
    test_index: number[];
    y_train: number[];
    y_test: number[];
  }[];
  split_input: { x: number[]; shape: number[]; y: number[] };
};

/** sklearn keyword arguments (snake_case) to our options (camelCase). */
function camel<T>(params: Params): T {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([k]) => !k.startsWith("_"))
      .map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  ) as T;
}

function assertExact(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      assert.fail(`${what}[${i}]: got ${actual[i]}, sklearn ${expected[i]}`);
    }
  }
}

for (
  const [mode, opts] of [
    ["multiclass", {
      nSamples: 200,
      nFeatures: 3,
      nInformative: 3,
      nRedundant: 0,
      nClustersPerClass: 1,
      nClasses: 4,
      randomState: 100,
    }],
    ["binary", {
      nSamples: 200,
      nFeatures: 2,
      nClasses: 2,
      nInformative: 2,
      nRedundant: 0,
      randomState: 100,
    }],
  ] as const
) {
  Deno.test(`makeClassification() + trainTestSplit() reproduce the 000 ${mode} fixture exactly`, () => {
    const ref = ref000[mode];
    const { x, y } = makeClassification(opts as MakeClassificationOptions);
    assertExact(x.data, (ref.make_classification_X as number[][]).flat(), "X");
    assertExact(y, ref.make_classification_y, "y");
    const s = trainTestSplit(x, y, { testSize: 0.2, randomState: 100 });
    assertExact(s.trainIndex, ref.train_indices, "train indices");
    assertExact(s.testIndex, ref.test_indices, "test indices");
    assert.deepEqual(s.xTrain.shape, [160, opts.nFeatures]);
    assertExact(s.xTrain.data, (ref.X_train as number[][]).flat(), "X_train");
    assertExact(s.xTest.data, (ref.X_test as number[][]).flat(), "X_test");
    assertExact(s.yTrain, ref.y_train_labels, "y_train");
    assertExact(s.yTest, ref.y_test_labels, "y_test");
  });
}

for (const c of fx.make_classification) {
  Deno.test(`makeClassification(${JSON.stringify(c.params)}) equals sklearn's`, () => {
    const opts = camel<MakeClassificationOptions>(c.params);
    if (c.params._global_seed !== undefined) seed(c.params._global_seed as number);
    const { x, y } = makeClassification(opts);
    assert.deepEqual([...x.shape], c.shape);
    assertExact(x.data, c.x, "X");
    assertExact(y, c.y, "y");
  });
}

for (const c of fx.train_test_split) {
  Deno.test(`trainTestSplit(${JSON.stringify(c.params)}) equals sklearn's`, () => {
    const input = fx.split_input;
    const x = new Tensor(Float64Array.from(input.x), input.shape);
    if (c.params._global_seed !== undefined) seed(c.params._global_seed as number);
    const s = trainTestSplit(x, Int32Array.from(input.y), camel<TrainTestSplitOptions>(c.params));
    assertExact(s.trainIndex, c.train_index, "train index");
    assertExact(s.testIndex, c.test_index, "test index");
    assertExact(s.yTrain, c.y_train, "y_train");
    assertExact(s.yTest, c.y_test, "y_test");
    const f = input.shape[1];
    assertExact(
      s.xTest.data.subarray(0, f),
      input.x.slice(c.test_index[0] * f, (c.test_index[0] + 1) * f),
      "row",
    );
  });
}

Deno.test("makeClassification() accepts a RandomState and continues its stream", () => {
  const rs = new RandomState(100);
  const a = makeClassification({
    nSamples: 20,
    nFeatures: 3,
    nInformative: 2,
    nRedundant: 0,
    randomState: rs,
  });
  const b = makeClassification({
    nSamples: 20,
    nFeatures: 3,
    nInformative: 2,
    nRedundant: 0,
    randomState: 100,
  });
  assert.deepEqual(a.x.data, b.x.data);
  const c = makeClassification({
    nSamples: 20,
    nFeatures: 3,
    nInformative: 2,
    nRedundant: 0,
    randomState: rs,
  });
  assert.notDeepEqual(c.x.data, a.x.data);
});

Deno.test("makeClassification()/trainTestSplit() reject impossible settings like sklearn", () => {
  assert.throws(
    () => makeClassification({ nFeatures: 3, nInformative: 2, nRedundant: 2 }),
    /exceed nFeatures \(3\)/,
  );
  assert.throws(
    () => makeClassification({ nInformative: 1, nClasses: 3, nClustersPerClass: 1 }),
    /2\*\*nInformative/,
  );
  assert.throws(
    () => makeClassification({ nClasses: 3, nInformative: 3, weights: [0.5] }),
    /1 weights given for 3 classes/,
  );
  const x = new Tensor(new Float64Array(10), [5, 2]);
  assert.throws(() => trainTestSplit(x, new Int32Array(5), { testSize: 1.5 }), /testSize=1.5/);
  assert.throws(() => trainTestSplit(x, new Int32Array(4)), /5 rows but y has 4 labels/);
});
