/**
 * Activation layers: ReLU, Sigmoid, Tanh, Softmax and LogSoftmax, each with its backward pass.
 *
 * They work element-wise (softmax: along one axis) on tensors of any shape and keep the dtype of
 * their input. Every loop runs straight over the typed arrays: no closure per element.
 *
 * @module
 */
import { shapeStr, type Tensor } from "../tensor/tensor.ts";
import { axisLayout, logSoftmaxInto, softmaxInto } from "../tensor/softmax.ts";
import { type BackwardOptions, Layer, sameShape } from "./module.ts";

/** Throws unless `forward` ran and `dy` has the shape of its output. */
export function checkBackward(op: string, saved: Tensor | null, dy: Tensor): Tensor {
  if (saved === null) throw new Error(`${op}.backward: call forward first`);
  if (!sameShape(saved.shape, dy.shape)) {
    throw new RangeError(
      `${op}.backward: dy has shape ${shapeStr(dy.shape)} but the output had shape ${
        shapeStr(saved.shape)
      }`,
    );
  }
  return saved;
}

/** Options of {@link ReLU}. */
export interface ReLUOptions {
  /**
   * The derivative used at exactly 0: `0` (PyTorch, nnfs; the default) or `1` (assignment 001's
   * `np.where(x < 0, 0, 1)`).
   */
  gradAtZero?: 0 | 1;
}

/** `max(0, x)` element-wise. */
export class ReLU extends Layer {
  /** Derivative used at `x = 0`. */
  readonly gradAtZero: 0 | 1;
  #x: Tensor | null = null;

  /** Makes a ReLU; see {@link ReLUOptions}. */
  constructor(options: ReLUOptions = {}) {
    super();
    this.gradAtZero = options.gradAtZero ?? 0;
  }

  /** `max(0, x)`. */
  forward(x: Tensor): Tensor {
    const y = this.buffer("y", x.shape, x.dtype);
    const xd = x.data, yd = y.data;
    // max(0, x) = (x + |x|) / 2, written without a branch: signs are random in a layer's
    // pre-activations, so a branch is mispredicted half the time and costs 2-3x the whole loop.
    // Exact for every finite x below 8.9e307 (x + x doubles exactly), and NaN stays NaN.
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i];
      yd[i] = (v + Math.abs(v)) * 0.5;
    }
    this.#x = x;
    return y;
  }

  /** `dy` where the input was positive, 0 where negative (and `gradAtZero * dy` at 0). */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    const x = checkBackward("ReLU", this.#x, dy);
    const dx = this.inputGradBuffer("ReLU.backward", options, x.shape, x.dtype);
    const xd = x.data, gd = dy.data, dd = dx.data;
    // dy times the 0/1 mask, as NumPy's `dy * (x > 0)`: branch-free for the reason given in forward.
    if (this.gradAtZero === 1) {
      for (let i = 0; i < xd.length; i++) dd[i] = gd[i] * +!(xd[i] < 0);
    } else {
      for (let i = 0; i < xd.length; i++) dd[i] = gd[i] * +(xd[i] > 0);
    }
    return dx;
  }

  /** `ReLU()`. */
  override toString(): string {
    return this.gradAtZero === 1 ? "ReLU(gradAtZero=1)" : "ReLU()";
  }
}

/**
 * The logistic function `1 / (1 + exp(-x))`.
 *
 * This form cannot give NaN: for very negative x, `exp(-x)` overflows to Infinity and the result is
 * 0. The backward pass uses `s * (1 - s)` from the saved output, never `exp(-x) / (1 + exp(-x))^2`,
 * which is `Infinity / Infinity = NaN` below x ≈ -709.
 */
export class Sigmoid extends Layer {
  #y: Tensor | null = null;

  /** `1 / (1 + exp(-x))`. */
  forward(x: Tensor): Tensor {
    const y = this.buffer("y", x.shape, x.dtype);
    const xd = x.data, yd = y.data;
    for (let i = 0; i < xd.length; i++) yd[i] = 1 / (1 + Math.exp(-xd[i]));
    this.#y = y;
    return y;
  }

  /** `dy * s * (1 - s)`. */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    const y = checkBackward("Sigmoid", this.#y, dy);
    const dx = this.inputGradBuffer("Sigmoid.backward", options, y.shape, y.dtype);
    const yd = y.data, gd = dy.data, dd = dx.data;
    for (let i = 0; i < yd.length; i++) {
      const s = yd[i];
      dd[i] = gd[i] * (s * (1 - s));
    }
    return dx;
  }

  /** `Sigmoid()`. */
  override toString(): string {
    return "Sigmoid()";
  }
}

/** The hyperbolic tangent. */
export class Tanh extends Layer {
  #y: Tensor | null = null;

  /** `tanh(x)`. */
  forward(x: Tensor): Tensor {
    const y = this.buffer("y", x.shape, x.dtype);
    const xd = x.data, yd = y.data;
    for (let i = 0; i < xd.length; i++) yd[i] = Math.tanh(xd[i]);
    this.#y = y;
    return y;
  }

  /** `dy * (1 - tanh(x)^2)`. */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    const y = checkBackward("Tanh", this.#y, dy);
    const dx = this.inputGradBuffer("Tanh.backward", options, y.shape, y.dtype);
    const yd = y.data, gd = dy.data, dd = dx.data;
    for (let i = 0; i < yd.length; i++) dd[i] = gd[i] * (1 - yd[i] * yd[i]);
    return dx;
  }

  /** `Tanh()`. */
  override toString(): string {
    return "Tanh()";
  }
}

/** Options of {@link Softmax} and {@link LogSoftmax}. */
export interface SoftmaxOptions {
  /**
   * The axis that sums to one: `-1` (the last, one row per sample; the default) or e.g. `0` for the
   * classes-by-samples layout of assignments 000 and 002.
   */
  axis?: number;
}

/**
 * `exp(x - max) / sum(exp(x - max))` along an axis (the max is subtracted so exp cannot overflow;
 * the division is done element by element, as NumPy and SciPy do).
 */
export class Softmax extends Layer {
  /** The axis that sums to one. */
  readonly axis: number;
  #y: Tensor | null = null;

  /** Makes a softmax over `axis` (default the last). */
  constructor(options: SoftmaxOptions = {}) {
    super();
    this.axis = options.axis ?? -1;
  }

  /** Probabilities along `axis`. */
  forward(x: Tensor): Tensor {
    const { outer, n, inner } = axisLayout("Softmax", x.shape, this.axis);
    const y = this.buffer("y", x.shape, x.dtype);
    softmaxInto(x.data, y.data, outer, n, inner);
    this.#y = y;
    return y;
  }

  /** `y * (dy - sum(dy * y))` along the axis (the Jacobian of softmax times dy). */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    const y = checkBackward("Softmax", this.#y, dy);
    const { outer, n, inner } = axisLayout("Softmax", y.shape, this.axis);
    const dx = this.inputGradBuffer("Softmax.backward", options, y.shape, y.dtype);
    const yd = y.data, gd = dy.data, dd = dx.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let dot = 0;
        for (let j = 0; j < n; j++) dot += gd[base + j * inner] * yd[base + j * inner];
        for (let j = 0; j < n; j++) {
          const k = base + j * inner;
          dd[k] = yd[k] * (gd[k] - dot);
        }
      }
    }
    return dx;
  }

  /** `Softmax(axis=-1)`. */
  override toString(): string {
    return `Softmax(axis=${this.axis})`;
  }
}

/** `x - max - log(sum(exp(x - max)))` along an axis: log-probabilities without underflow. */
export class LogSoftmax extends Layer {
  /** The axis whose exponentials sum to one. */
  readonly axis: number;
  #y: Tensor | null = null;

  /** Makes a log-softmax over `axis` (default the last). */
  constructor(options: SoftmaxOptions = {}) {
    super();
    this.axis = options.axis ?? -1;
  }

  /** Log-probabilities along `axis`. */
  forward(x: Tensor): Tensor {
    const { outer, n, inner } = axisLayout("LogSoftmax", x.shape, this.axis);
    const y = this.buffer("y", x.shape, x.dtype);
    logSoftmaxInto(x.data, y.data, outer, n, inner);
    this.#y = y;
    return y;
  }

  /** `dy - softmax * sum(dy)` along the axis. */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    const y = checkBackward("LogSoftmax", this.#y, dy);
    const { outer, n, inner } = axisLayout("LogSoftmax", y.shape, this.axis);
    const dx = this.inputGradBuffer("LogSoftmax.backward", options, y.shape, y.dtype);
    const yd = y.data, gd = dy.data, dd = dx.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let sum = 0;
        for (let j = 0; j < n; j++) sum += gd[base + j * inner];
        for (let j = 0; j < n; j++) {
          const k = base + j * inner;
          dd[k] = gd[k] - Math.exp(yd[k]) * sum;
        }
      }
    }
    return dx;
  }

  /** `LogSoftmax(axis=-1)`. */
  override toString(): string {
    return `LogSoftmax(axis=${this.axis})`;
  }
}
