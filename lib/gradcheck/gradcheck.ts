/**
 * Gradient checks by finite differences: a central-difference gradient of any `f(Tensor) -> number`,
 * a twin of `scipy.optimize.check_grad`, and a check of a module's whole backward pass.
 *
 * @module
 */
import type { Module } from "../nn/module.ts";
import { shapeStr, Tensor } from "../tensor/tensor.ts";

/** A scalar function of a tensor. */
export type ScalarFunction = (x: Tensor) => number;

/** Options of {@link numericalGrad}. */
export interface NumericalGradOptions {
  /**
   * Half the width of the difference (default 1e-6): the derivative along coordinate i is
   * `(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`. Assignment 001's `(f(x + h/2) - f(x - h/2)) / h`
   * is `eps = h / 2`.
   */
  eps?: number;
}

/**
 * The gradient of `f` at `x` by central differences, coordinate by coordinate. `x` is perturbed in
 * place and restored, so `f` sees the same tensor object each time (it must not keep it).
 *
 * Error: O(eps^2) from truncation plus O(machine epsilon * |f| / eps) from rounding, about 1e-10
 * relative with the default eps in float64.
 */
export function numericalGrad(
  f: ScalarFunction,
  x: Tensor,
  options: NumericalGradOptions = {},
): Tensor {
  const eps = options.eps ?? 1e-6;
  if (!(eps > 0)) throw new RangeError(`numericalGrad: eps must be > 0, got ${eps}`);
  const out = new Tensor(new Float64Array(x.size), x.shape);
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    const old = d[i];
    d[i] = old + eps;
    const plus = f(x);
    d[i] = old - eps;
    const minus = f(x);
    d[i] = old;
    out.data[i] = (plus - minus) / (2 * eps);
  }
  return out;
}

/** Options of {@link checkGrad}. */
export interface CheckGradOptions {
  /** Forward-difference step (default `sqrt(2^-52)` = 1.4901161193847656e-08, as SciPy). */
  eps?: number;
}

/** SciPy's default step: the square root of float64 machine epsilon, 2^-26. */
export const CHECK_GRAD_EPS: number = Math.sqrt(2 ** -52);

function asTensor(x: Tensor | ArrayLike<number>): Tensor {
  if (x instanceof Tensor) return x;
  return new Tensor(Float64Array.from(x as ArrayLike<number>), [x.length]);
}

/**
 * `scipy.optimize.check_grad(f, grad, x0)`: the L2 norm of `grad(x0)` minus a forward-difference
 * gradient `(f(x0 + h e_i) - f(x0)) / h` with `h = eps` (SciPy's `approx_fprime`, including its
 * fallback step where `x0 + eps == x0` and its use of the exactly representable `(x0 + h) - x0`).
 *
 * As in SciPy, `grad` is called first, then `f(x0)`, then `f` once per coordinate, each on a
 * fresh copy of `x0`.
 */
export function checkGrad(
  f: ScalarFunction,
  grad: (x: Tensor) => Tensor | ArrayLike<number>,
  x0: Tensor | ArrayLike<number>,
  options: CheckGradOptions = {},
): number {
  const eps = options.eps ?? CHECK_GRAD_EPS;
  const base = asTensor(x0);
  const g = grad(base.clone());
  const analytic = g instanceof Tensor ? g.data : g;
  if (analytic.length !== base.size) {
    throw new RangeError(
      `checkGrad: grad returned ${analytic.length} values for x0 of shape ${shapeStr(base.shape)}`,
    );
  }
  const f0 = f(base.clone());
  let sq = 0;
  for (let i = 0; i < base.size; i++) {
    const x = base.clone();
    const xi = base.data[i];
    let h = eps;
    if (xi + h - xi === 0) h = CHECK_GRAD_EPS * (xi >= 0 ? 1 : -1) * Math.max(1, Math.abs(xi));
    x.data[i] = xi + h;
    const dx = x.data[i] - xi;
    const diff = analytic[i] - (f(x) - f0) / dx;
    sq += diff * diff;
  }
  return Math.sqrt(sq);
}

/** `||a - b|| / max(||a||, ||b||)` (0 when both are zero): a scale-free distance of two gradients. */
export function relativeError(
  a: Tensor | ArrayLike<number>,
  b: Tensor | ArrayLike<number>,
): number {
  const x = a instanceof Tensor ? a.data : a, y = b instanceof Tensor ? b.data : b;
  if (x.length !== y.length) {
    throw new RangeError(`relativeError: ${x.length} values against ${y.length}`);
  }
  let diff = 0, nx = 0, ny = 0;
  for (let i = 0; i < x.length; i++) {
    diff += (x[i] - y[i]) ** 2;
    nx += x[i] * x[i];
    ny += y[i] * y[i];
  }
  const scale = Math.sqrt(Math.max(nx, ny));
  return scale === 0 ? 0 : Math.sqrt(diff) / scale;
}

/** What {@link checkModuleGradients} measured: relative errors of analytic against numerical. */
export interface ModuleGradientErrors {
  /** Error of the input gradient returned by `backward`. */
  input: number;
  /** Error of each parameter gradient, by parameter name. */
  params: Record<string, number>;
}

/** Options of {@link checkModuleGradients}. */
export interface ModuleGradcheckOptions extends NumericalGradOptions {
  /** Output weights `r` of the test loss `sum(forward(x) * r)`; fixed pseudo-random by default. */
  outputWeights?: Tensor;
}

/** Deterministic, varied, non-zero weights (no generator needed). */
function defaultWeights(shape: readonly number[]): Tensor {
  const w = new Float64Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < w.length; i++) w[i] = Math.cos(1.3 * i + 0.5) + 0.1;
  return new Tensor(w, shape);
}

/**
 * Checks a module's `backward` against central differences of the test loss
 * `L(x) = sum(forward(x) * r)`, whose gradient with respect to the output is `r` (non-uniform, so
 * a backward pass that ignores `dy` fails). Returns the relative error for the input and for every
 * parameter; in float64 they should be around 1e-9 or smaller.
 */
export function checkModuleGradients(
  module: Module,
  x: Tensor,
  options: ModuleGradcheckOptions = {},
): ModuleGradientErrors {
  const y = module.forward(x);
  const r = options.outputWeights ?? defaultWeights(y.shape);
  if (r.size !== y.size) {
    throw new RangeError(
      `checkModuleGradients: outputWeights ${shapeStr(r.shape)} vs output ${shapeStr(y.shape)}`,
    );
  }
  const dx = module.backward(r).clone();
  const params = module.parameters();
  const analytic = params.map((p) => p.grad.clone());
  const loss = (input: Tensor): number => {
    const out = module.forward(input).data;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] * r.data[i];
    return s;
  };
  const input = relativeError(dx, numericalGrad(loss, x, options));
  const errors: Record<string, number> = {};
  params.forEach((p, k) => {
    const numeric = numericalGrad(() => loss(x), p.value, options);
    errors[p.name] = relativeError(analytic[k], numeric);
  });
  return { input, params: errors };
}
