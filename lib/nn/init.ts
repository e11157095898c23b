/**
 * Weight initialisation schemes, one per convention the assignments use, drawn from a seeded
 * NumPy-compatible generator in NumPy's order so that the same seed gives the same weights.
 *
 * | scheme | weight | bias | used by |
 * | --- | --- | --- | --- |
 * | `"product-uniform"` | U(±sqrt(6 / (nIn * nOut))) | 0 | assignment 001 |
 * | `"glorot-uniform"` | U(±sqrt(6 / (nIn + nOut))) | 0 | assignment 002 |
 * | `"normal"` | `scale * N(0, 1)` (scale 0.01 by default) | 0 | 000, 004 (`0.01 * randn`), 002 "random" (scale 1) |
 * | `"normal-max-fan"` | N(0, 1 / sqrt(max(nIn, nOut))) | 0 | 003 |
 * | `"pytorch"` | U(±1 / sqrt(nIn)) | U(±1 / sqrt(nIn)) | PyTorch's `nn.Linear` default |
 * | `"zeros"` | 0 | 0 | 002's zero init |
 *
 * @module
 */
import { allocate, type DType, type Tensor } from "../tensor/tensor.ts";

/** The name of an initialisation scheme (see the module table). */
export type InitScheme =
  | "product-uniform"
  | "glorot-uniform"
  | "normal"
  | "normal-max-fan"
  | "pytorch"
  | "zeros";

/**
 * What initialisation needs from a random generator: NumPy's `uniform(low, high, size)` and
 * `standard_normal(size)`. Both `Generator` (`defaultRng(seed)`) and `RandomState(seed)` have them.
 */
export interface InitRng {
  /** `low + (high - low) * u` for u uniform in [0, 1), one per element, row-major. */
  uniform(low: number, high: number, size: readonly number[]): number | Tensor;
  /** Standard normal samples, one per element, row-major. */
  standardNormal(size: readonly number[]): number | Tensor;
}

/** Options of {@link initWeights}. */
export interface InitOptions {
  /** The scheme (see the module table). */
  init: InitScheme;
  /** The generator to draw from (not needed for `"zeros"`). */
  rng?: InitRng;
  /** Multiplier of the standard normal for `"normal"` (default 0.01). */
  scale?: number;
  /**
   * The order the weight matrix is drawn in: `"in-out"` (default) draws it as the [nIn, nOut] matrix
   * it is stored as, like `rng.uniform(-a, a, size=(n_in, n_out))`; `"out-in"` draws a [nOut, nIn]
   * matrix and stores its transpose, like code that keeps `W` as (n_out, n_in) and computes `W @ x`.
   */
  drawOrder?: "in-out" | "out-in";
  /** Element type (default float64). */
  dtype?: DType;
}

/** The weight and bias of a dense layer, as typed arrays ([nIn, nOut] row-major and [nOut]). */
export interface InitialValues {
  /** Weights, [nIn, nOut] row-major. */
  weight: Float32Array | Float64Array;
  /** Bias, [nOut]. */
  bias: Float32Array | Float64Array;
}

function toArray(op: string, drawn: number | Tensor, n: number): ArrayLike<number> {
  if (typeof drawn === "number") {
    if (n !== 1) throw new RangeError(`${op}: the generator returned one number for ${n} draws`);
    return [drawn];
  }
  if (drawn.size !== n) {
    throw new RangeError(`${op}: the generator returned ${drawn.size} values for ${n} draws`);
  }
  return drawn.data;
}

function needRng(init: InitScheme, rng: InitRng | undefined): InitRng {
  if (!rng) {
    throw new Error(
      `initWeights: init "${init}" draws random numbers: pass {rng: defaultRng(seed)} or RandomState`,
    );
  }
  return rng;
}

/** Copies `src` ([rows, cols] drawn row-major) into `dst`, transposed if `transpose`. */
function store(
  dst: Float32Array | Float64Array,
  src: ArrayLike<number>,
  rows: number,
  cols: number,
  scale: number,
  transpose: boolean,
): void {
  if (!transpose) {
    for (let i = 0; i < dst.length; i++) dst[i] = scale === 1 ? src[i] : scale * src[i];
    return;
  }
  // src is [rows, cols] = [nOut, nIn]; dst is [nIn, nOut].
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = src[r * cols + c];
      dst[c * rows + r] = scale === 1 ? v : scale * v;
    }
  }
}

/**
 * Draws the initial weight ([nIn, nOut]) and bias ([nOut]) of a dense layer.
 * @throws Error when a random scheme has no `rng`, RangeError for non-positive sizes.
 */
export function initWeights(shape: [number, number], options: InitOptions): InitialValues {
  const [nIn, nOut] = shape;
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) {
      throw new RangeError(`initWeights: sizes must be positive integers, got [${nIn},${nOut}]`);
    }
  }
  const dtype = options.dtype ?? "float64";
  const weight = allocate(dtype, nIn * nOut);
  const bias = allocate(dtype, nOut);
  const { init } = options;
  if (init === "zeros") return { weight, bias };
  const rng = needRng(init, options.rng);
  const outIn = options.drawOrder === "out-in";
  const drawShape = outIn ? [nOut, nIn] : [nIn, nOut];
  const n = nIn * nOut;
  const op = `initWeights(${init})`;
  switch (init) {
    case "product-uniform":
    case "glorot-uniform":
    case "pytorch": {
      // Bounds computed with the same operations as the Python originals.
      const a = init === "product-uniform"
        ? Math.sqrt(6 / (nIn * nOut))
        : init === "glorot-uniform"
        ? Math.sqrt(6 / (nIn + nOut))
        : 1 / Math.sqrt(nIn);
      store(
        weight,
        toArray(op, rng.uniform(-a, a, drawShape), n),
        drawShape[0],
        drawShape[1],
        1,
        outIn,
      );
      if (init === "pytorch") bias.set(toArray(op, rng.uniform(-a, a, [nOut]), nOut));
      return { weight, bias };
    }
    case "normal":
    case "normal-max-fan": {
      const scale = init === "normal" ? options.scale ?? 0.01 : 1 / Math.sqrt(Math.max(nIn, nOut));
      const z = toArray(op, rng.standardNormal(drawShape), n);
      store(weight, z, drawShape[0], drawShape[1], scale, outIn);
      return { weight, bias };
    }
    default:
      throw new RangeError(
        `initWeights: unknown init "${init}"; use product-uniform, glorot-uniform, normal, ` +
          `normal-max-fan, pytorch or zeros`,
      );
  }
}
