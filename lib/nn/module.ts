/**
 * What every layer shares: the `Module` contract, parameter records, train/eval mode and the buffers
 * a layer may reuse between training steps.
 *
 * A module computes `forward(x)`, remembers what it needs, and `backward(dy)` turns the gradient of
 * the loss with respect to its output into the gradient with respect to its input, storing the
 * gradients of its own parameters on the way (as PyTorch's `.grad`, but overwritten by every
 * backward pass, as the assignments' hand-written layers do).
 *
 * @module
 */
import { allocate, type DType, shapeSize, shapeStr, Tensor } from "../tensor/tensor.ts";
import type { Parameter } from "../tensor/parameter.ts";

// Defined beside Tensor so that lib/optim can name it without importing lib/nn.
export type { Parameter } from "../tensor/parameter.ts";

/** Options of `backward`. */
export interface BackwardOptions {
  /**
   * Compute the gradient with respect to the input (default `true`). `false` lets a first layer skip
   * one matrix product when its input is data; `backward` then returns an empty tensor.
   */
  inputGrad?: boolean;
  /**
   * Write the input gradient into this tensor and return it, like NumPy's `out=`: it must have the
   * input's shape and the layer's dtype. A training loop that needs the input gradient every step
   * then allocates nothing for it (for a 60000x784 batch that is 376 MB per step in float64).
   */
  out?: Tensor;
}

/** A layer or a container of layers. */
export interface Module {
  /** `true` in training mode (the default), `false` after `eval()`. */
  readonly training: boolean;
  /** Computes the output and remembers what `backward` needs. */
  forward(x: Tensor): Tensor;
  /** Gradient with respect to the input, given the gradient with respect to the last output. */
  backward(dy: Tensor, options?: BackwardOptions): Tensor;
  /** The trainable parameters (none for an activation). */
  parameters(): Parameter[];
  /** Sets every parameter gradient to zero. */
  zeroGrad(): void;
  /** Plain gradient descent on every parameter: `value -= lr * grad`. */
  step(lr: number): void;
  /** Switches training mode on (`true`) or off. */
  train(mode?: boolean): this;
  /** Switches to evaluation mode (dropout off). */
  eval(): this;
  /** One line per layer. */
  toString(): string;
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A parameter record whose `value` and `grad` are read through getters at use time. */
export function parameterRecord(
  name: string,
  value: () => Tensor,
  grad: () => Tensor,
): Parameter {
  return {
    name,
    get value(): Tensor {
      return value();
    },
    get grad(): Tensor {
      return grad();
    },
  };
}

/**
 * Base class of the layers: train/eval mode, `zeroGrad`, `step`, and reusable output buffers.
 *
 * With `reuseBuffers` on (a `Sequential` switches it on for its layers), forward and backward write
 * into tensors the layer keeps and hands out again on the next call with the same shape, so a
 * training loop allocates nothing per step. The price: a result is only valid until the next call.
 */
export abstract class Layer implements Module {
  /** `true` in training mode. */
  training: boolean = true;
  /** Reuse output buffers between calls of the same shape (see the class comment). */
  reuseBuffers: boolean = false;
  #buffers = new Map<string, Tensor>();

  abstract forward(x: Tensor): Tensor;
  abstract backward(dy: Tensor, options?: BackwardOptions): Tensor;

  /** None by default. */
  parameters(): Parameter[] {
    return [];
  }

  /** Sets every parameter gradient to zero. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad.data.fill(0);
  }

  /** Plain gradient descent: `value -= lr * grad` for every parameter. */
  step(lr: number): void {
    for (const p of this.parameters()) {
      const w = p.value.data;
      const g = p.grad.data;
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    }
  }

  /** Switches training mode on (`true`, the default) or off. */
  train(mode = true): this {
    this.training = mode;
    return this;
  }

  /** Switches to evaluation mode. */
  eval(): this {
    return this.train(false);
  }

  /**
   * A tensor of the given shape and dtype to write a result into: the kept one when buffers are
   * reused and it fits, a new one otherwise. Its contents are stale: callers overwrite every element.
   */
  protected buffer(key: string, shape: readonly number[], dtype: DType): Tensor {
    if (this.reuseBuffers) {
      const kept = this.#buffers.get(key);
      if (kept && kept.dtype === dtype && sameShape(kept.shape, shape)) return kept;
    }
    const t = new Tensor(allocate(dtype, shapeSize(shape)), shape);
    if (this.reuseBuffers) this.#buffers.set(key, t);
    return t;
  }

  /**
   * The tensor `backward` writes the input gradient into: `options.out` when given (checked against
   * `shape` and `dtype`, naming `op`), else {@link buffer}'s `"dx"`.
   */
  protected inputGradBuffer(
    op: string,
    options: BackwardOptions,
    shape: readonly number[],
    dtype: DType,
  ): Tensor {
    const out = options.out;
    if (out === undefined) return this.buffer("dx", shape, dtype);
    if (!(out instanceof Tensor) || out.dtype !== dtype || !sameShape(out.shape, shape)) {
      const got = out instanceof Tensor
        ? `shape ${shapeStr(out.shape)} and dtype ${out.dtype}`
        : String(out);
      throw new RangeError(
        `${op}: out has ${got}, but the input gradient has shape ${
          shapeStr(shape)
        } and dtype ${dtype}`,
      );
    }
    return out;
  }
}

/** An empty tensor, what `backward` returns when `inputGrad` is false. */
export function emptyGrad(dtype: DType): Tensor {
  return new Tensor(allocate(dtype, 0), [0]);
}
