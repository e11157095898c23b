/**
 * Adam in its two common forms: PyTorch's (eps 1e-8, coupled `weightDecay`, as assignment 002
 * uses) and nnfs's (eps 1e-7, as assignment 004 uses). They are the same algorithm; the eps default
 * and the order of the floating-point operations differ.
 *
 * @module
 */
import type { Parameter } from "../tensor/parameter.ts";
import { checkPositive, Optimizer, type OptimizerOptions } from "./optimizer.ts";

/** Options of {@link Adam}. */
export interface AdamOptions extends OptimizerOptions {
  /** Decay rates of the first and second moments (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the root of the second moment (default 1e-8 PyTorch, 1e-7 nnfs). */
  eps?: number;
}

/**
 * Adam with bias correction. Step t = 1, 2, ...:
 * ```text
 * g = grad + weightDecay * w                (coupled L2, PyTorch's weight_decay; not AdamW)
 * m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2
 * w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * ```
 * Default lr 0.001.
 */
export class Adam extends Optimizer {
  /** First-moment decay. */
  readonly beta1: number;
  /** Second-moment decay. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly eps: number;
  #m: Float64Array[] = [];
  #v: Float64Array[] = [];

  /** Makes the optimizer over `params`. */
  constructor(params: readonly Parameter[], options: AdamOptions = {}) {
    super("Adam", params, { ...options, defaultLr: 0.001 });
    const [b1, b2] = options.betas ?? [0.9, 0.999];
    for (const b of [b1, b2]) {
      if (!(b >= 0 && b < 1)) throw new RangeError(`Adam: betas must be in [0, 1), got ${b}`);
    }
    this.beta1 = b1;
    this.beta2 = b2;
    this.eps = checkPositive("Adam", "eps", options.eps ?? (this.flavor === "nnfs" ? 1e-7 : 1e-8)); // eps 0 turns 0 / 0 into NaN weights
  }

  /** One Adam update of parameter `index` (this optimizer's step number is `iterations + 1`). */
  protected update(
    index: number,
    w: Float32Array | Float64Array,
    g: Float32Array | Float64Array,
    lr: number,
  ): void {
    const n = w.length, b1 = this.beta1, b2 = this.beta2, eps = this.eps;
    const m = this.state(this.#m, index, n), v = this.state(this.#v, index, n);
    const t = this.iterations + 1;
    const c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
    if (this.flavor === "nnfs") {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * (gi * gi);
        w[i] += (-lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
      return;
    }
    // torch.optim.Adam (1.13): step_size = lr / bc1, denom = sqrt(v) / sqrt(bc2) + eps.
    const stepSize = lr / c1, c2Sqrt = Math.sqrt(c2);
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      m[i] = m[i] * b1 + (1 - b1) * gi;
      v[i] = v[i] * b2 + (1 - b2) * gi * gi;
      w[i] += (-stepSize * m[i]) / (Math.sqrt(v[i]) / c2Sqrt + eps);
    }
  }
}
