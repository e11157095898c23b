/**
 * Mini-batches over a data set, like PyTorch's `DataLoader`.
 *
 * @module
 */
import { shapeStr, Tensor, type TensorData } from "../tensor/mod.ts";

/** Anything that draws a permutation of 0..n-1, e.g. `defaultRng(seed)` from lib/random. */
export interface PermutationSource {
  /** A random permutation of `0 .. n-1`. */
  permutation(n: number): ArrayLike<number>;
}

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions {
  /** Rows per batch (default 1, as PyTorch). */
  batchSize?: number;
  /** Visit the rows in a fresh random order each epoch (default false: in order). */
  shuffle?: boolean;
  /**
   * Where the permutations come from (e.g. `defaultRng(42)`): each epoch calls
   * `rng.permutation(N)` once. Without it, shuffling uses `Math.random` (unseeded, like PyTorch's
   * default).
   */
  rng?: PermutationSource;
  /** Drop the last batch when it is smaller than `batchSize` (default false: keep it). */
  dropLast?: boolean;
  /**
   * Reuse two preallocated buffers for the shuffled batches instead of allocating each one
   * (default false). A batch is then only valid until the next one is produced.
   */
  reuseBuffers?: boolean;
}

/** One mini-batch. */
export interface Batch<Y> {
  /** The rows of `x`, `[B, ...]`. */
  x: Tensor;
  /** The matching labels (Int32Array) or rows of the target tensor. */
  y: Y;
  /** Which rows of the data set are in the batch, in order. */
  indices: Int32Array;
}

/**
 * Iterates over `(x, y)` in mini-batches. Each `for ... of` is one epoch; with `shuffle`, each
 * epoch draws a new permutation. The batch count is `ceil(N / batchSize)`, e.g. 938 batches of 64
 * for MNIST's 60,000 images (the last has 32), or `floor(N / batchSize)` with `dropLast`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataLoader } from "@dlfs/deno-dl/data";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { arange, reshape } from "@dlfs/deno-dl/tensor";
 *
 * const x = reshape(arange(10), [5, 2]); // 5 samples of 2 features
 * const labels = Int32Array.of(0, 1, 0, 1, 0);
 * const loader = new DataLoader(x, labels, { batchSize: 2, shuffle: true, rng: defaultRng(0) });
 * assert.equal(loader.length, 3); // batches of 2, 2 and 1
 * let seen = 0;
 * for (const { x: xb, y: yb } of loader) {
 *   assert.equal(xb.shape[0], yb.length);
 *   seen += yb.length;
 * }
 * assert.equal(seen, 5);
 * ```
 *
 * Without shuffling, batches are views on `x`'s memory (no copy); with shuffling, rows are copied.
 */
export class DataLoader<Y extends Int32Array | Tensor = Int32Array> implements Iterable<Batch<Y>> {
  /** The data, `[N, ...]`. */
  readonly x: Tensor;
  /** The labels (`Int32Array` of length N) or targets (`Tensor` `[N, ...]`). */
  readonly y: Y;
  /** Rows per batch. */
  readonly batchSize: number;
  /** Whether each epoch shuffles. */
  readonly shuffle: boolean;
  /** Whether the last, smaller batch is dropped. */
  readonly dropLast: boolean;
  #rng?: PermutationSource;
  #buffers?: { x: TensorData; y?: Int32Array | TensorData };

  /**
   * Makes a loader over the rows of `x` and `y`; see {@link DataLoaderOptions}.
   * @param x the data, first axis = samples
   * @param y labels or targets with the same number of samples
   * @throws RangeError when the sample counts differ or `batchSize` is not a positive integer
   */
  constructor(x: Tensor, y: Y, options: DataLoaderOptions = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false } = options;
    if (x.ndim === 0) throw new RangeError("DataLoader: x must have a first (sample) axis");
    const ny = y instanceof Tensor ? y.shape[0] : y.length;
    if (ny !== x.shape[0]) {
      throw new RangeError(
        `DataLoader: x has ${x.shape[0]} samples (shape ${shapeStr(x.shape)}) but y has ${ny}`,
      );
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.x = x;
    this.y = y;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.#rng = options.rng;
    if (options.reuseBuffers && shuffle) {
      this.#buffers = {
        x: new (x.data.constructor as Float64ArrayConstructor)(batchSize * rowSize(x)),
        y: y instanceof Tensor
          ? new (y.data.constructor as Float64ArrayConstructor)(batchSize * rowSize(y))
          : new Int32Array(batchSize),
      };
    }
  }

  /** Number of samples N. */
  get size(): number {
    return this.x.shape[0];
  }

  /** Number of batches per epoch: `ceil(N / batchSize)`, or `floor` with `dropLast`. */
  get length(): number {
    const n = this.size / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** One epoch of batches. */
  *[Symbol.iterator](): Iterator<Batch<Y>> {
    const order = this.shuffle ? this.#permutation() : undefined;
    const n = this.size;
    for (let b = 0; b < this.length; b++) {
      const start = b * this.batchSize;
      const end = Math.min(n, start + this.batchSize);
      if (order) yield this.#gather(order.subarray(start, end));
      else yield this.#slice(start, end);
    }
  }

  /** A fresh permutation of 0..N-1, checked. */
  #permutation(): Int32Array {
    const n = this.size;
    const perm = this.#rng ? Int32Array.from(this.#rng.permutation(n)) : shuffledRange(n);
    if (perm.length !== n) {
      throw new RangeError(`DataLoader: rng.permutation(${n}) returned ${perm.length} indices`);
    }
    return perm;
  }

  /** Rows start..end as views (no copy). */
  #slice(start: number, end: number): Batch<Y> {
    const indices = new Int32Array(end - start);
    for (let i = 0; i < indices.length; i++) indices[i] = start + i;
    return { x: sliceRows(this.x, start, end), y: sliceLabels(this.y, start, end), indices };
  }

  /** Copies the rows in `indices` into a batch. */
  #gather(indices: Int32Array): Batch<Y> {
    const x = gatherRows(this.x, indices, this.#buffers?.x);
    const y = this.y instanceof Tensor
      ? gatherRows(this.y, indices, this.#buffers?.y as TensorData | undefined)
      : gatherLabels(this.y, indices, this.#buffers?.y as Int32Array | undefined);
    return { x, y: y as Y, indices };
  }
}

function rowSize(x: Tensor): number {
  return x.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** 0..n-1 shuffled by Fisher-Yates with Math.random (the unseeded fallback). */
function shuffledRange(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function sliceRows(x: Tensor, start: number, end: number): Tensor {
  const r = rowSize(x);
  return new Tensor(x.data.subarray(start * r, end * r), [end - start, ...x.shape.slice(1)]);
}

function sliceLabels<Y extends Int32Array | Tensor>(y: Y, start: number, end: number): Y {
  return (y instanceof Tensor ? sliceRows(y, start, end) : y.subarray(start, end)) as Y;
}

/** `x[indices]` for the first axis, written into `buffer` when given. */
function gatherRows(x: Tensor, indices: Int32Array, buffer?: TensorData): Tensor {
  const r = rowSize(x);
  const n = x.shape[0];
  const size = indices.length * r;
  const out = buffer
    ? buffer.subarray(0, size)
    : new (x.data.constructor as Float64ArrayConstructor)(size);
  const src = x.data;
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    if (!(row >= 0 && row < n)) {
      throw new RangeError(`DataLoader: index ${row} is out of range for ${n} samples`);
    }
    out.set(src.subarray(row * r, (row + 1) * r), i * r);
  }
  return new Tensor(out, [indices.length, ...x.shape.slice(1)]);
}

function gatherLabels(y: Int32Array, indices: Int32Array, buffer?: Int32Array): Int32Array {
  const out = buffer ? buffer.subarray(0, indices.length) : new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = y[indices[i]];
  return out;
}
