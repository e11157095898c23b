/**
 * Gradient clipping, applied between `backward` and the optimizer step.
 *
 * @module
 */
import type { Parameter } from "../tensor/parameter.ts";
import { clipInPlace } from "./optimizer.ts";

/**
 * Clips every gradient element to [-clipValue, clipValue] in place (PyTorch's
 * `clip_grad_value_`; assignment 000's `np.clip(dW, -1, 1)`).
 */
export function clipGradValue(params: readonly Parameter[], clipValue: number): void {
  if (!(clipValue > 0)) {
    throw new RangeError(`clipGradValue: clipValue must be > 0, got ${clipValue}`);
  }
  for (const p of params) clipInPlace(p.grad.data, clipValue);
}

/**
 * Rescales all gradients together so their joint L2 norm is at most `maxNorm` (PyTorch's
 * `clip_grad_norm_`: factor `maxNorm / (norm + 1e-6)` when below 1). Returns the norm before.
 */
export function clipGradNorm(params: readonly Parameter[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  let sq = 0;
  for (const p of params) {
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const p of params) {
      const g = p.grad.data;
      for (let i = 0; i < g.length; i++) g[i] *= coef;
    }
  }
  return norm;
}
