/**
 * The benchmark's training workloads written with the library's own modules (`lib/nn`, `lib/optim`):
 * the same computation as `train_plain.ts` and `numpy_bench.py`, but through `Linear`, `Sigmoid`,
 * `ReLU`, `Sequential`, `SoftmaxCrossEntropyLoss` and `SGD`, as a student would write it.
 *
 * @module
 */
import { Tensor } from "../../lib/tensor/tensor.ts";
import { zerosLike } from "../../lib/tensor/mod.ts";
import {
  addRegularizationGrad,
  Linear,
  regularizationLoss,
  ReLU,
  Sequential,
  Sigmoid,
  SoftmaxCrossEntropyLoss,
} from "../../lib/nn/mod.ts";
import { SGD } from "../../lib/optim/mod.ts";
import { accuracy } from "../../lib/metrics/mod.ts";
import type { FloatArray, KernelDType } from "../../kernels/mod.ts";
import type { FullBatchTrainer, MlpTrainer } from "./train_plain.ts";

/** Glorot-uniform layers need an rng; a fixed-seed LCG keeps this file independent of lib/random. */
function lcgRng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return { random: next };
}

function linear(nIn: number, nOut: number, dtype: KernelDType, seed: number): Linear {
  const layer = new Linear(nIn, nOut, { init: "zeros", dtype });
  const limit = Math.sqrt(6 / (nIn + nOut));
  const rng = lcgRng(seed);
  const w = layer.weight.data;
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.random() - 1) * limit;
  return layer;
}

/** The MNIST MLP of assignment 002 with lib/nn modules; batch 64, SGD lr 0.1. */
export function mlpTrainerNn(
  data: { x: FloatArray; y: Int32Array },
  options: { dtype: KernelDType; batch?: number; lr?: number },
): MlpTrainer {
  const { dtype } = options;
  const batch = options.batch ?? 64;
  const sizes = [784, 500, 250, 100, 10];
  const layers = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    layers.push(linear(sizes[l], sizes[l + 1], dtype, 777 + l));
    if (l < sizes.length - 2) layers.push(new Sigmoid());
  }
  const net = new Sequential(layers);
  const loss = new SoftmaxCrossEntropyLoss();
  const opt = new SGD(net.parameters(), { lr: options.lr ?? 0.1 });
  const features = sizes[0], samples = data.y.length;
  const xb = dtype === "float32"
    ? new Float32Array(batch * features)
    : new Float64Array(batch * features);
  const yb = new Int32Array(batch);
  const perm = new Int32Array(samples);
  let seed = 99;

  return {
    epoch(maxBatches = Infinity): number {
      for (let i = 0; i < samples; i++) perm[i] = i;
      for (let i = samples - 1; i > 0; i--) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        const j = seed % (i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      let value = NaN;
      for (let start = 0, n = 0; start < samples && n < maxBatches; start += batch, n++) {
        const rows = Math.min(batch, samples - start);
        for (let r = 0; r < rows; r++) {
          const src = perm[start + r];
          xb.set(data.x.subarray(src * features, (src + 1) * features), r * features);
          yb[r] = data.y[src];
        }
        const x = new Tensor(xb.subarray(0, rows * features), [rows, features]);
        const labels = yb.subarray(0, rows);
        const logits = net.forward(x);
        value = loss.forward(logits, labels);
        net.backward(loss.backward(logits, labels), { inputGrad: false });
        opt.step();
      }
      return value;
    },
  };
}

/** The Fashion-MNIST 784-128-128-10 ReLU network of assignment 004, one full-batch SGD step. */
export function fullBatchTrainerNn(
  data: { x: FloatArray; y: Int32Array },
  options: { dtype: KernelDType; lr?: number; freshInputGrad?: boolean },
): FullBatchTrainer {
  const { dtype } = options;
  const rows = data.y.length, features = data.x.length / rows;
  const net = new Sequential([
    linear(features, 128, dtype, 1),
    new ReLU(),
    linear(128, 128, dtype, 2),
    new ReLU(),
    linear(128, 10, dtype, 3),
  ]);
  const loss = new SoftmaxCrossEntropyLoss();
  const opt = new SGD(net.parameters(), { lr: options.lr ?? 1 });
  const x = new Tensor(data.x, [rows, features]);
  const dense1 = net.layers[0].parameters(); // L2 5e-4 on dense1's weight and bias
  const l2 = { l2: 5e-4 };
  const dx = options.freshInputGrad ? undefined : zerosLike(x);
  // The loss's gradient is written into a kept tensor too ({out}): 60000 x 10 each step.
  let dlogits: Tensor | undefined;
  return {
    step(): [number, number] {
      const logits = net.forward(x);
      const value = loss.forward(logits, data.y) + regularizationLoss(dense1, l2);
      const acc = accuracy(loss.probs, data.y);
      // nnfs computes dense1's input gradient too; keep it, as the NumPy side does, written into a
      // kept tensor ({out}) as a loop that needs it every step would.
      // (`freshInputGrad`: in new memory each step, the default, to show what that costs.)
      dlogits ??= zerosLike(logits);
      const dz = loss.backward(logits, data.y, { out: dlogits });
      net.backward(dz, dx ? { out: dx } : {});
      addRegularizationGrad(dense1, l2);
      opt.step();
      return [value, acc];
    },
  };
}
