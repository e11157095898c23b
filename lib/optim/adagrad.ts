/**
 * Adagrad: per-element learning rates from the running sum of squared gradients.
 *
 * @module
 */
import type { Parameter } from "../tensor/parameter.ts";
import { checkPositive, Optimizer, type OptimizerOptions } from "./optimizer.ts";

/** Options of {@link Adagrad}. */
export interface AdagradOptions extends OptimizerOptions {
  /** Added to the root of the sum (default 1e-10 PyTorch, 1e-7 nnfs). */
  eps?: number;
}

/**
 * `s += g^2`, `w -= lr * g / (sqrt(s) + eps)`. Default lr: 0.01 (PyTorch) or 1.0 (nnfs).
 */
export class Adagrad extends Optimizer {
  /** Added to the denominator. */
  readonly eps: number;
  #sum: Float64Array[] = [];

  /** Makes the optimizer over `params`. */
  constructor(params: readonly Parameter[], options: AdagradOptions = {}) {
    const nnfs = options.flavor === "nnfs";
    super("Adagrad", params, { ...options, defaultLr: nnfs ? 1.0 : 0.01 });
    this.eps = checkPositive("Adagrad", "eps", options.eps ?? (nnfs ? 1e-7 : 1e-10)); // eps 0 turns 0 / 0 into NaN weights
  }

  /** One Adagrad update of parameter `index`. */
  protected update(
    index: number,
    w: Float32Array | Float64Array,
    g: Float32Array | Float64Array,
    lr: number,
  ): void {
    const eps = this.eps, n = w.length;
    const s = this.state(this.#sum, index, n);
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      s[i] += gi * gi;
      w[i] += (-lr * gi) / (Math.sqrt(s[i]) + eps);
    }
  }
}
