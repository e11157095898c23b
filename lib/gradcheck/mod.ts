/**
 * Gradient checks by finite differences.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkGrad, numericalGrad } from "@dlfs/deno-dl/gradcheck";
 * import { mul, sum, type Tensor, tensor } from "@dlfs/deno-dl/tensor";
 *
 * const f = (x: Tensor) => sum(mul(x, x)); // f(x) = Σ x², whose gradient is 2x
 * const grad = (x: Tensor) => mul(x, 2);
 * const x0 = tensor([1, -2, 3]);
 * assert.ok(checkGrad(f, grad, x0) < 1e-6); // as scipy.optimize.check_grad: ‖numerical − grad‖
 * assert.ok(Math.abs(numericalGrad(f, x0).data[2] - 6) < 1e-6);
 * ```
 *
 * @module
 */
export {
  CHECK_GRAD_EPS,
  checkGrad,
  type CheckGradOptions,
  checkModuleGradients,
  type ModuleGradcheckOptions,
  type ModuleGradientErrors,
  numericalGrad,
  type NumericalGradOptions,
  relativeError,
  type ScalarFunction,
} from "./gradcheck.ts";
