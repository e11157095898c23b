/**
 * Tensors with NumPy semantics: creation, broadcasting element-wise math, reductions, shapes,
 * indexing and matrix products (through `kernels/`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { add, matmul, sum, tensor } from "@dlfs/deno-dl/tensor";
 *
 * const x = tensor([[1, 2], [3, 4]]);
 * const rows = sum(add(matmul(x, x), 1), { axis: -1 }); // x @ x = [[7, 10], [15, 22]]
 * assert.deepEqual([...rows.data], [19, 39]);
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
