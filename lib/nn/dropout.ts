/**
 * Inverted dropout: in training, zero each element with probability `p` and scale the others by
 * `1 / (1 - p)` so the expected output equals the input; in evaluation, the identity.
 *
 * @module
 */
import { defaultRng } from "../random/mod.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkBackward } from "./activations.ts";
import { type BackwardOptions, Layer } from "./module.ts";

/** What dropout needs from a generator: uniform samples in [0, 1) (`Generator.random`). */
export interface DropoutRng {
  /** Uniform [0, 1) samples, one per element. */
  random(size: readonly number[]): number | Tensor;
}

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** The generator of the masks, e.g. `defaultRng(0)` (default: a fresh unseeded `defaultRng()`). */
  rng?: DropoutRng;
}

/**
 * Zeroes each element with probability `p` in training mode (a new mask per forward call, drawn
 * row-major as `rng.random(shape) < 1 - p`), scaling the kept ones by `1 / (1 - p)`.
 */
export class Dropout extends Layer {
  /** Probability of zeroing an element. */
  readonly p: number;
  #rng: DropoutRng;
  #mask: Tensor | null = null;
  #identity = false;

  /** Makes a dropout layer with drop probability `p` in [0, 1). */
  constructor(p: number, options: DropoutOptions = {}) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
    this.p = p;
    this.#rng = options.rng ?? defaultRng();
  }

  /** Masked and scaled input in training mode; the input itself in evaluation mode. */
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) {
      this.#identity = true;
      this.#mask = x;
      return x;
    }
    this.#identity = false;
    const drawn = this.#rng.random(x.shape);
    const u = typeof drawn === "number" ? [drawn] : drawn.data;
    if (u.length !== x.size) {
      throw new RangeError(`Dropout: the generator returned ${u.length} values for ${x.size}`);
    }
    const keep = 1 - this.p, scale = 1 / keep;
    const mask = this.buffer("mask", x.shape, x.dtype);
    const y = this.buffer("y", x.shape, x.dtype);
    const md = mask.data, xd = x.data, yd = y.data;
    for (let i = 0; i < xd.length; i++) {
      md[i] = u[i] < keep ? scale : 0;
      yd[i] = xd[i] * md[i];
    }
    this.#mask = mask;
    return y;
  }

  /** `dy` times the mask of the last forward (the identity in evaluation mode). */
  backward(dy: Tensor, options: BackwardOptions = {}): Tensor {
    const mask = checkBackward("Dropout", this.#mask, dy);
    if (this.#identity) {
      if (options.out === undefined) return dy;
      const out = this.inputGradBuffer("Dropout.backward", options, dy.shape, dy.dtype);
      out.data.set(dy.data);
      return out;
    }
    const dx = this.inputGradBuffer("Dropout.backward", options, dy.shape, mask.dtype);
    const md = mask.data, gd = dy.data, dd = dx.data;
    for (let i = 0; i < md.length; i++) dd[i] = gd[i] * md[i];
    return dx;
  }

  /** `Dropout(p=0.5)`. */
  override toString(): string {
    return `Dropout(p=${this.p})`;
  }
}
