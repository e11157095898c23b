/**
 * Neural-network building blocks: layers with forward and backward passes, `Sequential`, losses,
 * weight initialisation and L1/L2 penalties.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { BCELoss, Linear, ReLU, Sequential, Sigmoid } from "@dlfs/deno-dl/nn";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const rng = defaultRng(12345);
 * const net = new Sequential([
 *   new Linear(2, 8, { init: "product-uniform", rng }), new ReLU(),
 *   new Linear(8, 1, { init: "product-uniform", rng }), new Sigmoid(),
 * ]);
 * const [x, y] = [tensor([[0, 1], [1, 0]]), tensor([[1], [0]])];
 * const loss = new BCELoss();
 * const before = loss.forward(net.forward(x), y);
 * for (let step = 0; step < 100; step++) {
 *   const p = net.forward(x);
 *   net.backward(loss.backward(p, y));
 *   net.step(0.5);
 * }
 * assert.ok(loss.forward(net.forward(x), y) < before / 2);
 * ```
 *
 * @module
 */
export {
  type BackwardOptions,
  Layer,
  type Module,
  type Parameter,
  parameterRecord,
} from "./module.ts";
export {
  LogSoftmax,
  ReLU,
  type ReLUOptions,
  Sigmoid,
  Softmax,
  type SoftmaxOptions,
  Tanh,
} from "./activations.ts";
export { Linear, type LinearOptions } from "./linear.ts";
export {
  type InitialValues,
  type InitOptions,
  type InitRng,
  type InitScheme,
  initWeights,
} from "./init.ts";
export { Dropout, type DropoutOptions, type DropoutRng } from "./dropout.ts";
export { Sequential, type SequentialOptions } from "./sequential.ts";
export {
  BCELoss,
  type BCELossOptions,
  type CategoricalLossOptions,
  CrossEntropyLoss,
  type CrossEntropyOptions,
  type ElementwiseLossOptions,
  type ElementwiseReduction,
  type LossBackwardOptions,
  MSELoss,
  NLLLoss,
  type Reduction,
  SoftmaxCrossEntropyLoss,
  type Target,
} from "./losses.ts";
export {
  addRegularizationGrad,
  regularizationLoss,
  type RegularizationOptions,
} from "./regularization.ts";
