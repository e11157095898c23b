/**
 * The dense (fully connected) layer `y = x @ weight + bias`.
 *
 * Forward and backward are three matrix products through `matmul` (the transposes in the backward
 * pass are free: the kernels read either layout), each written into a tensor the layer keeps
 * (`out`), plus a bias loop:
 *
 * ```text
 * y          = x @ W + b        matmul(x, W, {out: y})
 * gradWeight = x^T @ dy         matmul(x, dy, {transA: true, out: gradWeight})
 * gradBias   = sum_rows(dy)
 * dx         = dy @ W^T         matmul(dy, W, {transB: true, out: dx})
 * ```
 *
 * @module
 */
import { defaultRng } from "../random/mod.ts";
import { addRowInPlace, matmul } from "../tensor/linalg.ts";
import { addColumnSums } from "../tensor/typed_loops.ts";
import { allocate, type DType, shapeStr, Tensor } from "../tensor/tensor.ts";
import { type InitRng, type InitScheme, initWeights } from "./init.ts";
import {
  type BackwardOptions,
  emptyGrad,
  Layer,
  type Parameter,
  parameterRecord,
  sameShape,
} from "./module.ts";

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Initialisation scheme (default `"pytorch"`); see `initWeights` for the list. */
  init?: InitScheme;
  /**
   * Generator for the random schemes, e.g. `defaultRng(12345)` or `new RandomState(0)`; weights are
   * drawn from it in NumPy's order. Default: a fresh unseeded `defaultRng()`.
   */
  rng?: InitRng;
  /** Multiplier for `init: "normal"` (default 0.01). */
  scale?: number;
  /** Draw the weight as [nIn, nOut] (`"in-out"`, default) or as [nOut, nIn], stored transposed. */
  drawOrder?: "in-out" | "out-in";
  /** Whether the layer has a bias (default true). */
  bias?: boolean;
  /** Element type of the parameters (default float64). Inputs of another dtype are converted. */
  dtype?: DType;
}

/**
 * `y = x @ weight + bias` for a batch `x` of shape [batch, nIn] (or one sample of shape [nIn]).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear } from "@dlfs/deno-dl/nn";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { ones } from "@dlfs/deno-dl/tensor";
 *
 * const layer = new Linear(5, 7, { init: "product-uniform", rng: defaultRng(12345) });
 * const y = layer.forward(ones([3, 5]));
 * assert.deepEqual(y.shape, [3, 7]);
 * const dx = layer.backward(ones([3, 7])); // also sets layer.gradWeight and layer.gradBias
 * assert.deepEqual(dx.shape, [3, 5]);
 * assert.deepEqual([...layer.gradBias!.data], [3, 3, 3, 3, 3, 3, 3]); // dy summed over the batch
 * ```
 */
export class Linear extends Layer {
  /** Input features. */
  readonly nIn: number;
  /** Output features. */
  readonly nOut: number;
  /** Element type of the parameters. */
  readonly dtype: DType;
  /** Gradient of the loss with respect to `weight`, written by `backward`. */
  readonly gradWeight: Tensor;
  /** Gradient of the loss with respect to `bias` (null without a bias). */
  readonly gradBias: Tensor | null;
  #weight: Tensor;
  #bias: Tensor | null;
  #x: Tensor | null = null;
  #params: Parameter[];

  /** Makes a layer with `nIn` inputs and `nOut` outputs; see {@link LinearOptions}. */
  constructor(nIn: number, nOut: number, options: LinearOptions = {}) {
    super();
    const dtype = options.dtype ?? "float64";
    const init = options.init ?? "pytorch";
    const { weight, bias } = initWeights([nIn, nOut], {
      init,
      rng: options.rng ?? (init === "zeros" ? undefined : defaultRng()),
      scale: options.scale,
      drawOrder: options.drawOrder,
      dtype,
    });
    this.nIn = nIn;
    this.nOut = nOut;
    this.dtype = dtype;
    this.#weight = new Tensor(weight, [nIn, nOut]);
    this.gradWeight = new Tensor(allocate(dtype, nIn * nOut), [nIn, nOut]);
    const hasBias = options.bias ?? true;
    this.#bias = hasBias ? new Tensor(bias, [nOut]) : null;
    this.gradBias = hasBias ? new Tensor(allocate(dtype, nOut), [nOut]) : null;
    this.#params = [parameterRecord("weight", () => this.#weight, () => this.gradWeight)];
    if (hasBias) {
      this.#params.push(
        parameterRecord("bias", () => this.#bias as Tensor, () => this.gradBias as Tensor),
      );
    }
  }

  /** The weight matrix, [nIn, nOut]. */
  get weight(): Tensor {
    return this.#weight;
  }

  /** Replaces the weight (same shape [nIn, nOut]; converted to the layer's dtype). */
  set weight(w: Tensor) {
    this.#weight = this.#checked("weight", w, [this.nIn, this.nOut]);
  }

  /** The bias vector, [nOut], or null. */
  get bias(): Tensor | null {
    return this.#bias;
  }

  /** Replaces the bias (same shape [nOut]). */
  set bias(b: Tensor | null) {
    if (this.#bias === null || b === null) {
      throw new Error(`Linear: cannot add or remove a bias after construction; pass {bias}`);
    }
    this.#bias = this.#checked("bias", b, [this.nOut]);
  }

  #checked(name: string, t: Tensor, shape: number[]): Tensor {
    if (!sameShape(t.shape, shape)) {
      throw new RangeError(
        `Linear: ${name} must have shape ${shapeStr(shape)}, got ${shapeStr(t.shape)}`,
      );
    }
    if (t.dtype === this.dtype) return t;
    const data = allocate(this.dtype, t.size);
    data.set(t.data);
    return new Tensor(data, shape);
  }

  /** `weight` and, when present, `bias`. */
  override parameters(): Parameter[] {
    return [...this.#params];
  }

  /** The input as a [batch, nIn] matrix of the layer's dtype. */
  #input(x: Tensor): Tensor {
    const ok = (x.ndim === 2 && x.shape[1] === this.nIn) || (x.ndim === 1 && x.size === this.nIn);
    if (!ok) {
      throw new RangeError(
        `Linear.forward: input of shape ${shapeStr(x.shape)} does not fit ${this.nIn} input ` +
          `features: expected [batch,${this.nIn}]`,
      );
    }
    const batch = x.ndim === 2 ? x.shape[0] : 1;
    if (x.dtype === this.dtype) return x.ndim === 2 ? x : new Tensor(x.data, [1, this.nIn]);
    // NumPy would promote float32 data times float64 weights to float64; converting does the same.
    const converted = this.buffer("x", [batch, this.nIn], this.dtype);
    converted.data.set(x.data);
    return converted;
  }

  /** `x @ weight + bias`; [batch, nIn] -> [batch, nOut], or [nIn] -> [nOut]. */
  forward(x: Tensor): Tensor {
    const input = this.#input(x);
    const batch = input.shape[0];
    const nOut = this.nOut;
    const y = this.buffer("y", x.ndim === 2 ? [batch, nOut] : [nOut], this.dtype);
    matmul(input, this.#weight, { out: asMatrix(y, batch, nOut) });
    if (this.#bias) addRowInPlace(y.data, this.#bias.data, batch);
    this.#x = input;
    return y;
  }

  /**
   * Stores `gradWeight = x^T @ dy` and `gradBias = sum of dy's rows` (overwriting the previous
   * gradients) and returns `dx = dy @ weight^T`, all with the weight of the last forward.
   */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    const x = this.#x;
    if (x === null) throw new Error("Linear.backward: call forward first");
    const batch = x.shape[0];
    if (dy.size !== batch * this.nOut || (dy.ndim === 2 && dy.shape[1] !== this.nOut)) {
      throw new RangeError(
        `Linear.backward: dy has shape ${
          shapeStr(dy.shape)
        } but the output had shape [${batch},${this.nOut}]`,
      );
    }
    const g = asMatrix(this.#asDtype(dy), batch, this.nOut);
    matmul(x, g, { transA: true, out: this.gradWeight });
    if (this.gradBias) columnSums(g.data, batch, this.nOut, this.gradBias.data);
    if (options.inputGrad === false) return emptyGrad(this.dtype);
    const shape = dy.ndim === 2 ? [batch, this.nIn] : [this.nIn];
    const dx = this.inputGradBuffer("Linear.backward", options, shape, this.dtype);
    matmul(g, this.#weight, { transB: true, out: asMatrix(dx, batch, this.nIn) });
    return dx;
  }

  #asDtype(t: Tensor): Tensor {
    if (t.dtype === this.dtype) return t;
    const converted = this.buffer("dy", [t.size], this.dtype);
    converted.data.set(t.data);
    return converted;
  }

  /** `Linear(5, 7)`, with `bias=false` when there is none. */
  override toString(): string {
    const extra = this.#bias ? "" : ", bias=false";
    const dt = this.dtype === "float64" ? "" : `, dtype=${this.dtype}`;
    return `Linear(${this.nIn}, ${this.nOut}${extra}${dt})`;
  }
}

/** `t` as a [rows, cols] matrix: itself when it already is one, else a view (no copy). */
function asMatrix(t: Tensor, rows: number, cols: number): Tensor {
  return t.ndim === 2 && t.shape[0] === rows ? t : new Tensor(t.data, [rows, cols]);
}

/** `out[j] = sum_r g[r * n + j]`, summing rows in order (as NumPy's `sum(axis=0)` does). */
function columnSums(
  g: Float32Array | Float64Array,
  rows: number,
  n: number,
  out: Float32Array | Float64Array,
): void {
  if (out instanceof Float64Array) {
    out.fill(0);
    addColumnSums(g, 0, rows, n, out);
    return;
  }
  // float32 parameters: accumulate in double, round once.
  const acc = new Float64Array(n);
  addColumnSums(g, 0, rows, n, acc);
  out.set(acc);
}
