/**
 * Loss functions, each with `forward(pred, target)` (a number) and `backward(pred, target)` (the
 * gradient with respect to `pred`, same shape).
 *
 * | class | prediction | target | value |
 * | --- | --- | --- | --- |
 * | `BCELoss` | probabilities, any shape | 0/1 (or soft) targets, same size | -[y log p + (1-y) log(1-p)] |
 * | `CrossEntropyLoss` | probabilities [N, C] | one-hot [N, C] or N integer labels | -sum y log p |
 * | `SoftmaxCrossEntropyLoss` | logits [N, C] | one-hot or labels | -log softmax(z)[y]; gradient (p - y) / N |
 * | `NLLLoss` | log-probabilities [N, C] | one-hot or labels | -logp[y] |
 * | `MSELoss` | any shape | same size | (p - y)^2 |
 *
 * `CrossEntropyLoss` takes probabilities (the output of a softmax), as NumPy code does; PyTorch's
 * `nn.CrossEntropyLoss`, which takes logits, is `SoftmaxCrossEntropyLoss` here.
 *
 * A loss that comes out NaN or infinite raises an error that says why (NaN in the prediction,
 * probabilities outside [0, 1], log(0) without clipping), instead of silently poisoning training.
 *
 * @module
 */
import { allocate, shapeStr, Tensor, type TensorData } from "../tensor/tensor.ts";
import { softmaxInto } from "../tensor/softmax.ts";
import { overlaps } from "../tensor/linalg.ts";

/** A target: a tensor (dense, or a vector of labels), or integer class labels. */
export type Target = Tensor | ArrayLike<number>;

/** Options of a loss's `backward`. */
export interface LossBackwardOptions {
  /**
   * Write the gradient into this tensor and return it, like NumPy's `out=`: a training loop that
   * passes the same tensor every step allocates nothing for it. It must have the prediction's
   * shape and dtype and must not share memory with the prediction or the target.
   */
  out?: Tensor;
}

/**
 * The memory `backward` writes its gradient into: `options.out`'s (checked; zeroed first when the
 * loss writes only some entries), or a new array.
 */
function gradientData(
  op: string,
  pred: Tensor,
  target: Target,
  options: LossBackwardOptions,
  zeroed: boolean,
): TensorData {
  const out = options.out;
  if (out === undefined) return allocate(pred.dtype, pred.size);
  if (
    !(out instanceof Tensor) || out.dtype !== pred.dtype || out.ndim !== pred.ndim ||
    out.shape.some((d, i) => d !== pred.shape[i])
  ) {
    const got = out instanceof Tensor
      ? `shape ${shapeStr(out.shape)} and dtype ${out.dtype}`
      : String(out);
    throw new RangeError(
      `${op}.backward: out has ${got}, but the gradient has shape ${
        shapeStr(pred.shape)
      } and dtype ${pred.dtype}`,
    );
  }
  const onPred = overlaps(out.data, pred.data);
  if (onPred || (target instanceof Tensor && overlaps(out.data, target.data))) {
    throw new RangeError(
      `${op}.backward: out shares memory with the ${
        onPred ? "prediction" : "target"
      }; pass a tensor of its own`,
    );
  }
  if (zeroed) out.data.fill(0);
  return out.data;
}

/** How per-element or per-sample losses are combined. */
export type Reduction = "mean" | "sum";

/** Reductions of the element-wise losses (`BCELoss`, `MSELoss`). */
export type ElementwiseReduction = "mean" | "sum" | "batchmean";

/** Options of the element-wise losses. */
export interface ElementwiseLossOptions {
  /**
   * `"mean"` over all elements (default, PyTorch), `"sum"`, or `"batchmean"`: the sum divided by
   * the batch size `pred.shape[0]` (assignment 000's `-sum(...) / m`, and 002's cost summed over
   * 10 outputs and averaged over the batch).
   */
  reduction?: ElementwiseReduction;
}

/** Options of {@link BCELoss}. */
export interface BCELossOptions extends ElementwiseLossOptions {
  /**
   * Clip predictions to [eps, 1 - eps] before the logarithms (assignment 000 uses 1e-15, nnfs 1e-7).
   * Default 0: no clipping, the textbook formula of assignment 001.
   */
  eps?: number;
}

/** Options of the categorical losses. */
export interface CategoricalLossOptions {
  /** `"mean"` over the batch (default) or `"sum"`. */
  reduction?: Reduction;
}

/** Options of {@link CrossEntropyLoss} and {@link SoftmaxCrossEntropyLoss}. */
export interface CrossEntropyOptions extends CategoricalLossOptions {
  /**
   * Guard the logarithm: with `epsMode: "clip"` (default) probabilities are clipped to
   * [eps, 1 - eps] (000: 1e-15, 004: 1e-7); with `"add"` the loss is -log(p + eps) (000's MLP v2,
   * 1e-10). Default 0: none. For `SoftmaxCrossEntropyLoss`, eps 0 means the exact log-softmax.
   */
  eps?: number;
  /** How `eps` is applied: `"clip"` (default) or `"add"`. */
  epsMode?: "clip" | "add";
}

function divisor(op: string, reduction: string, pred: Tensor): number {
  switch (reduction) {
    case "mean":
      return pred.size;
    case "sum":
      return 1;
    case "batchmean":
      return pred.ndim === 0 ? 1 : pred.shape[0];
    default:
      throw new RangeError(`${op}: unknown reduction "${reduction}"; use mean, sum or batchmean`);
  }
}

/** The target's values, checked to pair element by element with `pred`. */
function denseTarget(op: string, pred: Tensor, target: Target): ArrayLike<number> {
  const values = target instanceof Tensor ? target.data : target;
  const tshape = target instanceof Tensor ? target.shape : [target.length];
  const compatible = values.length === pred.size &&
    (!(target instanceof Tensor) || sameOrColumn(pred.shape, tshape));
  if (!compatible) {
    throw new RangeError(
      `${op}: target shape ${shapeStr(tshape)} does not match prediction shape ${
        shapeStr(pred.shape)
      }`,
    );
  }
  return values;
}

/** Equal shapes, or [N] against [N, 1] (a column of binary predictions against a label vector). */
function sameOrColumn(a: readonly number[], b: readonly number[]): boolean {
  if (a.length === b.length) return a.every((d, i) => d === b[i]);
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.length === 2 && short.length === 1 && long[1] === 1 && long[0] === short[0];
}

/** Integer class labels for a [N, C] prediction, or null when the target is one-hot [N, C]. */
function classTarget(
  op: string,
  pred: Tensor,
  target: Target,
): { labels: Int32Array | null; dense: ArrayLike<number> | null } {
  if (pred.ndim !== 2) {
    throw new RangeError(
      `${op}: prediction must be [batch, classes], got shape ${shapeStr(pred.shape)}`,
    );
  }
  const [n, c] = pred.shape;
  if (target instanceof Tensor && target.ndim === 2) {
    if (target.shape[0] !== n || target.shape[1] !== c) {
      throw new RangeError(
        `${op}: target shape ${shapeStr(target.shape)} does not match prediction shape ${
          shapeStr(pred.shape)
        }`,
      );
    }
    return { labels: null, dense: target.data };
  }
  const values = target instanceof Tensor ? target.data : target;
  if ((target instanceof Tensor && target.ndim !== 1) || values.length !== n) {
    const ts = target instanceof Tensor ? shapeStr(target.shape) : `[${values.length}]`;
    throw new RangeError(
      `${op}: target shape ${ts} does not match prediction shape ${shapeStr(pred.shape)}: ` +
        `expected one-hot [${n},${c}] or ${n} labels`,
    );
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= c) {
      throw new RangeError(`${op}: label ${v} at index ${i} is outside [0, ${c})`);
    }
    labels[i] = v;
  }
  return { labels, dense: null };
}

/** Counts the NaN and the infinite entries. */
function countNonFinite(x: ArrayLike<number>): { nan: number; inf: number } {
  let nan = 0, inf = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i]) nan++;
    else if (x[i] === Infinity || x[i] === -Infinity) inf++;
  }
  return { nan, inf };
}

/** Forward calls per loss object, so that an error can say at which call (step) it happened. */
const forwardCalls = new WeakMap<object, number>();

/** Counts one forward call of `loss`; returns its number, from 1. */
function countCall(loss: object): number {
  const n = (forwardCalls.get(loss) ?? 0) + 1;
  forwardCalls.set(loss, n);
  return n;
}

/**
 * Returns a finite loss; otherwise throws with a diagnosis of where the problem is: an empty batch,
 * non-finite predictions (so the parameters or the input), a non-finite target, or else `why()`.
 */
function finite(
  op: string,
  value: number,
  pred: Tensor,
  target: ArrayLike<number> | null,
  call: number,
  why: () => string,
): number {
  if (Number.isFinite(value)) return value;
  const where = `${op}.forward (call ${call} of this loss)`;
  if (pred.size === 0) {
    throw new RangeError(
      `${where}: the loss is ${value}: the batch is empty (prediction shape ${
        shapeStr(pred.shape)
      }), so its mean is 0/0; skip empty batches`,
    );
  }
  const p = countNonFinite(pred.data);
  let cause: string;
  if (p.nan + p.inf > 0) {
    const counts = [
      p.nan ? `${p.nan} NaN value(s)` : "",
      p.inf ? `${p.inf} infinite value(s)` : "",
    ];
    cause = `the prediction has ${counts.filter(Boolean).join(" and ")} (of ${pred.size}): ` +
      `the model's parameters or its input are not finite (training diverged at an earlier step: ` +
      `lower the learning rate; an optimizer made with {checkFinite: true} names the step)`;
  } else {
    const t = target ? countNonFinite(target) : { nan: 0, inf: 0 };
    cause = t.nan + t.inf > 0
      ? `the target has ${t.nan} NaN and ${t.inf} infinite value(s); the prediction is finite`
      : why();
  }
  throw new RangeError(`${where}: the loss is ${value}: ${cause}`);
}

/** The largest |p - y| of finite values whose squares overflowed, for MSELoss's message. */
function largestError(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < p.length; i++) max = Math.max(max, Math.abs(p[i] - y[i]));
  return max;
}

/** Explains a non-finite log-loss over probabilities. */
function probabilityProblem(pred: Tensor, eps: number): string {
  let outside = 0, edge = 0;
  for (const p of pred.data) {
    if (p < 0 || p > 1) outside++;
    else if (p === 0 || p === 1) edge++;
  }
  if (outside > 0) return `${outside} prediction(s) lie outside [0, 1]: pass probabilities`;
  if (edge > 0 && eps === 0) {
    return `log(0): ${edge} prediction(s) are exactly 0 or 1; pass {eps: 1e-7} to clip`;
  }
  return "the prediction and the target are finite, but a term overflowed";
}

/** Refuses BCE inputs outside [0, 1], where its logarithms give a finite but meaningless value. */
function checkUnitInterval(op: string, what: string, x: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < 0 || v > 1) {
      throw new RangeError(
        `${op}: ${what} ${v} at flat index ${i} is outside [0, 1]: BCELoss takes probabilities ` +
          `(apply a Sigmoid first, or use a loss on logits)`,
      );
    }
  }
}

/** Binary cross-entropy `-[y log p + (1 - y) log(1 - p)]` on probabilities `p`. */
export class BCELoss {
  /** Reduction over elements. */
  readonly reduction: ElementwiseReduction;
  /** Clipping epsilon (0: none). */
  readonly eps: number;

  /** Makes the loss; see {@link BCELossOptions}. */
  constructor(options: BCELossOptions = {}) {
    this.reduction = options.reduction ?? "mean";
    this.eps = options.eps ?? 0;
  }

  #clip(p: number): number {
    const e = this.eps;
    return e > 0 ? (p < e ? e : p > 1 - e ? 1 - e : p) : p;
  }

  /** The reduced loss. */
  forward(pred: Tensor, target: Target): number {
    const y = denseTarget("BCELoss", pred, target);
    const d = divisor("BCELoss", this.reduction, pred);
    const p = pred.data;
    const call = countCall(this);
    checkUnitInterval("BCELoss", "prediction", p);
    checkUnitInterval("BCELoss", "target", y);
    let sum = 0;
    for (let i = 0; i < p.length; i++) {
      const q = this.#clip(p[i]);
      // Skip a term whose weight is 0 so 0 * log(0) does not turn into NaN.
      const a = y[i] === 0 ? 0 : y[i] * Math.log(q);
      const b = y[i] === 1 ? 0 : (1 - y[i]) * Math.log(1 - q);
      sum += a + b;
    }
    return finite("BCELoss", -sum / d, pred, y, call, () => probabilityProblem(pred, this.eps));
  }

  /** `(-(y / p) + (1 - y) / (1 - p)) / divisor`, with p clipped as in forward. */
  backward(pred: Tensor, target: Target, options: LossBackwardOptions = {}): Tensor {
    const y = denseTarget("BCELoss", pred, target);
    const d = divisor("BCELoss", this.reduction, pred);
    const p = pred.data;
    const out = gradientData("BCELoss", pred, target, options, false);
    for (let i = 0; i < p.length; i++) {
      const q = this.#clip(p[i]);
      out[i] = -(y[i] / q - (1 - y[i]) / (1 - q)) / d;
    }
    return options.out ?? new Tensor(out, pred.shape);
  }
}

/**
 * The (flat index, weight) pairs a categorical loss sums over: one per sample for labels, one per
 * non-zero entry for a one-hot or soft target. Plain arrays, so the loops below need no closures.
 */
function targetEntries(
  pred: Tensor,
  t: { labels: Int32Array | null; dense: ArrayLike<number> | null },
): { index: Int32Array; weight: Float64Array } {
  const [n, c] = pred.shape;
  if (t.labels) {
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) index[i] = i * c + t.labels[i];
    return { index, weight: new Float64Array(n).fill(1) };
  }
  const y = t.dense as ArrayLike<number>;
  let count = 0;
  for (let k = 0; k < n * c; k++) if (y[k] !== 0) count++;
  const index = new Int32Array(count), weight = new Float64Array(count);
  for (let k = 0, o = 0; k < n * c; k++) {
    if (y[k] !== 0) {
      index[o] = k;
      weight[o++] = y[k];
    }
  }
  return { index, weight };
}

/** Applies an eps guard to a probability before its logarithm. */
function guard(p: number, eps: number, mode: "clip" | "add"): number {
  if (eps === 0) return p;
  if (mode === "add") return p + eps;
  return p < eps ? eps : p > 1 - eps ? 1 - eps : p;
}

/**
 * Categorical cross-entropy `-sum_k y_k log p_k` on probabilities `p` [N, C] (a softmax output),
 * with a one-hot target [N, C] or N integer labels; mean over the batch by default.
 */
export class CrossEntropyLoss {
  /** `"mean"` over the batch or `"sum"`. */
  readonly reduction: Reduction;
  /** Log guard (0: none). */
  readonly eps: number;
  /** How `eps` is applied. */
  readonly epsMode: "clip" | "add";

  /** Makes the loss; see {@link CrossEntropyOptions}. */
  constructor(options: CrossEntropyOptions = {}) {
    this.reduction = options.reduction ?? "mean";
    this.eps = options.eps ?? 0;
    this.epsMode = options.epsMode ?? "clip";
  }

  /** The reduced loss. */
  forward(pred: Tensor, target: Target): number {
    const t = classTarget("CrossEntropyLoss", pred, target);
    const p = pred.data;
    const call = countCall(this);
    const { index, weight } = targetEntries(pred, t);
    let sum = 0;
    for (let e = 0; e < index.length; e++) {
      sum += weight[e] * Math.log(guard(p[index[e]], this.eps, this.epsMode));
    }
    const d = batchDivisor("CrossEntropyLoss", this.reduction, pred);
    return finite(
      "CrossEntropyLoss",
      -sum / d,
      pred,
      t.dense,
      call,
      () => probabilityProblem(pred, this.eps),
    );
  }

  /** `-y / p / divisor` (p guarded as in forward); zero where the target is zero. */
  backward(pred: Tensor, target: Target, options: LossBackwardOptions = {}): Tensor {
    const t = classTarget("CrossEntropyLoss", pred, target);
    const p = pred.data;
    const d = batchDivisor("CrossEntropyLoss", this.reduction, pred);
    const out = gradientData("CrossEntropyLoss", pred, target, options, true);
    const { index, weight } = targetEntries(pred, t);
    for (let e = 0; e < index.length; e++) {
      const k = index[e];
      out[k] = -weight[e] / guard(p[k], this.eps, this.epsMode) / d;
    }
    return options.out ?? new Tensor(out, pred.shape);
  }
}

function batchDivisor(op: string, reduction: Reduction, pred: Tensor): number {
  if (reduction === "mean") return pred.shape[0];
  if (reduction === "sum") return 1;
  throw new RangeError(`${op}: unknown reduction "${reduction}"; use mean or sum`);
}

/**
 * Softmax followed by cross-entropy, on logits [N, C], with the fused gradient `(p - y) / N`.
 *
 * The probabilities of the last `forward` are kept in `probs` (nnfs's `loss_activation.output`),
 * e.g. for accuracy. With `eps` the value is computed the NumPy way, `-log(guard(softmax))`;
 * without, as the exact log-softmax, which cannot overflow or take log(0).
 *
 * `backward(logits, target, { out })` writes the gradient into a kept tensor, as every loss here
 * can: a full-batch loop then allocates nothing for it.
 */
export class SoftmaxCrossEntropyLoss {
  /** `"mean"` over the batch or `"sum"`. */
  readonly reduction: Reduction;
  /** Log guard (0: exact log-softmax). */
  readonly eps: number;
  /** How `eps` is applied. */
  readonly epsMode: "clip" | "add";
  #probs: Tensor | null = null;
  /** The logits and probabilities of the last forward, copied, so backward can skip the softmax. */
  #seenLogits: TensorData | null = null;
  #seenProbs: TensorData | null = null;

  /** Makes the loss; see {@link CrossEntropyOptions}. */
  constructor(options: CrossEntropyOptions = {}) {
    this.reduction = options.reduction ?? "mean";
    this.eps = options.eps ?? 0;
    this.epsMode = options.epsMode ?? "clip";
  }

  /** Softmax probabilities from the last `forward` call. */
  get probs(): Tensor {
    if (!this.#probs) throw new Error("SoftmaxCrossEntropyLoss.probs: call forward first");
    return this.#probs;
  }

  /** The reduced loss; also sets `probs`. */
  forward(logits: Tensor, target: Target): number {
    const t = classTarget("SoftmaxCrossEntropyLoss", logits, target);
    const call = countCall(this);
    const [n, c] = logits.shape;
    const probs = new Tensor(allocate(logits.dtype, logits.size), logits.shape);
    // One exp per logit gives both the probabilities and each row's log-sum-exp.
    const logSumExp = this.eps === 0 ? new Float64Array(n) : undefined;
    softmaxInto(logits.data, probs.data, n, c, 1, logSumExp);
    this.#probs = probs;
    this.#remember(logits.data, probs.data);
    const p = probs.data, z = logits.data;
    let sum = 0;
    if (t.labels && logSumExp) {
      // Class labels, exact log-softmax: one term per row (weight 1), in row order as below.
      const labels = t.labels;
      for (let i = 0; i < n; i++) sum += 1 * (z[i * c + labels[i]] - logSumExp[i]);
    } else {
      const { index, weight } = targetEntries(logits, t);
      for (let e = 0; e < index.length; e++) {
        const k = index[e];
        const logp = logSumExp
          ? z[k] - logSumExp[Math.floor(k / c)]
          : Math.log(guard(p[k], this.eps, this.epsMode));
        sum += weight[e] * logp;
      }
    }
    const d = batchDivisor("SoftmaxCrossEntropyLoss", this.reduction, logits);
    return finite(
      "SoftmaxCrossEntropyLoss",
      -sum / d,
      logits,
      t.dense,
      call,
      () => "the logits and the target are finite, but a term overflowed",
    );
  }

  /** Keeps copies of the logits and probabilities (reusing the copies' memory when it fits). */
  #remember(z: TensorData, p: TensorData): void {
    const same = (kept: TensorData | null) =>
      kept !== null && kept.length === z.length && kept.constructor === z.constructor;
    if (!same(this.#seenLogits)) this.#seenLogits = z.slice();
    else (this.#seenLogits as TensorData).set(z);
    if (!same(this.#seenProbs)) this.#seenProbs = p.slice();
    else (this.#seenProbs as TensorData).set(p);
  }

  /** The softmax of `logits` into `g`: copied from the last forward when the logits are the same. */
  #softmaxInto(logits: Tensor, g: TensorData): void {
    const seen = this.#seenLogits, z = logits.data;
    let same = seen !== null && seen.length === z.length && seen.constructor === z.constructor;
    for (let i = 0; same && i < z.length; i++) same = (seen as TensorData)[i] === z[i];
    if (same) g.set(this.#seenProbs as TensorData);
    else softmaxInto(z, g, logits.shape[0], logits.shape[1], 1);
  }

  /** `(softmax(z) - y) / divisor` (for soft targets, `softmax(z) * sum(y) - y`). */
  backward(logits: Tensor, target: Target, options: LossBackwardOptions = {}): Tensor {
    const t = classTarget("SoftmaxCrossEntropyLoss", logits, target);
    const [n, c] = logits.shape;
    const data = gradientData("SoftmaxCrossEntropyLoss", logits, target, options, false);
    const probs = options.out ?? new Tensor(data, logits.shape);
    this.#softmaxInto(logits, probs.data);
    const d = batchDivisor("SoftmaxCrossEntropyLoss", this.reduction, logits);
    const g = probs.data;
    if (t.labels) {
      for (let i = 0; i < n; i++) g[i * c + t.labels[i]] -= 1;
    } else {
      const y = t.dense as ArrayLike<number>;
      for (let i = 0; i < n; i++) {
        let total = 0;
        for (let j = 0; j < c; j++) total += y[i * c + j];
        if (total !== 1) { for (let j = 0; j < c; j++) g[i * c + j] *= total; }
        for (let j = 0; j < c; j++) g[i * c + j] -= y[i * c + j];
      }
    }
    if (d !== 1) { for (let k = 0; k < g.length; k++) g[k] /= d; }
    return probs;
  }
}

/** Negative log-likelihood `-logp[y]` on log-probabilities [N, C] (a `LogSoftmax` output). */
export class NLLLoss {
  /** `"mean"` over the batch or `"sum"`. */
  readonly reduction: Reduction;

  /** Makes the loss; see {@link CategoricalLossOptions}. */
  constructor(options: CategoricalLossOptions = {}) {
    this.reduction = options.reduction ?? "mean";
  }

  /** The reduced loss. */
  forward(logProbs: Tensor, target: Target): number {
    const t = classTarget("NLLLoss", logProbs, target);
    const call = countCall(this);
    const lp = logProbs.data;
    const { index, weight } = targetEntries(logProbs, t);
    let sum = 0;
    for (let e = 0; e < index.length; e++) sum += weight[e] * lp[index[e]];
    const d = batchDivisor("NLLLoss", this.reduction, logProbs);
    return finite("NLLLoss", -sum / d, logProbs, t.dense, call, () => "a term overflowed");
  }

  /** `-y / divisor`. */
  backward(logProbs: Tensor, target: Target, options: LossBackwardOptions = {}): Tensor {
    const t = classTarget("NLLLoss", logProbs, target);
    const d = batchDivisor("NLLLoss", this.reduction, logProbs);
    const out = gradientData("NLLLoss", logProbs, target, options, true);
    const { index, weight } = targetEntries(logProbs, t);
    for (let e = 0; e < index.length; e++) out[index[e]] = -weight[e] / d;
    return options.out ?? new Tensor(out, logProbs.shape);
  }
}

/** Mean squared error `(p - y)^2`, mean over elements by default. */
export class MSELoss {
  /** Reduction over elements. */
  readonly reduction: ElementwiseReduction;

  /** Makes the loss; see {@link ElementwiseLossOptions}. */
  constructor(options: ElementwiseLossOptions = {}) {
    this.reduction = options.reduction ?? "mean";
  }

  /** The reduced loss. */
  forward(pred: Tensor, target: Target): number {
    const y = denseTarget("MSELoss", pred, target);
    const d = divisor("MSELoss", this.reduction, pred);
    const p = pred.data;
    const call = countCall(this);
    let sum = 0;
    for (let i = 0; i < p.length; i++) {
      const e = p[i] - y[i];
      sum += e * e;
    }
    return finite(
      "MSELoss",
      sum / d,
      pred,
      y,
      call,
      () =>
        `the prediction and the target are finite, but the squared errors overflow float64 ` +
        `(largest |prediction - target| ${largestError(p, y)}): training diverged; lower the ` +
        `learning rate`,
    );
  }

  /** `2 (p - y) / divisor`. */
  backward(pred: Tensor, target: Target, options: LossBackwardOptions = {}): Tensor {
    const y = denseTarget("MSELoss", pred, target);
    const d = divisor("MSELoss", this.reduction, pred);
    const p = pred.data;
    const out = gradientData("MSELoss", pred, target, options, false);
    for (let i = 0; i < p.length; i++) out[i] = (2 * (p[i] - y[i])) / d;
    return options.out ?? new Tensor(out, pred.shape);
  }
}
