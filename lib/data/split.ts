/**
 * scikit-learn's `train_test_split`, ported draw for draw on NumPy's legacy `RandomState`
 * (sklearn 1.2): `trainTestSplit(x, y, {randomState: 100})` picks the rows sklearn picks for
 * `random_state=100`.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { take } from "../tensor/indexing.ts";
import type { RandomState } from "../random/mod.ts";
import { checkRandomState } from "./check_random_state.ts";

/** Options of `trainTestSplit` (sklearn's names in camelCase). */
export interface TrainTestSplitOptions {
  /** Test fraction in (0, 1) or test count (an integer >= 1); default 0.25 (or the complement). */
  testSize?: number;
  /** Train fraction or count; default: all samples not in the test set. */
  trainSize?: number;
  /** Seed or generator; omitted: the global legacy generator. */
  randomState?: number | RandomState | null;
  /** Shuffle before splitting (default true); false: first rows train, next rows test. */
  shuffle?: boolean;
}

/** The split rows, labels, and the original row indices of each part. */
export interface TrainTestSplit {
  /** Training rows. */
  xTrain: Tensor;
  /** Test rows. */
  xTest: Tensor;
  /** Training labels. */
  yTrain: Int32Array;
  /** Test labels. */
  yTest: Int32Array;
  /** Row indices (into x) of the training set, in order. */
  trainIndex: Int32Array;
  /** Row indices (into x) of the test set, in order. */
  testIndex: Int32Array;
}

/** sklearn's `_validate_shuffle_split`: train and test counts from sizes given as fraction/count. */
function splitSizes(n: number, testSize?: number, trainSize?: number): [number, number] {
  const isCount = (v: number) => Number.isInteger(v) && v >= 1;
  const check = (name: string, v: number | undefined) => {
    if (v === undefined) return;
    if (isCount(v) ? v >= n : !(v > 0 && v < 1)) {
      throw new RangeError(
        `trainTestSplit: ${name}=${v} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`,
      );
    }
  };
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  check("testSize", testSize);
  check("trainSize", trainSize);
  const count = (v: number, round: (x: number) => number) => isCount(v) ? v : round(v * n);
  let nTest = testSize === undefined ? NaN : count(testSize, Math.ceil);
  let nTrain = trainSize === undefined ? NaN : count(trainSize, Math.floor);
  if (trainSize === undefined) nTrain = n - nTest;
  else if (testSize === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new RangeError(
      `trainTestSplit: train (${nTrain}) + test (${nTest}) samples exceed the ${n} samples`,
    );
  }
  if (nTrain === 0) {
    throw new RangeError(`trainTestSplit: the training set would be empty (n=${n})`);
  }
  return [nTrain, nTest];
}

/**
 * sklearn's `train_test_split(x, y, test_size, train_size, random_state, shuffle)`: one
 * `permutation(n)` from the RandomState; its first nTest entries are the test rows, the next nTrain
 * the training rows (both in permutation order).
 */
export function trainTestSplit(
  x: Tensor,
  y: Int32Array,
  options: TrainTestSplitOptions = {},
): TrainTestSplit {
  const n = x.shape[0];
  if (y.length !== n) {
    throw new RangeError(`trainTestSplit: x has ${n} rows but y has ${y.length} labels`);
  }
  const [nTrain, nTest] = splitSizes(n, options.testSize, options.trainSize);
  let trainIndex: Int32Array, testIndex: Int32Array;
  if (options.shuffle === false) {
    trainIndex = Int32Array.from({ length: nTrain }, (_, i) => i);
    testIndex = Int32Array.from({ length: nTest }, (_, i) => nTrain + i);
  } else {
    const perm = checkRandomState(options.randomState).permutation(n);
    testIndex = perm.slice(0, nTest);
    trainIndex = perm.slice(nTest, nTest + nTrain);
  }
  return {
    xTrain: take(x, trainIndex),
    xTest: take(x, testIndex),
    yTrain: trainIndex.map((i) => y[i]),
    yTest: testIndex.map((i) => y[i]),
    trainIndex,
    testIndex,
  };
}
