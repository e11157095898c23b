/**
 * The `Parameter` record: a trainable tensor and its gradient. It lives beside `Tensor` rather than
 * in lib/nn because two layers above use it: lib/nn's layers list their parameters, lib/optim's
 * optimizers update them, and neither should import the other for a type.
 *
 * @module
 */
import type { Tensor } from "./tensor.ts";

/**
 * A trainable tensor and its gradient, as `parameters()` lists them. Optimizers update `value`
 * in place from `grad`. Both are read when used, so they follow a layer whose weight is replaced.
 */
export interface Parameter {
  /** Name within its module: `"weight"`, `"bias"`, or `"0.weight"` inside a `Sequential`. */
  readonly name: string;
  /** The parameter itself (updated in place by optimizers). */
  readonly value: Tensor;
  /** Its gradient after the last `backward`, same shape and dtype as `value`. */
  readonly grad: Tensor;
}
