/**
 * Standardization (z-scores): `(x - mean) / std`, over all elements or per feature (column).
 *
 * @module
 */
import {
  allocate,
  astype,
  type AxisOptions,
  mean as meanOf,
  shapeStr,
  std as stdOf,
  Tensor,
} from "../tensor/mod.ts";

/** Options of {@link standardize}. */
export interface StandardizeOptions {
  /**
   * `false` (default): one mean and one std over all elements, like `(x - np.mean(x)) / np.std(x)`;
   * `true`: per feature (axis 0 of a `[N, D]` tensor), like scikit-learn's `StandardScaler`.
   */
  perFeature?: boolean;
  /** Use this mean instead of computing it (e.g. the training set's, to transform a test set). */
  mean?: number | Tensor;
  /** Use this std instead of computing it; must come with `mean`. */
  std?: number | Tensor;
}

/** What {@link standardize} returns: the result and the statistics it used. */
export interface Standardized {
  /** `(x - mean) / std`, same shape and dtype as the input. */
  x: Tensor;
  /** The mean: a number (global) or a `[D]` float64 tensor (per feature). */
  mean: number | Tensor;
  /** The std (ddof 0): a number or a `[D]` tensor. A zero std is stored as 1, see below. */
  std: number | Tensor;
}

/**
 * Standardizes data: `(x - mean) / std` with the population std (ddof 0), globally or per feature.
 *
 * The statistics are computed in float64 the way NumPy 1.24 computes `np.mean`/`np.std`, so the
 * digits assignment's `(x - x.mean()) / x.std()` gives its printed numbers exactly. A std of 0
 * (a constant feature, e.g. a digits corner pixel) is replaced by 1, as scikit-learn's
 * `StandardScaler` does, so the result is 0 there instead of NaN.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { standardize } from "@dlfs/deno-dl/data";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const xTrain = tensor([[1, 10], [3, 30]]);
 * const xTest = tensor([[2, 50]]);
 * const train = standardize(xTrain, { perFeature: true }); // mean [2, 20], std [1, 10]
 * const test = standardize(xTest, { mean: train.mean, std: train.std }); // the training statistics
 * assert.deepEqual([...train.x.data], [-1, -1, 1, 1]);
 * assert.deepEqual([...test.x.data], [0, 3]);
 * ```
 *
 * @param x the data, `[N, D]` for per-feature statistics
 * @param options `perFeature`, or a given `mean` and `std`
 */
export function standardize(x: Tensor, options: StandardizeOptions = {}): Standardized {
  const perFeature = options.perFeature ?? (options.mean instanceof Tensor);
  const d = perFeature ? featureCount(x) : 1;
  const [mean, std] = stats(x, options, perFeature, d);
  const out = allocate(x.dtype, x.size);
  const src = x.data;
  for (let i = 0; i < src.length; i++) {
    const j = i % d;
    out[i] = (src[i] - mean[j]) / std[j];
  }
  const wrap = (v: Float64Array): number | Tensor => perFeature ? new Tensor(v, [d]) : v[0];
  return { x: new Tensor(out, x.shape), mean: wrap(mean), std: wrap(std) };
}

function featureCount(x: Tensor): number {
  if (x.ndim !== 2) {
    throw new RangeError(
      `standardize: per-feature statistics need a 2-D [N, D] tensor, got shape ${
        shapeStr(x.shape)
      }`,
    );
  }
  return x.shape[1];
}

/** The mean and std to use, from the options or computed; zeros in std become ones. */
function stats(
  x: Tensor,
  options: StandardizeOptions,
  perFeature: boolean,
  d: number,
): [Float64Array, Float64Array] {
  if ((options.mean === undefined) !== (options.std === undefined)) {
    throw new RangeError("standardize: give both mean and std, or neither");
  }
  let mean: Float64Array, std: Float64Array;
  if (options.mean !== undefined && options.std !== undefined) {
    mean = given("mean", options.mean, d);
    std = given("std", options.std, d);
  } else {
    // lib/tensor's mean/std add in NumPy 1.24's order, so the statistics are bit-identical to NumPy's.
    const x64 = x.dtype === "float64" ? x : astype(x, "float64");
    const axis: AxisOptions = perFeature ? { axis: 0 } : { keepdims: true };
    mean = Float64Array.from(meanOf(x64, axis).data);
    std = Float64Array.from(stdOf(x64, axis).data);
  }
  for (let j = 0; j < d; j++) if (std[j] === 0) std[j] = 1;
  return [mean, std];
}

function given(name: string, v: number | Tensor, d: number): Float64Array {
  const values = typeof v === "number" ? [v] : Array.from(v.data);
  if (values.length !== d) {
    throw new RangeError(
      `standardize: ${name} has ${values.length} values but the data has ${d} feature(s)`,
    );
  }
  return Float64Array.from(values);
}
