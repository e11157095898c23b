/**
 * Gradient checks by finite differences.
 *
 * ```ts
 * import { checkGrad, numericalGrad } from "./lib/gradcheck/mod.ts";
 * const err = checkGrad((x) => f(x), (x) => grad(x), x0); // scipy.optimize.check_grad
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
