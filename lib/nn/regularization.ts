/**
 * L1 and L2 penalties on chosen parameters: their value (added to the data loss) and their
 * gradient (added to the parameters' gradients after `backward`), as nnfs's `Layer_Dense` does.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   addRegularizationGrad,
 *   BCELoss,
 *   Linear,
 *   regularizationLoss,
 *   Sequential,
 *   Sigmoid,
 * } from "@dlfs/deno-dl/nn";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const dense1 = new Linear(2, 1, { rng: defaultRng(0) });
 * const net = new Sequential([dense1, new Sigmoid()]);
 * const lossFn = new BCELoss();
 * const [x, y] = [tensor([[1, 2]]), tensor([[1]])];
 * const reg = { l2: 5e-4 };
 * const weight = dense1.parameters()[0]; // the weight, not the bias
 * const p = net.forward(x);
 * const loss = lossFn.forward(p, y) + regularizationLoss([weight], reg); // + 5e-4 Σ w²
 * net.backward(lossFn.backward(p, y));
 * const before = weight.grad.data[0];
 * addRegularizationGrad([weight], reg); // grad += 2 · 5e-4 · w
 * assert.ok(Math.abs(weight.grad.data[0] - (before + 1e-3 * weight.value.data[0])) < 1e-15);
 * assert.ok(loss > lossFn.forward(p, y));
 * ```
 *
 * @module
 */
import type { Parameter } from "./module.ts";

/** Strengths of the penalties (0 or absent: off). */
export interface RegularizationOptions {
  /** L1 strength: adds `l1 * sum(|w|)`, gradient `l1 * sign(w)` (with sign(0) = +1, as nnfs). */
  l1?: number;
  /**
   * L2 strength: adds `l2 * sum(w^2)` (no 1/2), gradient `2 * l2 * w`. PyTorch's coupled
   * `weight_decay = wd` equals `l2 = wd / 2`.
   */
  l2?: number;
}

function strengths(options: RegularizationOptions): { l1: number; l2: number } {
  const l1 = options.l1 ?? 0, l2 = options.l2 ?? 0;
  if (!(l1 >= 0) || !(l2 >= 0)) {
    throw new RangeError(`regularization: l1 and l2 must be >= 0, got l1=${l1}, l2=${l2}`);
  }
  return { l1, l2 };
}

/** `l1 * sum|w| + l2 * sum w^2` over the given parameters (each term only when its strength > 0). */
export function regularizationLoss(
  params: readonly Parameter[],
  options: RegularizationOptions,
): number {
  const { l1, l2 } = strengths(options);
  let total = 0;
  for (const p of params) {
    const w = p.value.data;
    if (l1 > 0) {
      let s = 0;
      for (let i = 0; i < w.length; i++) s += Math.abs(w[i]);
      total += l1 * s;
    }
    if (l2 > 0) {
      let s = 0;
      for (let i = 0; i < w.length; i++) s += w[i] * w[i];
      total += l2 * s;
    }
  }
  return total;
}

/** Adds `l1 * sign(w)` (sign(0) = +1) and then `2 * l2 * w` to each parameter's gradient. */
export function addRegularizationGrad(
  params: readonly Parameter[],
  options: RegularizationOptions,
): void {
  const { l1, l2 } = strengths(options);
  for (const p of params) {
    const w = p.value.data, g = p.grad.data;
    if (l1 > 0) { for (let i = 0; i < w.length; i++) g[i] += w[i] < 0 ? -l1 : l1; }
    if (l2 > 0) { for (let i = 0; i < w.length; i++) g[i] += 2 * l2 * w[i]; }
  }
}
