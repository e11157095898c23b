/**
 * The optimizer base class: the learning-rate decay, coupled weight decay and element-wise gradient
 * clipping that every optimizer shares, and the loop over parameters that calls each optimizer's
 * update rule on plain typed arrays. Weight decay is applied here, once for all optimizers: the
 * update rules receive the gradient with `weightDecay * value` already added.
 *
 * @module
 */
import type { Parameter } from "../nn/module.ts";
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
  /** Base learning rate; schedulers change it. */
  lr: number;
  /** Learning-rate decay per step. */
  readonly decay: number;
  /** Coupled weight decay. */
  readonly weightDecay: number;
  /** Element-wise gradient clip (Infinity: none). */
  readonly clipValue: number;
  /** Arithmetic and defaults followed. */
  readonly flavor: Flavor;
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
    this.lr = checkNonNegative(name, "lr", lr);
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
    this.#currentLr = this.lr;
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
