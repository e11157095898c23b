/**
 * The two training workloads of the benchmark, written with `gemm` and tight typed-array loops (no
 * tensors, no per-element closures or allocations; every buffer is allocated once, by lib/tensor's
 * allocator, so that large ones get huge pages as NumPy's do):
 *
 * - `mlpEpoch`: one epoch of the MNIST MLP of assignment 002 (784-500-250-100-10, sigmoid, softmax
 *   cross-entropy, batch 64, plain SGD) over 60,000 shuffled samples;
 * - `fullBatchStep`: one full-batch step of the Fashion-MNIST network of assignment 004 (60,000 x 784
 *   through 128-128-10, ReLU, softmax cross-entropy with L2 on the first layer, backward including the
 *   first layer's input gradient as nnfs computes it, SGD update).
 *
 * `train_numpy.py` does the same computation with NumPy, line for line, so the two timings compare.
 * The data are synthetic (uniform pixels, random labels): the time does not depend on the values.
 *
 * @module
 */
import { type FloatArray, gemm, type KernelDType } from "../../kernels/mod.ts";
import { allocate } from "../../lib/tensor/tensor.ts";

/** Synthetic inputs in [0, 1) and labels in [0, classes), from a small LCG (deterministic). */
export function syntheticData(
  dtype: KernelDType,
  shape: { samples: number; features: number; classes: number },
): { x: FloatArray; y: Int32Array } {
  const { samples, features, classes } = shape;
  // In memory from lib/tensor's allocator (huge pages for large arrays, as NumPy's arrays and the
  // library's data loaders get), so that the data are what a loader would hand over.
  const x = allocate(dtype, samples * features) as FloatArray;
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32;
  }
  const y = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    y[i] = s % classes;
  }
  return { x, y };
}

/** A buffer from lib/tensor's allocator (the same memory policy as the modules' buffers). */
function alloc(dtype: KernelDType, size: number): FloatArray {
  return allocate(dtype, size) as FloatArray;
}

/** One dense layer with its parameters, gradients and the buffers of one batch. */
interface Dense {
  nIn: number;
  nOut: number;
  w: FloatArray; // [nIn, nOut]
  b: FloatArray; // [nOut]
  dw: FloatArray;
  db: FloatArray;
  a: FloatArray; // activation output [rows, nOut]
  dz: FloatArray; // gradient w.r.t. the pre-activation [rows, nOut]
}

/** Dense layers with uniform Glorot weights and zero biases, buffers for `rows` samples. */
function denseStack(sizes: number[], dtype: KernelDType, rows: number): Dense[] {
  let s = 777;
  return sizes.slice(1).map((nOut, l) => {
    const nIn = sizes[l];
    const limit = Math.sqrt(6 / (nIn + nOut));
    const w = alloc(dtype, nIn * nOut);
    for (let i = 0; i < w.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      w[i] = (2 * (s / 2 ** 32) - 1) * limit;
    }
    return {
      nIn,
      nOut,
      w,
      b: alloc(dtype, nOut),
      dw: alloc(dtype, nIn * nOut),
      db: alloc(dtype, nOut),
      a: alloc(dtype, rows * nOut),
      dz: alloc(dtype, rows * nOut),
    };
  });
}

/** out[rows, nOut] = x @ w (through the kernel registry), then `+ b` and the activation in place. */
function denseForward(l: Dense, x: FloatArray, rows: number, act: "sigmoid" | "relu" | "none") {
  gemm({
    transA: false,
    transB: false,
    m: rows,
    n: l.nOut,
    k: l.nIn,
    alpha: 1,
    a: x,
    b: l.w,
    beta: 0,
    c: l.a,
  });
  const a = l.a, b = l.b, n = l.nOut;
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    if (act === "sigmoid") {
      for (let j = 0; j < n; j++) a[o + j] = 1 / (1 + Math.exp(-(a[o + j] + b[j])));
    } else if (act === "relu") {
      for (let j = 0; j < n; j++) {
        const v = a[o + j] + b[j];
        a[o + j] = v > 0 ? v : 0;
      }
    } else {
      for (let j = 0; j < n; j++) a[o + j] += b[j];
    }
  }
}

/**
 * Softmax of the logits in `l.a` in place, the mean cross-entropy against `y`, and the fused gradient
 * `(p - onehot(y)) / rows` into `l.dz`. Returns [loss, correct predictions].
 */
function softmaxCrossEntropy(
  l: Dense,
  y: Int32Array,
  yOff: number,
  rows: number,
): [number, number] {
  const p = l.a, dz = l.dz, c = l.nOut;
  let loss = 0, correct = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let max = -Infinity, arg = 0;
    for (let j = 0; j < c; j++) {
      if (p[o + j] > max) (max = p[o + j]), (arg = j);
    }
    let sum = 0;
    for (let j = 0; j < c; j++) sum += p[o + j] = Math.exp(p[o + j] - max);
    const label = y[yOff + r];
    for (let j = 0; j < c; j++) {
      p[o + j] /= sum;
      dz[o + j] = p[o + j] / rows;
    }
    dz[o + label] -= 1 / rows;
    loss -= Math.log(Math.min(Math.max(p[o + label], 1e-7), 1 - 1e-7));
    if (arg === label) correct++;
  }
  return [loss / rows, correct];
}

/** dw = x^T @ dz, db = column sums of dz; then, when `dx` is given, dx = dz @ w^T. */
function denseBackward(l: Dense, x: FloatArray, rows: number, dx: FloatArray | null): void {
  const call = { alpha: 1, beta: 0 };
  gemm({
    ...call,
    transA: true,
    transB: false,
    m: l.nIn,
    n: l.nOut,
    k: rows,
    a: x,
    b: l.dz,
    c: l.dw,
  });
  const db = l.db, dz = l.dz, n = l.nOut;
  db.fill(0);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    for (let j = 0; j < n; j++) db[j] += dz[o + j];
  }
  if (dx) {
    gemm({
      ...call,
      transA: false,
      transB: true,
      m: rows,
      n: l.nIn,
      k: l.nOut,
      a: l.dz,
      b: l.w,
      c: dx,
    });
  }
}

/** w -= lr * dw, b -= lr * db. */
function sgd(l: Dense, lr: number): void {
  const { w, dw, b, db } = l;
  for (let i = 0; i < w.length; i++) w[i] -= lr * dw[i];
  for (let i = 0; i < b.length; i++) b[i] -= lr * db[i];
}

/** A trainer of the MNIST MLP; `epoch()` runs one shuffled epoch and returns the last batch's loss. */
export interface MlpTrainer {
  /** One epoch over all samples (or the first `maxBatches` batches). */
  epoch(maxBatches?: number): number;
}

/** Builds the MLP of assignment 002 over `x` [samples, 784] and labels `y`. */
export function mlpTrainer(
  data: { x: FloatArray; y: Int32Array },
  options: { dtype: KernelDType; batch?: number; lr?: number; sizes?: number[] },
): MlpTrainer {
  const sizes = options.sizes ?? [784, 500, 250, 100, 10];
  const batch = options.batch ?? 64, lr = options.lr ?? 0.1;
  const features = sizes[0], samples = data.y.length;
  const layers = denseStack(sizes, options.dtype, batch);
  const xb = alloc(options.dtype, batch * features);
  const yb = new Int32Array(batch);
  const perm = new Int32Array(samples);
  let seed = 99;

  function shuffle(): void {
    for (let i = 0; i < samples; i++) perm[i] = i;
    for (let i = samples - 1; i > 0; i--) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const j = seed % (i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
  }

  function step(rows: number): number {
    let input = xb;
    for (let l = 0; l < layers.length; l++) {
      denseForward(layers[l], input, rows, l < layers.length - 1 ? "sigmoid" : "none");
      input = layers[l].a;
    }
    const [loss] = softmaxCrossEntropy(layers[layers.length - 1], yb, 0, rows);
    for (let l = layers.length - 1; l >= 0; l--) {
      const below = l > 0 ? layers[l - 1] : null;
      denseBackward(layers[l], below ? below.a : xb, rows, below ? below.dz : null);
      if (below) {
        // Sigmoid's derivative from its output: dz *= a (1 - a).
        const a = below.a, dz = below.dz, size = rows * below.nOut;
        for (let i = 0; i < size; i++) dz[i] *= a[i] * (1 - a[i]);
      }
    }
    for (const l of layers) sgd(l, lr);
    return loss;
  }

  return {
    epoch(maxBatches = Infinity): number {
      shuffle();
      let loss = NaN;
      for (let start = 0, n = 0; start < samples && n < maxBatches; start += batch, n++) {
        const rows = Math.min(batch, samples - start);
        for (let r = 0; r < rows; r++) {
          const src = perm[start + r];
          xb.set(data.x.subarray(src * features, (src + 1) * features), r * features);
          yb[r] = data.y[src];
        }
        loss = step(rows);
      }
      return loss;
    },
  };
}

/** A trainer of the Fashion-MNIST network; `step()` runs one full-batch step. */
export interface FullBatchTrainer {
  /** Forward, loss, accuracy, backward and SGD update on all samples; returns [loss, accuracy]. */
  step(): [number, number];
}

/** Builds the 784-128-128-10 ReLU network of assignment 004 over all of `x` at once. */
export function fullBatchTrainer(
  data: { x: FloatArray; y: Int32Array },
  options: { dtype: KernelDType; lr?: number; l2?: number; hidden?: number },
): FullBatchTrainer {
  const hidden = options.hidden ?? 128, lr = options.lr ?? 1, l2 = options.l2 ?? 5e-4;
  const rows = data.y.length, features = data.x.length / rows;
  const layers = denseStack([features, hidden, hidden, 10], options.dtype, rows);
  const dx = alloc(options.dtype, rows * features); // nnfs computes dense1's input gradient too
  const [d1, d2, d3] = layers;

  return {
    step(): [number, number] {
      denseForward(d1, data.x, rows, "relu");
      denseForward(d2, d1.a, rows, "relu");
      denseForward(d3, d2.a, rows, "none");
      const [dataLoss, correct] = softmaxCrossEntropy(d3, data.y, 0, rows);
      let reg = 0;
      for (let i = 0; i < d1.w.length; i++) reg += d1.w[i] * d1.w[i];
      for (let i = 0; i < d1.b.length; i++) reg += d1.b[i] * d1.b[i];
      denseBackward(d3, d2.a, rows, d2.dz);
      reluBackward(d2, rows);
      denseBackward(d2, d1.a, rows, d1.dz);
      reluBackward(d1, rows);
      denseBackward(d1, data.x, rows, dx);
      // L2 on dense1: d/dw of l2 * sum(w^2) is 2 l2 w.
      for (let i = 0; i < d1.w.length; i++) d1.dw[i] += 2 * l2 * d1.w[i];
      for (let i = 0; i < d1.b.length; i++) d1.db[i] += 2 * l2 * d1.b[i];
      for (const l of layers) sgd(l, lr);
      return [dataLoss + l2 * reg, correct / rows];
    },
  };
}

/** ReLU's backward from its output: the gradient passes where the output is positive. */
function reluBackward(l: Dense, rows: number): void {
  const a = l.a, dz = l.dz, size = rows * l.nOut;
  for (let i = 0; i < size; i++) if (a[i] <= 0) dz[i] = 0;
}
