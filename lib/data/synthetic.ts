/**
 * scikit-learn's `make_classification`, ported draw for draw on NumPy's legacy `RandomState`
 * (sklearn 1.2), so `makeClassification({..., randomState: 100})` returns the very arrays sklearn
 * returns for `random_state=100` (its companion `train_test_split` is in `split.ts`).
 *
 * The matrix products inside `make_classification` (random covariances, redundant features) are
 * summed in the order of the OpenBLAS kernels behind NumPy on x86-64 (fused multiply-adds), which
 * is exact for up to 15 informative features. Beyond that, or for a cluster holding a single
 * sample with 4+ informative features, OpenBLAS switches kernels and the last bits may differ.
 *
 * @module
 */

import { Tensor } from "../tensor/tensor.ts";
import type { RandomState } from "../random/mod.ts";
import { fma } from "../math/mod.ts";
import { checkRandomState } from "./check_random_state.ts";

/** Options of `makeClassification` (sklearn's names in camelCase, same defaults). */
export interface MakeClassificationOptions {
  /** Number of samples (default 100). */
  nSamples?: number;
  /** Total number of features (default 20). */
  nFeatures?: number;
  /** Informative features (default 2). */
  nInformative?: number;
  /** Random linear combinations of the informative features (default 2). */
  nRedundant?: number;
  /** Copies of informative/redundant features (default 0). */
  nRepeated?: number;
  /** Number of classes (default 2). */
  nClasses?: number;
  /** Gaussian clusters per class (default 2). */
  nClustersPerClass?: number;
  /** Class proportions (length nClasses, or nClasses - 1 with the rest implied); default equal. */
  weights?: readonly number[] | null;
  /** Fraction of labels replaced at random (default 0.01). */
  flipY?: number;
  /** Half the side of the hypercube the clusters sit on (default 1.0). */
  classSep?: number;
  /** Clusters on hypercube vertices (default true); false: random polytope. */
  hypercube?: boolean;
  /** Added to every feature (number, one per feature, or null for random; default 0). */
  shift?: number | readonly number[] | null;
  /** Features multiplied by this (number, per feature, or null for random; default 1). */
  scale?: number | readonly number[] | null;
  /** Shuffle samples and features (default true). */
  shuffle?: boolean;
  /** Seed or generator (sklearn's `random_state`); omitted: the global legacy generator. */
  randomState?: number | RandomState | null;
}

/** Samples `x` (float64, [nSamples, nFeatures]) and integer class labels `y`. */
export interface ClassificationData {
  /** Features, row per sample. */
  x: Tensor;
  /** Class of each sample, in 0..nClasses-1. */
  y: Int32Array;
}

/** `n` uniforms in [0, 1) from the legacy generator, as a plain Float64Array. */
function uniforms(rng: RandomState, n: number): Float64Array {
  return rng.randomSample(n).data as Float64Array;
}

/**
 * sklearn's `sample_without_replacement(nPopulation, n)` with method "auto": a permutation prefix
 * for moderate ratios, else tracking selection (ratio < 0.2) or reservoir sampling.
 */
export function sampleWithoutReplacement(
  nPopulation: number,
  n: number,
  rng: RandomState,
): number[] {
  const ratio = nPopulation !== 0 ? n / nPopulation : 1;
  if (ratio > 0.01 && ratio < 0.99) return Array.from(rng.permutation(nPopulation).slice(0, n));
  const out: number[] = [];
  if (ratio < 0.2) {
    const selected = new Set<number>();
    for (let i = 0; i < n; i++) {
      let j = rng.randint(nPopulation) as number;
      while (selected.has(j)) j = rng.randint(nPopulation) as number;
      selected.add(j);
      out.push(j);
    }
    return out;
  }
  for (let i = 0; i < n; i++) out.push(i);
  for (let i = n; i < nPopulation; i++) {
    const j = rng.randint(0, i + 1) as number;
    if (j < n) out[j] = i;
  }
  return out;
}

/** `_generate_hypercube`: `samples` distinct vertices of the unit hypercube, as 0/1 rows. */
function hypercubeVertices(samples: number, dims: number, rng: RandomState): number[][] {
  if (dims > 30) {
    // Extra dimensions beyond 30 are plain random bits, drawn first (row-major).
    const extra = rng.randint(2, { size: [samples, dims - 30] }) as Int32Array;
    const tail = hypercubeVertices(samples, 30, rng);
    return tail.map((
      row,
      i,
    ) => [...extra.subarray(i * (dims - 30), (i + 1) * (dims - 30)), ...row]);
  }
  return sampleWithoutReplacement(2 ** dims, samples, rng).map((v) => {
    const bits: number[] = [];
    for (let b = dims - 1; b >= 0; b--) bits.push(Math.floor(v / 2 ** b) % 2); // MSB first
    return bits;
  });
}

/**
 * rows[r] <- rows[r] @ m (k x cols), with the summation order of the OpenBLAS kernels NumPy calls
 * on x86-64: `dgemm` sums each product in order with fused multiply-adds; a single output column
 * goes through `dgemv_t` instead (see `gemvDot`).
 */
function matmulRows(
  x: Float64Array,
  stride: number,
  rowStart: number,
  rowEnd: number,
  k: number,
  m: Float64Array,
  cols: number,
  colOut: number,
): void {
  const nRows = rowEnd - rowStart;
  const tmp = new Float64Array(cols);
  for (let r = rowStart; r < rowEnd; r++) {
    const row = r * stride;
    if (cols === 1 && nRows > 1) {
      x[row + colOut] = gemvDot(x, row, m, k, kernelOf(r - rowStart, nRows));
      continue;
    }
    for (let j = 0; j < cols; j++) {
      let acc = 0;
      for (let i = 0; i < k; i++) acc = fma(x[row + i], m[i * cols + j], acc);
      tmp[j] = acc;
    }
    x.set(tmp, row + colOut);
  }
}

/** Which `dgemv_t` kernel computes output `i` of `n`: groups of 4, then a pair, then a single. */
function kernelOf(i: number, n: number): "4x4" | "4x2" | "4x1" {
  const n4 = n - (n & 3);
  if (i < n4) return "4x4";
  return (n & 2) && i < n4 + 2 ? "4x2" : "4x1";
}

/**
 * One dot product x[row..row+k) . b as OpenBLAS's `dgemv_t` (Haswell) forms it: the first
 * k - k % 4 terms in vector lanes (FMA lanes for the 4x4 kernel, multiply-then-add lanes for the
 * SSE 4x2/4x1 kernels), then the last k % 4 terms by the scalar tail code (compiled with FMA).
 */
function gemvDot(
  x: Float64Array,
  row: number,
  b: Float64Array,
  k: number,
  kernel: "4x4" | "4x2" | "4x1",
): number {
  const k0 = k - (k % 4);
  let y = 0;
  if (k0 > 0) {
    const lane = [0, 0, 0, 0];
    for (let i = 0; i < k0; i++) {
      if (kernel === "4x4") lane[i % 4] = fma(x[row + i], b[i], lane[i % 4]);
      else if (kernel === "4x2") lane[i % 2] += x[row + i] * b[i];
      else lane[i % 4] += x[row + i] * b[i];
    }
    y = kernel === "4x2" ? lane[0] + lane[1] : (lane[0] + lane[2]) + (lane[1] + lane[3]);
  }
  const t = row + k0;
  switch (k - k0) {
    case 1:
      return fma(x[t], b[k0], y);
    case 2:
      return y + fma(x[t], b[k0], x[t + 1] * b[k0 + 1]);
    case 3:
      return y + fma(x[t + 2], b[k0 + 2], fma(x[t], b[k0], x[t + 1] * b[k0 + 1]));
  }
  return y;
}

/** Validates the feature counts and weights the way sklearn does; returns the class weights. */
function checkOptions(o: Required<MakeClassificationOptions>): number[] {
  const { nFeatures, nInformative, nRedundant, nRepeated, nClasses, nClustersPerClass } = o;
  if (nInformative + nRedundant + nRepeated > nFeatures) {
    throw new RangeError(
      `makeClassification: informative (${nInformative}) + redundant (${nRedundant}) + repeated (${nRepeated}) features exceed nFeatures (${nFeatures})`,
    );
  }
  if (nInformative < Math.log2(nClasses * nClustersPerClass)) {
    throw new RangeError(
      `makeClassification: nClasses (${nClasses}) * nClustersPerClass (${nClustersPerClass}) must be <= 2**nInformative (${
        2 ** nInformative
      })`,
    );
  }
  if (o.weights === null) return new Array(nClasses).fill(1 / nClasses);
  const w = [...o.weights];
  if (w.length !== nClasses && w.length !== nClasses - 1) {
    throw new RangeError(
      `makeClassification: ${w.length} weights given for ${nClasses} classes`,
    );
  }
  if (w.length === nClasses - 1) w.push(1 - w.reduce((a, b) => a + b, 0));
  return w;
}

/** Per-feature values of a `shift`/`scale` option (drawing them when null). */
function perFeature(
  v: number | readonly number[] | null,
  n: number,
  draw: () => Float64Array,
): ArrayLike<number> {
  if (v === null) return draw();
  if (typeof v === "number") return new Float64Array(n).fill(v);
  if (v.length !== n) {
    throw new RangeError(
      `makeClassification: shift/scale has ${v.length} values for ${n} features`,
    );
  }
  return v;
}

/**
 * sklearn's `make_classification`: Gaussian clusters on hypercube vertices, with redundant,
 * repeated and noise features, flipped labels, shift, scale and shuffling, drawing from the same
 * `RandomState` stream in the same order so the result is identical to sklearn 1.2's.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeClassification } from "@dlfs/deno-dl/data";
 *
 * const { x, y } = makeClassification({
 *   nSamples: 200, nFeatures: 3, nInformative: 3, nRedundant: 0,
 *   nClustersPerClass: 1, nClasses: 4, randomState: 100,
 * });
 * assert.deepEqual(x.shape, [200, 3]);
 * assert.deepEqual([...y.slice(0, 5)], [2, 3, 2, 0, 2]); // scikit-learn 1.2's labels
 * ```
 */
export function makeClassification(options: MakeClassificationOptions = {}): ClassificationData {
  const o: Required<MakeClassificationOptions> = {
    nSamples: 100,
    nFeatures: 20,
    nInformative: 2,
    nRedundant: 2,
    nRepeated: 0,
    nClasses: 2,
    nClustersPerClass: 2,
    weights: null,
    flipY: 0.01,
    classSep: 1.0,
    hypercube: true,
    shift: 0.0,
    scale: 1.0,
    shuffle: true,
    randomState: null,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  const weights = checkOptions(o);
  const rng = checkRandomState(o.randomState);
  const { nSamples: n, nFeatures: f, nInformative: inf, nRedundant, nRepeated, nClasses } = o;
  const nClusters = nClasses * o.nClustersPerClass;

  // Samples per cluster by weight, the remainder dealt out round-robin.
  const perCluster = Array.from(
    { length: nClusters },
    (_, k) => Math.trunc(n * weights[k % nClasses] / o.nClustersPerClass),
  );
  const assigned = perCluster.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n - assigned; i++) perCluster[i % nClusters]++;

  // Cluster centroids: hypercube vertices scaled to +-classSep (optionally squashed at random).
  const centroids = hypercubeVertices(nClusters, inf, rng).map((row) =>
    row.map((b) => b * (2 * o.classSep) - o.classSep)
  );
  if (!o.hypercube) {
    const perRow = uniforms(rng, nClusters), perCol = uniforms(rng, inf);
    for (let k = 0; k < nClusters; k++) {
      for (let j = 0; j < inf; j++) centroids[k][j] = centroids[k][j] * perRow[k] * perCol[j];
    }
  }

  const x = new Float64Array(n * f);
  const y = new Int32Array(n);
  const normals = rng.standardNormal([n, inf]).data;
  for (let r = 0; r < n; r++) x.set(normals.subarray(r * inf, (r + 1) * inf), r * f);

  // Each cluster: a random covariance (X_k @ A) and a shift to its vertex.
  let stop = 0;
  for (let k = 0; k < nClusters; k++) {
    const start = stop;
    stop += perCluster[k];
    y.fill(k % nClasses, start, stop);
    const a = uniforms(rng, inf * inf).map((u) => 2 * u - 1);
    matmulRows(x, f, start, stop, inf, a, inf, 0);
    for (let r = start; r < stop; r++) {
      for (let j = 0; j < inf; j++) x[r * f + j] += centroids[k][j];
    }
  }

  if (nRedundant > 0) {
    const b = uniforms(rng, inf * nRedundant).map((u) => 2 * u - 1);
    matmulRows(x, f, 0, n, inf, b, nRedundant, inf);
  }
  if (nRepeated > 0) {
    const m = inf + nRedundant;
    const idx = Array.from(uniforms(rng, nRepeated), (u) => Math.trunc((m - 1) * u + 0.5));
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < nRepeated; j++) x[r * f + m + j] = x[r * f + idx[j]];
    }
  }
  const nUseless = f - inf - nRedundant - nRepeated;
  if (nUseless > 0) {
    const noise = rng.standardNormal([n, nUseless]).data;
    for (let r = 0; r < n; r++) {
      x.set(noise.subarray(r * nUseless, (r + 1) * nUseless), r * f + f - nUseless);
    }
  }

  if (o.flipY >= 0) {
    const u = uniforms(rng, n);
    const flip: number[] = [];
    for (let i = 0; i < n; i++) if (u[i] < o.flipY) flip.push(i);
    const labels = rng.randint(nClasses, { size: flip.length }) as Int32Array;
    flip.forEach((i, t) => (y[i] = labels[t]));
  }

  const shift = perFeature(o.shift, f, () => uniforms(rng, f).map((u) => (2 * u - 1) * o.classSep));
  for (let i = 0; i < x.length; i++) x[i] += shift[i % f];
  const scale = perFeature(o.scale, f, () => uniforms(rng, f).map((u) => 1 + 100 * u));
  for (let i = 0; i < x.length; i++) x[i] *= scale[i % f];

  if (!o.shuffle) return { x: new Tensor(x, [n, f]), y };
  // Shuffle samples (sklearn.utils.shuffle), then the feature order.
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(rows);
  const cols = Int32Array.from({ length: f }, (_, i) => i);
  rng.shuffle(cols);
  const xs = new Float64Array(n * f);
  const ys = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    ys[r] = y[rows[r]];
    for (let j = 0; j < f; j++) xs[r * f + j] = x[rows[r] * f + cols[j]];
  }
  return { x: new Tensor(xs, [n, f]), y: ys };
}
