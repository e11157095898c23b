/**
 * The optimizer base class: the learning-rate decay, coupled weight decay and element-wise gradient
 * clipping that every optimizer shares, and the loop over parameters that calls each optimizer's
 * update rule on plain typed arrays. Weight decay is applied here, once for all optimizers: the
 * update rules receive the gradient with `weightDecay * value` already added.
 *
 * @module
 */
import type { Parameter } from "../tensor/parameter.ts";
import { shapeStr } from "../tensor/tensor.ts";

/**
 * Which book the arithmetic and defaults follow:
 * - `"pytorch"` (default): `torch.optim` defaults and operation order (Adam eps 1e-8, decay as
 *   `lr / (1 + decay * t)` like Adagrad's `lr_decay`);
 * - `"nnfs"`: "Neural Networks from Scratch" (assignment 004): Adam eps 1e-7, decay as
 *   `lr * (1 / (1 + decay * t))`, momentum as `v = momentum * v - lr * g; w += v`.
 */
export type Flavor = "pytorch" | "nnfs";

/** Options every optimizer takes. */
export interface OptimizerOptions {
  /** Learning rate (each optimizer has its own default). */
  lr?: number;
  /** Learning-rate decay: step t (from 0) uses `lr / (1 + decay * t)` (default 0: constant). */
  decay?: number;
  /** Coupled L2 weight decay: the gradient used is `grad + weightDecay * value` (PyTorch). */
  weightDecay?: number;
  /** Clip every gradient element to [-clipValue, clipValue] in place before the update. */
  clipValue?: number;
  /** Arithmetic and defaults to follow (default `"pytorch"`). */
  flavor?: Flavor;
  /**
   * Check every gradient for NaN or infinite values before each step and throw an error naming
   * the parameter and the step (default false; it costs about one extra pass over the gradients).
   */
  checkFinite?: boolean;
}

/** `v` when it is a finite number > 0 (an eps, a factor); a RangeError naming it otherwise. */
export function checkPositive(op: string, name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`${op}: ${name} must be a finite number > 0, got ${v}`);
  }
  return v;
}

function checkNonNegative(op: string, name: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) {
    throw new RangeError(`${op}: ${name} must be a finite number >= 0, got ${v}`);
  }
  return v;
}

/**
 * Base of `SGD`, `Adagrad`, `RMSprop` and `Adam`: `step()` computes this step's learning rate,
 * clips gradients if asked, and calls the subclass's `update` for each parameter.
 */
export abstract class Optimizer {
  /** The parameters being optimized (their `value` tensors are updated in place). */
  readonly params: readonly Parameter[];
  #lr: number;
  /** Learning-rate decay per step. */
  readonly decay: number;
  /** Coupled weight decay. */
  readonly weightDecay: number;
  /** Element-wise gradient clip (Infinity: none). */
  readonly clipValue: number;
  /** Arithmetic and defaults followed. */
  readonly flavor: Flavor;
  /** Whether gradients are checked for NaN/Infinity before each step. */
  readonly checkFinite: boolean;
  /** Steps taken so far. */
  iterations: number = 0;
  #currentLr: number;
  #name: string;
  /** Per parameter, the gradient plus weight decay (kept in double precision between steps). */
  #decayed: Float64Array[] = [];

  /** Checks the parameters and options; `defaultLr` applies when `options.lr` is absent. */
  constructor(
    name: string,
    params: readonly Parameter[],
    options: OptimizerOptions & { defaultLr?: number },
  ) {
    this.#name = name;
    if (!Array.isArray(params)) {
      throw new TypeError(`${name}: pass the parameter list, e.g. net.parameters()`);
    }
    for (const p of params) {
      if (p.value.size !== p.grad.size) {
        throw new RangeError(
          `${name}: parameter "${p.name}" has value ${shapeStr(p.value.shape)} but grad ${
            shapeStr(p.grad.shape)
          }`,
        );
      }
    }
    const lr = options.lr ?? options.defaultLr;
    if (lr === undefined) throw new Error(`${name}: pass a learning rate, e.g. {lr: 0.01}`);
    this.params = [...params];
    this.#lr = checkNonNegative(name, "lr", lr);
    this.decay = checkNonNegative(name, "decay", options.decay ?? 0);
    this.weightDecay = checkNonNegative(name, "weightDecay", options.weightDecay ?? 0);
    const clip = options.clipValue ?? Infinity;
    if (!(clip > 0)) throw new RangeError(`${name}: clipValue must be > 0, got ${clip}`);
    this.clipValue = clip;
    const flavor = options.flavor ?? "pytorch";
    if (flavor !== "pytorch" && flavor !== "nnfs") {
      throw new RangeError(`${name}: flavor must be "pytorch" or "nnfs", got "${flavor}"`);
    }
    this.flavor = flavor;
    this.checkFinite = options.checkFinite ?? false;
    this.#currentLr = this.#lr;
  }

  /** Base learning rate; schedulers change it. A finite number >= 0. */
  get lr(): number {
    return this.#lr;
  }

  /** Sets the base learning rate. @throws RangeError for NaN, Infinity or a negative value. */
  set lr(value: number) {
    this.#lr = checkNonNegative(`${this.#name}.lr`, "lr", value);
  }

  /** The learning rate the last step used (`lr` before the first step). */
  get currentLr(): number {
    return this.iterations === 0 ? this.lr : this.#currentLr;
  }

  /** The learning rate of step `t` (0-based) with the current `lr` and `decay`. */
  lrAt(t: number): number {
    if (this.decay === 0) return this.lr;
    // Same operations as the originals, so the printed rates match to the last digit.
    return this.flavor === "nnfs"
      ? this.lr * (1 / (1 + this.decay * t))
      : this.lr / (1 + this.decay * t);
  }

  /** One update of every parameter from its current gradient. */
  step(): void {
    const lr = this.lrAt(this.iterations);
    this.#currentLr = lr;
    if (this.checkFinite) checkGradients(this.#name, this.params, this.iterations);
    this.params.forEach((p, k) => {
      const g = p.grad.data;
      if (this.clipValue !== Infinity) clipInPlace(g, this.clipValue);
      const w = p.value.data;
      this.update(k, w, this.weightDecay === 0 ? g : this.#withDecay(k, w, g), lr);
    });
    this.iterations++;
  }

  /** Sets every gradient to zero (not needed with this library's layers, which overwrite them). */
  zeroGrad(): void {
    for (const p of this.params) p.grad.data.fill(0);
  }

  /**
   * `g + weightDecay * w` (coupled L2, PyTorch's `weight_decay`), in a buffer kept per parameter.
   * Double precision, as the sum was when each update rule formed it element by element.
   */
  #withDecay(
    index: number,
    w: Float32Array | Float64Array,
    g: Float32Array | Float64Array,
  ): Float64Array {
    const out = this.state(this.#decayed, index, w.length);
    const wd = this.weightDecay;
    for (let i = 0; i < w.length; i++) out[i] = g[i] + wd * w[i];
    return out;
  }

  /**
   * Updates parameter `index` (values `w`, gradient `g`) with learning rate `lr`. `g` already
   * includes weight decay (and clipping), so an update rule is the optimizer's formula alone.
   */
  protected abstract update(
    index: number,
    w: Float32Array | Float64Array,
    g: Float32Array | Float64Array,
    lr: number,
  ): void;

  /** A per-parameter state buffer of the given size, created on first use (zeros). */
  protected state(store: Float64Array[], index: number, size: number): Float64Array {
    let s = store[index];
    if (!s) {
      s = new Float64Array(size);
      store[index] = s;
    }
    return s;
  }

  /** `SGD(lr=0.1, ...)`. */
  toString(): string {
    const parts = [`lr=${this.lr}`];
    if (this.decay) parts.push(`decay=${this.decay}`);
    if (this.weightDecay) parts.push(`weightDecay=${this.weightDecay}`);
    if (this.clipValue !== Infinity) parts.push(`clipValue=${this.clipValue}`);
    if (this.flavor !== "pytorch") parts.push(`flavor=${this.flavor}`);
    return `${this.#name}(${parts.join(", ")})`;
  }
}

/** Clips every element of `g` to [-c, c] in place. */
export function clipInPlace(g: Float32Array | Float64Array, c: number): void {
  for (let i = 0; i < g.length; i++) {
    const v = g[i];
    if (v > c) g[i] = c;
    else if (v < -c) g[i] = -c;
  }
}

/**
 * Throws when a gradient holds NaN or an infinite value, naming the parameter, the count and the
 * step (`NaN`: no step to name). One pass with no branch per element: `g * 0` is 0 for a finite `g` and NaN otherwise.
 */
export function checkGradients(op: string, params: readonly Parameter[], step: number): void {
  for (const p of params) {
    const g = p.grad.data;
    // Four independent sums, so the additions do not wait on each other.
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0, i = 0;
    for (; i + 3 < g.length; i += 4) {
      p0 += g[i] * 0;
      p1 += g[i + 1] * 0;
      p2 += g[i + 2] * 0;
      p3 += g[i + 3] * 0;
    }
    for (; i < g.length; i++) p0 += g[i] * 0;
    if (p0 + p1 + p2 + p3 === 0) continue;
    let nan = 0, inf = 0;
    for (i = 0; i < g.length; i++) {
      if (g[i] !== g[i]) nan++;
      else if (g[i] === Infinity || g[i] === -Infinity) inf++;
    }
    const when = Number.isNaN(step) ? "" : ` at step ${step} (counting from 0)`;
    throw new RangeError(
      `${op}${Number.isNaN(step) ? "" : ".step"}:${when} the gradient of parameter "${p.name}" ` +
        `${shapeStr(p.grad.shape)} holds ${nan} NaN and ${inf} infinite value(s): the loss or ` +
        `the model diverged (lower the learning rate, clip gradients, check the input)`,
    );
  }
}
