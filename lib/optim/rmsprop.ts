/**
 * RMSprop: per-element learning rates from a moving average of squared gradients.
 *
 * @module
 */
import type { Parameter } from "../tensor/parameter.ts";
import { checkPositive, Optimizer, type OptimizerOptions } from "./optimizer.ts";

/** Options of {@link RMSprop}. */
export interface RMSpropOptions extends OptimizerOptions {
  /** Decay of the average, PyTorch's `alpha` or nnfs's `rho` (default 0.99 PyTorch, 0.9 nnfs). */
  alpha?: number;
  /** Added to the root of the average (default 1e-8 PyTorch, 1e-7 nnfs). */
  eps?: number;
}

/**
 * `s = alpha * s + (1 - alpha) * g^2`, `w -= lr * g / (sqrt(s) + eps)`.
 * Default lr: 0.01 (PyTorch) or 0.001 (nnfs).
 */
export class RMSprop extends Optimizer {
  /** Decay of the squared-gradient average. */
  readonly alpha: number;
  /** Added to the denominator. */
  readonly eps: number;
  #avg: Float64Array[] = [];

  /** Makes the optimizer over `params`. */
  constructor(params: readonly Parameter[], options: RMSpropOptions = {}) {
    const nnfs = options.flavor === "nnfs";
    super("RMSprop", params, { ...options, defaultLr: nnfs ? 0.001 : 0.01 });
    this.alpha = options.alpha ?? (nnfs ? 0.9 : 0.99);
    this.eps = checkPositive("RMSprop", "eps", options.eps ?? (nnfs ? 1e-7 : 1e-8)); // eps 0 turns 0 / 0 into NaN weights
    if (!(this.alpha >= 0 && this.alpha < 1)) {
      throw new RangeError(`RMSprop: alpha must be in [0, 1), got ${this.alpha}`);
    }
  }

  /** One RMSprop update of parameter `index`. */
  protected update(
    index: number,
    w: Float32Array | Float64Array,
    g: Float32Array | Float64Array,
    lr: number,
  ): void {
    const eps = this.eps, a = this.alpha, n = w.length;
    const s = this.state(this.#avg, index, n);
    const nnfs = this.flavor === "nnfs";
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      // nnfs: rho * cache + (1 - rho) * g**2; PyTorch: avg * alpha + ((1 - alpha) * g) * g.
      s[i] = nnfs ? a * s[i] + (1 - a) * (gi * gi) : s[i] * a + (1 - a) * gi * gi;
      w[i] += (-lr * gi) / (Math.sqrt(s[i]) + eps);
    }
  }
}
