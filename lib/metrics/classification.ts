/**
 * Classification metrics: accuracy (argmax for several classes, a threshold for one output),
 * the confusion matrix (rows true, columns predicted, as scikit-learn) and per-class accuracy.
 *
 * @module
 */
import { shapeStr, Tensor } from "../tensor/tensor.ts";

/**
 * Class information: integer labels (an array or a 1-D tensor), scores or one-hot rows
 * ([N, C] with C > 1, reduced by argmax), or one probability per sample ([N, 1]).
 */
export type ClassInput = Tensor | ArrayLike<number>;

/** Options of {@link accuracy}. */
export interface AccuracyOptions {
  /**
   * Threshold for one-output predictions ([N, 1], or any 1-D prediction when given): predicted
   * class 1 where `p > threshold` (default 0.5). Targets of binary problems count as 1 where > 0.5.
   */
  threshold?: number;
  /** Use `p >= threshold` (assignment 000) instead of `p > threshold` (001, the default). */
  inclusive?: boolean;
}

/** Index of the first maximum of each row of a [N, C] matrix (NumPy's tie rule). */
function argmaxRows(x: Tensor): Int32Array {
  const [n, c] = x.shape;
  const out = new Int32Array(n);
  const d = x.data;
  for (let i = 0; i < n; i++) {
    let best = 0, max = d[i * c];
    for (let j = 1; j < c; j++) {
      if (d[i * c + j] > max) {
        max = d[i * c + j];
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

function isBinaryColumn(x: ClassInput): boolean {
  return x instanceof Tensor && x.ndim === 2 && x.shape[1] === 1;
}

/** Integer labels from labels, a 1-D tensor, or argmax of [N, C] scores. */
function toLabels(op: string, x: ClassInput, what: string): Int32Array {
  if (x instanceof Tensor && x.ndim === 2 && x.shape[1] > 1) return argmaxRows(x);
  if (x instanceof Tensor && x.ndim > 2) {
    throw new RangeError(
      `${op}: ${what} must be labels or [N, C] scores, got ${shapeStr(x.shape)}`,
    );
  }
  const v = x instanceof Tensor ? x.data : x;
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i]) || v[i] < 0) {
      throw new RangeError(`${op}: ${what} label ${v[i]} at index ${i} is not a class index >= 0`);
    }
    out[i] = v[i];
  }
  return out;
}

function sizeOf(x: ClassInput): number {
  return x instanceof Tensor ? (x.ndim === 2 ? x.shape[0] : x.size) : x.length;
}

function checkLengths(op: string, a: ClassInput, b: ClassInput): number {
  const n = sizeOf(a), m = sizeOf(b);
  if (n !== m) {
    const s = (x: ClassInput) => x instanceof Tensor ? shapeStr(x.shape) : `[${x.length}]`;
    throw new RangeError(`${op}: prediction ${s(a)} and target ${s(b)} have different lengths`);
  }
  return n;
}

/**
 * Fraction of correct predictions. Several classes: argmax of `pred` against labels (or argmax of
 * one-hot targets). One output ([N, 1], or 1-D with `threshold` given): thresholded probabilities
 * against targets > 0.5.
 */
export function accuracy(
  pred: ClassInput,
  target: ClassInput,
  options: AccuracyOptions = {},
): number {
  const n = checkLengths("accuracy", pred, target);
  if (n === 0) throw new RangeError("accuracy: no samples");
  const binary = isBinaryColumn(pred) ||
    (options.threshold !== undefined && !(pred instanceof Tensor && pred.ndim === 2));
  let correct = 0;
  if (binary) {
    const t = options.threshold ?? 0.5;
    const p = pred instanceof Tensor ? pred.data : pred;
    const y = target instanceof Tensor ? target.data : target;
    if (y.length !== n) {
      throw new RangeError(`accuracy: binary target must have ${n} values, got ${y.length}`);
    }
    for (let i = 0; i < n; i++) {
      const predicted = options.inclusive ? p[i] >= t : p[i] > t;
      if (predicted === (y[i] > 0.5)) correct++;
    }
    return correct / n;
  }
  const a = toLabels("accuracy", pred, "prediction"), b = toLabels("accuracy", target, "target");
  for (let i = 0; i < n; i++) if (a[i] === b[i]) correct++;
  return correct / n;
}

/** Options of {@link confusionMatrix} and {@link perClassAccuracy}. */
export interface ConfusionOptions {
  /** Number of classes (default: the largest label seen + 1). */
  numClasses?: number;
}

/**
 * Counts `[K, K]` with rows the true class and columns the predicted class, as
 * `sklearn.metrics.confusion_matrix` (float64 tensor of integer counts).
 */
export function confusionMatrix(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: ConfusionOptions = {},
): Tensor {
  const n = checkLengths("confusionMatrix", yPred, yTrue);
  const t = toLabels("confusionMatrix", yTrue, "true");
  const p = toLabels("confusionMatrix", yPred, "predicted");
  let k = options.numClasses ?? 0;
  if (options.numClasses === undefined) {
    for (let i = 0; i < n; i++) k = Math.max(k, t[i] + 1, p[i] + 1);
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    if (t[i] >= k || p[i] >= k) {
      throw new RangeError(
        `confusionMatrix: label ${Math.max(t[i], p[i])} at index ${i} is outside [0, ${k})`,
      );
    }
    out[t[i] * k + p[i]]++;
  }
  return new Tensor(out, [k, k]);
}

/**
 * Accuracy within each true class (the diagonal over the row sums of the confusion matrix; NaN for
 * a class without samples), as a [K] tensor.
 */
export function perClassAccuracy(
  yTrue: ClassInput,
  yPred: ClassInput,
  options: ConfusionOptions = {},
): Tensor {
  const cm = confusionMatrix(yTrue, yPred, options);
  const k = cm.shape[0];
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += cm.data[i * k + j];
    out[i] = row === 0 ? NaN : cm.data[i * k + i] / row;
  }
  return new Tensor(out, [k]);
}
