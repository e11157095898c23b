/**
 * Gradient clipping, applied between `backward` and the optimizer step.
 *
 * @module
 */
import type { Parameter } from "../tensor/parameter.ts";
import { checkGradients, clipInPlace } from "./optimizer.ts";

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
 * @throws RangeError naming the parameter when a gradient holds NaN or an infinite value (PyTorch's
 *   `error_if_nonfinite=True`): no rescaling could make it usable.
 */
export function clipGradNorm(params: readonly Parameter[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  let sq = 0;
  for (const p of params) {
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  // Overflow of the sum of squares (finite gradients above ~1e154) or a non-finite entry.
  const norm = Number.isFinite(sq) ? Math.sqrt(sq) : scaledNorm(params);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const p of params) {
      const g = p.grad.data;
      for (let i = 0; i < g.length; i++) g[i] *= coef;
    }
  }
  return norm;
}

/** The L2 norm computed as `max * sqrt(sum((g / max)^2))`, which cannot overflow; throws on NaN/Inf. */
function scaledNorm(params: readonly Parameter[]): number {
  checkGradients("clipGradNorm", params, NaN);
  let max = 0;
  for (const p of params) for (const v of p.grad.data) max = Math.max(max, Math.abs(v));
  let sq = 0;
  for (const p of params) for (const v of p.grad.data) sq += (v / max) * (v / max);
  return max * Math.sqrt(sq);
}
