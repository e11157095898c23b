/**
 * Classification metrics.
 *
 * ```ts
 * import { accuracy, confusionMatrix } from "./lib/metrics/mod.ts";
 * accuracy(probs, labels);           // argmax for [N, C], threshold for [N, 1]
 * confusionMatrix(labels, probs);    // rows true, columns predicted
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
