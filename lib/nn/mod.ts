/**
 * Neural-network building blocks: layers with forward and backward passes, `Sequential`, losses,
 * weight initialisation and L1/L2 penalties.
 *
 * ```ts
 * import { Linear, ReLU, Sequential, Sigmoid, BCELoss } from "./lib/nn/mod.ts";
 * const net = new Sequential([
 *   new Linear(64, 32, { init: "product-uniform", rng }), new ReLU(),
 *   new Linear(32, 1, { init: "product-uniform", rng }), new Sigmoid(),
 * ]);
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
