/**
 * Stochastic gradient descent, optionally with momentum (PyTorch or nnfs form) and learning-rate
 * decay.
 *
 * @module
 */
import type { Parameter } from "../tensor/parameter.ts";
import { Optimizer, type OptimizerOptions } from "./optimizer.ts";

/** Options of {@link SGD}. */
export interface SGDOptions extends OptimizerOptions {
  /** Learning rate (required). */
  lr: number;
  /** Momentum factor (default 0: plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum (PyTorch flavour only). */
  nesterov?: boolean;
}

/**
 * `w -= lr * g`, or with momentum:
 * - PyTorch: `v = momentum * v + g` (v = g on the first step), `w -= lr * v`;
 * - nnfs (assignment 004): `v = momentum * v - lr * g`, `w += v`, so a decaying rate only scales
 *   new gradients.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, MSELoss } from "@dlfs/deno-dl/nn";
 * import { SGD } from "@dlfs/deno-dl/optim";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const net = new Linear(1, 1, { init: "zeros" });
 * const loss = new MSELoss();
 * const [x, y] = [tensor([[1], [2]]), tensor([[2], [4]])];
 * const opt = new SGD(net.parameters(), { lr: 0.1, decay: 0.01, momentum: 0.5, flavor: "nnfs" });
 * for (let step = 0; step < 20; step++) {
 *   net.backward(loss.backward(net.forward(x), y));
 *   opt.step();
 * }
 * assert.ok(loss.forward(net.forward(x), y) < 0.1);
 * ```
 */
export class SGD extends Optimizer {
  /** Momentum factor. */
  readonly momentum: number;
  /** Nesterov momentum. */
  readonly nesterov: boolean;
  #velocity: Float64Array[] = [];

  /** Makes the optimizer over `params` (e.g. `net.parameters()`). */
  constructor(params: readonly Parameter[], options: SGDOptions) {
    super("SGD", params, options);
    const momentum = options.momentum ?? 0;
    if (!(momentum >= 0 && momentum < 1)) {
      throw new RangeError(`SGD: momentum must be in [0, 1), got ${momentum}`);
    }
    this.momentum = momentum;
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (momentum === 0 || this.flavor !== "pytorch")) {
      throw new RangeError("SGD: nesterov needs momentum > 0 and the pytorch flavor");
    }
  }

  /** One SGD update of parameter `index`. */
  protected update(
    index: number,
    w: Float32Array | Float64Array,
    g: Float32Array | Float64Array,
    lr: number,
  ): void {
    const m = this.momentum, n = w.length;
    if (m === 0) {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        w[i] -= lr * gi;
      }
      return;
    }
    const first = this.#velocity[index] === undefined;
    const v = this.state(this.#velocity, index, n);
    if (this.flavor === "nnfs") {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        v[i] = m * v[i] - lr * gi;
        w[i] += v[i];
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      v[i] = first ? gi : v[i] * m + gi;
      const d = this.nesterov ? gi + m * v[i] : v[i];
      w[i] += -lr * d;
    }
  }
}
