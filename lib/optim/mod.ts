/**
 * Optimizers over `parameters()` records, gradient clipping, learning-rate schedules and early
 * stopping.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, MSELoss } from "@dlfs/deno-dl/nn";
 * import { Adam } from "@dlfs/deno-dl/optim";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const net = new Linear(1, 1, { rng: defaultRng(0) });
 * const loss = new MSELoss();
 * const [x, y] = [tensor([[1], [2], [3]]), tensor([[2], [4], [6]])]; // y = 2x
 * const opt = new Adam(net.parameters(), { lr: 0.1, weightDecay: 0.01 });
 * const first = loss.forward(net.forward(x), y);
 * for (let step = 0; step < 50; step++) {
 *   const out = net.forward(x);
 *   net.backward(loss.backward(out, y));
 *   opt.step();
 * }
 * assert.ok(loss.forward(net.forward(x), y) < first / 10);
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
