/**
 * Optimizers over `parameters()` records, gradient clipping, learning-rate schedules and early
 * stopping.
 *
 * ```ts
 * import { Adam } from "./lib/optim/mod.ts";
 * const opt = new Adam(net.parameters(), { lr: 0.01, weightDecay: 0.01 });
 * net.backward(loss.backward(logits, labels));
 * opt.step();
 * ```
 *
 * @module
 */
export { clipInPlace, type Flavor, Optimizer, type OptimizerOptions } from "./optimizer.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adagrad, type AdagradOptions } from "./adagrad.ts";
export { RMSprop, type RMSpropOptions } from "./rmsprop.ts";
export { Adam, type AdamOptions } from "./adam.ts";
export { clipGradNorm, clipGradValue } from "./clip.ts";
export {
  EarlyStopping,
  type EarlyStoppingOptions,
  ExponentialLR,
  type ExponentialLROptions,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  StepLR,
  type StepLROptions,
} from "./schedulers.ts";
