/**
 * Classification metrics.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { accuracy, confusionMatrix } from "@dlfs/deno-dl/metrics";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const probs = tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]); // [N, C]: the argmax is the class
 * const labels = Int32Array.of(0, 1, 1);
 * assert.equal(accuracy(probs, labels), 2 / 3);
 * assert.deepEqual([...confusionMatrix(labels, probs).data], [1, 0, 1, 1]); // rows true, columns predicted
 * assert.equal(accuracy(tensor([[0.7], [0.2]]), Int32Array.of(1, 0)), 1); // [N, 1]: threshold 0.5
 * ```
 *
 * @module
 */
export {
  accuracy,
  type AccuracyOptions,
  type ClassInput,
  confusionMatrix,
  type ConfusionOptions,
  perClassAccuracy,
} from "./classification.ts";
