/**
 * Tensors with NumPy semantics: creation, broadcasting element-wise math, reductions, shapes,
 * indexing and matrix products (through `kernels/`).
 *
 * ```ts
 * import { add, matmul, sum, tensor } from "./lib/tensor/mod.ts";
 * const x = tensor([[1, 2], [3, 4]]);
 * sum(add(matmul(x, x), 1), { axis: -1 }); // Tensor [8, 23]... per row
 * ```
 *
 * @module
 */
export {
  allocate,
  type DType,
  dtypeOfData,
  type NestedArray,
  normalizeAxis,
  shapeSize,
  shapeStr,
  stridesOf,
  Tensor,
  type TensorData,
} from "./tensor.ts";
export * from "./creation.ts";
export * from "./elementwise.ts";
export * from "./reduce.ts";
export * from "./shape_ops.ts";
export * from "./indexing.ts";
export * from "./linalg.ts";
export { logSoftmax, logSumExp, softmax, type SoftmaxAxisOptions } from "./softmax.ts";
