/**
 * `Sequential`: layers applied one after another, with the backward pass walking them in reverse.
 *
 * @module
 */
import type { Tensor } from "../tensor/tensor.ts";
import type { BackwardOptions, Module, Parameter } from "./module.ts";
import { parameterRecord } from "./module.ts";

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /**
   * Let the inner layers reuse their output buffers between steps of the same batch size (default
   * true), so training allocates nothing per step. What `forward` and `backward` return is never a
   * reused buffer: the last layer writes its output, and the first layer the input gradient, into
   * new memory (or into `backward`'s `out`).
   */
  reuseBuffers?: boolean;
}

/** Whether a module exposes the `reuseBuffers` switch of `Layer`. */
function hasReuseSwitch(m: Module): m is Module & { reuseBuffers: boolean } {
  return typeof (m as { reuseBuffers?: unknown }).reuseBuffers === "boolean";
}

/** Runs `fn(layer)` with the layer's buffer reuse off, so that what it returns is new memory. */
function withoutReuse(layer: Module, fn: (layer: Module) => Tensor): Tensor {
  if (!hasReuseSwitch(layer) || !layer.reuseBuffers) return fn(layer);
  layer.reuseBuffers = false;
  try {
    return fn(layer);
  } finally {
    layer.reuseBuffers = true;
  }
}

/**
 * A chain of modules. `forward` records the input of every layer (the `trace`); `backward` walks
 * the layers in reverse, each turning the gradient of its output into that of its input.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { BCELoss, Linear, ReLU, Sequential, Sigmoid } from "@dlfs/deno-dl/nn";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const opts = { init: "product-uniform", rng: defaultRng(12345) } as const;
 * const net = new Sequential([new Linear(4, 8, opts), new ReLU(), new Linear(8, 1, opts), new Sigmoid()]);
 * const loss = new BCELoss();
 * const [x, y] = [tensor([[0, 1, 0, 1], [1, 0, 1, 0]]), tensor([[1], [0]])];
 * const p = net.forward(x);
 * const before = loss.forward(p, y);
 * net.backward(loss.backward(p, y));
 * net.step(0.1); // each layer: w -= 0.1 * grad
 * assert.ok(loss.forward(net.forward(x), y) < before);
 * ```
 */
export class Sequential implements Module {
  /** The layers, in order. */
  readonly layers: readonly Module[];
  #training = true;
  #trace: Tensor[] = [];
  #reuse: boolean;

  /** Chains `layers` (at least one); see {@link SequentialOptions}. */
  constructor(layers: Module[], options: SequentialOptions = {}) {
    if (layers.length === 0) throw new RangeError("Sequential: needs at least one layer");
    layers.forEach((layer, i) => {
      const m = layer as Partial<Module> | null;
      if (typeof m?.forward !== "function" || typeof m?.backward !== "function") {
        throw new TypeError(
          `Sequential: layer ${i} is ${String(layer)}, not a module with forward and backward`,
        );
      }
    });
    this.layers = Object.freeze([...layers]);
    this.#reuse = options.reuseBuffers ?? true;
    if (this.#reuse) {
      for (const layer of layers) if (hasReuseSwitch(layer)) layer.reuseBuffers = true;
    }
  }

  /** `true` in training mode. */
  get training(): boolean {
    return this.#training;
  }

  /** The input of each layer in the last forward pass (valid until the next one). */
  get trace(): readonly Tensor[] {
    return this.#trace;
  }

  /** Runs the layers in order, recording each layer's input. */
  forward(x: Tensor): Tensor {
    const trace: Tensor[] = [];
    const last = this.layers.length - 1;
    for (let i = 0; i < last; i++) {
      trace.push(x);
      x = this.layers[i].forward(x);
    }
    trace.push(x);
    this.#trace = trace;
    // The output is handed to the caller: the last layer writes it into fresh memory (its input
    // gradient, used only inside backward, stays in a kept buffer).
    const y = withoutReuse(this.layers[last], (layer) => layer.forward(x));
    // A last layer that passes its input through (Dropout in eval mode) would hand out a kept one.
    return y === x && last > 0 ? x.clone() : y;
  }

  /**
   * Walks the layers in reverse from `dy`, the gradient with respect to the last output; each layer
   * stores its parameter gradients. Returns the gradient with respect to the input: in new memory,
   * or in `options.out` when given (a kept tensor of the input's shape, for a loop that needs it
   * every step), or an empty tensor with `{inputGrad: false}`, which saves the first layer's
   * input-gradient product.
   */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    if (this.#trace.length === 0) throw new Error("Sequential.backward: call forward first");
    const callerDy = dy; // the caller's own tensor, never a kept buffer
    for (let i = this.layers.length - 1; i >= 1; i--) dy = this.layers[i].backward(dy);
    // The input gradient is handed to the caller, so it must not live in a buffer the first layer
    // overwrites next step: that layer writes it into fresh memory (cheaper than copying it after;
    // for a 60000x784 input the copy alone costs more than a tenth of a full-batch step).
    const dx = withoutReuse(this.layers[0], (first) => first.backward(dy, options));
    // Likewise a first layer that passes the gradient through would hand out a kept buffer.
    return dx === dy && dy !== callerDy && options.out === undefined ? dy.clone() : dx;
  }

  /** Every layer's parameters, named `"<index>.<name>"` as in PyTorch (`"0.weight"`). */
  parameters(): Parameter[] {
    const out: Parameter[] = [];
    this.layers.forEach((layer, i) => {
      for (const p of layer.parameters()) {
        out.push(parameterRecord(`${i}.${p.name}`, () => p.value, () => p.grad));
      }
    });
    return out;
  }

  /** Sets every parameter gradient to zero. */
  zeroGrad(): void {
    for (const layer of this.layers) layer.zeroGrad();
  }

  /** Plain gradient descent on every layer: `value -= lr * grad`. */
  step(lr: number): void {
    for (const layer of this.layers) layer.step(lr);
  }

  /** Switches training mode on (`true`, the default) or off, in every layer. */
  train(mode = true): this {
    this.#training = mode;
    for (const layer of this.layers) layer.train(mode);
    return this;
  }

  /** Switches every layer to evaluation mode. */
  eval(): this {
    return this.train(false);
  }

  /** One line per layer, PyTorch style. */
  toString(): string {
    const lines = this.layers.map((layer, i) =>
      `  (${i}): ${String(layer).split("\n").join("\n  ")}`
    );
    return `Sequential(\n${lines.join("\n")}\n)`;
  }
}
