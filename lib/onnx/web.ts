/**
 * Models a web page can use as they are: a raw-pixel front end in the graph, self-describing
 * metadata, and a small file of test samples saved beside the model.
 *
 * A page has pixels as a canvas gives them: values 0 to 255, row by row. A network is trained on
 * preprocessed inputs (divided by 255, standardised, sometimes in another pixel order). With the
 * `pixels` option of `toOnnx` the preprocessing becomes the first nodes of the graph, so the file
 * takes raw pixels; with `softmax` it ends in probabilities; `classNames` and `dataset` name what
 * it predicts:
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, Sequential } from "@dlfs/deno-dl/nn";
 * import { readOnnx, toOnnx } from "@dlfs/deno-dl/onnx";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 *
 * const model = new Sequential([new Linear(784, 10, { rng: defaultRng(0) })]); // ends in logits
 * const bytes = toOnnx(model, {
 *   pixels: { shape: [28, 28], divideBy: 255 }, // input [batch, 28, 28], values 0..255
 *   softmax: true, // the model ends in logits: the file outputs probabilities
 *   classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
 *   dataset: "MNIST",
 * });
 * const { options } = readOnnx(bytes);
 * assert.deepEqual(options.pixels, { shape: [28, 28], divideBy: 255 });
 * assert.equal(options.metadata?.output, "probabilities");
 * ```
 *
 * The graph then starts with (each node only when its option is set)
 *
 * ```text
 * input [batch, ...shape] → Transpose(perm) → Div(divideBy) → Sub(mean) → Div(std) → Flatten → ...
 * ```
 *
 * and `metadata_props` holds, as JSON strings, what a page needs to feed it without reading the
 * graph: `input_shape` (`[28,28]`), `input_range` (`[0,255]`), `preprocessing`
 * (`{"divideBy":255}`), `class_names`, `dataset`, and `output` (`"probabilities"` after a
 * softmax, `"probability of class 1"` for one sigmoid unit).
 *
 * `loadOnnx` gives back the trained network without the front end; `readOnnx(bytes).options.pixels`
 * gives the front end, and {@link preprocessPixels} applies it in TypeScript.
 *
 * @module
 */

import { type DType, shapeSize, shapeStr, Tensor } from "../tensor/tensor.ts";
import {
  AttributeType,
  DataType,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "./onnx_proto.ts";
import { writeFileAtomic } from "../files/atomic.ts";

/** The raw-pixel front end of an exported model: option `pixels` of `toOnnx`. */
export interface PixelInput {
  /**
   * Shape of one raw sample as a page has it, row-major, without the batch: `[28, 28]` for a grey
   * image, `[32, 32, 3]` for an RGB image with the channels last (as a canvas gives them).
   */
  shape: readonly number[];
  /**
   * Axis order that turns a raw sample into the network's input, as NumPy's `transpose`:
   * `[2, 0, 1]` makes channels-last `[32, 32, 3]` the channels-first `[3, 32, 32]`, `[1, 0]`
   * transposes a grey image. Default: no transpose.
   */
  perm?: readonly number[];
  /** The raw values are first divided by this (255 gives torchvision's `ToTensor` [0, 1]). */
  divideBy?: number;
  /** Then this is subtracted (one mean for every pixel). */
  mean?: number;
  /** Then the values are divided by this (one standard deviation for every pixel). */
  std?: number;
}

/** Node names of the front end: the reader recognises the nodes by them. */
const NAMES = {
  transpose: "pixels_transpose",
  divideBy: "pixels_divide",
  mean: "pixels_subtract_mean",
  std: "pixels_divide_std",
} as const;

/** The sample shape after the transpose: `shape[perm[i]]` for each axis `i`. */
export function permutedShape(pixels: PixelInput): number[] {
  const { shape, perm } = pixels;
  return perm === undefined ? [...shape] : perm.map((p) => shape[p]);
}

/** Checks a front end; returns the network's sample shape. */
export function checkPixelInput(pixels: PixelInput, fn = "toOnnx"): number[] {
  const { shape, perm } = pixels;
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(
      `${fn}: pixels.shape ${shapeStr(shape)} must be the positive sizes of one raw sample`,
    );
  }
  if (perm !== undefined) {
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== shape.length || sorted.some((p, i) => p !== i)) {
      throw new RangeError(
        `${fn}: pixels.perm [${perm.join(",")}] is not a permutation of the ${shape.length} ` +
          `axes of pixels.shape ${shapeStr(shape)}`,
      );
    }
  }
  for (const key of ["divideBy", "mean", "std"] as const) {
    const v = pixels[key];
    if (v !== undefined && !(Number.isFinite(v) && (key === "mean" || v !== 0))) {
      throw new RangeError(
        `${fn}: pixels.${key} is ${v}; it must be a finite number${
          key === "mean" ? "" : ", not 0"
        }`,
      );
    }
  }
  return permutedShape(pixels);
}

/** What {@link pixelNodes} adds in front of the network. */
export interface PixelNodes {
  /** The nodes, in order. */
  nodes: NodeProto[];
  /** Their constants (scalar initializers). */
  initializers: TensorProto[];
  /** Name of the value the network reads. */
  output: string;
}

function scalar(name: string, value: number, dtype: DType): TensorProto {
  const bytes = new Uint8Array(dtype === "float32" ? 4 : 8);
  const view = new DataView(bytes.buffer);
  if (dtype === "float32") view.setFloat32(0, value, true);
  else view.setFloat64(0, value, true);
  return {
    dims: [],
    dataType: dtype === "float32" ? DataType.FLOAT : DataType.DOUBLE,
    name,
    rawData: bytes,
  };
}

/** The front-end nodes for `pixels`, reading the graph input `input`. */
export function pixelNodes(pixels: PixelInput, input: string, dtype: DType): PixelNodes {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  let current = input;
  if (pixels.perm !== undefined && pixels.perm.some((p, i) => p !== i)) {
    const name = NAMES.transpose;
    // ONNX's perm covers the batch axis too: it stays first.
    const perm = [0, ...pixels.perm.map((p) => p + 1)];
    const attribute = [{ name: "perm", ints: perm, type: AttributeType.INTS }];
    nodes.push({ input: [current], output: [name], name, opType: "Transpose", attribute });
    current = name;
  }
  for (const key of ["divideBy", "mean", "std"] as const) {
    const value = pixels[key];
    if (value === undefined) continue;
    const name = NAMES[key];
    initializers.push(scalar(`${name}.value`, value, dtype));
    const opType = key === "mean" ? "Sub" : "Div";
    nodes.push({ input: [current, `${name}.value`], output: [name], name, opType, attribute: [] });
    current = name;
  }
  return { nodes, initializers, output: current };
}

/** What {@link readPixelNodes} found at the start of a graph. */
export interface ReadPixelNodes {
  /** The front end, or `undefined` when the graph has none. */
  pixels?: PixelInput;
  /** Index of the first node after the front end. */
  next: number;
  /** Name of the value the network reads. */
  current: string;
}

function scalarValue(t: TensorProto | undefined): number | undefined {
  if (t === undefined || shapeSize(t.dims) !== 1) return undefined;
  if (t.rawData !== undefined) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    if (t.dataType === DataType.FLOAT && t.rawData.length === 4) return view.getFloat32(0, true);
    if (t.dataType === DataType.DOUBLE && t.rawData.length === 8) return view.getFloat64(0, true);
    return undefined;
  }
  return t.dataType === DataType.FLOAT ? t.floatData?.[0] : t.doubleData?.[0];
}

/**
 * Reads the front end {@link pixelNodes} writes (by its node names) at the start of a graph whose
 * input is `input` with sample shape `inputShape`.
 */
export function readPixelNodes(
  graph: GraphProto,
  input: string,
  inputShape: readonly number[],
  metadata: Readonly<Record<string, string>> = {},
): ReadPixelNodes {
  // The metadata keeps the constants as they were given (a float32 file rounds them): use those
  // that round to what the file holds, so that exporting again writes the same metadata.
  let given: Partial<PixelInput> = {};
  try {
    given = JSON.parse(metadata.preprocessing ?? "{}");
  } catch {
    // not ours: the file's constants it is
  }
  const inits = new Map(graph.initializer.map((t) => [t.name ?? "", t]));
  const pixels: { -readonly [K in keyof PixelInput]: PixelInput[K] } = { shape: [...inputShape] };
  let current = input;
  let next = 0;
  for (; next < graph.node.length; next++) {
    const node = graph.node[next];
    if (node.input[0] !== current) break;
    if (node.name === NAMES.transpose && node.opType === "Transpose") {
      const perm = node.attribute.find((a) => a.name === "perm")?.ints;
      if (perm === undefined || perm[0] !== 0 || pixels.perm !== undefined) break;
      pixels.perm = perm.slice(1).map((p) => p - 1);
    } else {
      const key = (["divideBy", "mean", "std"] as const).find((k) => NAMES[k] === node.name);
      const opType = key === "mean" ? "Sub" : "Div";
      if (key === undefined || node.opType !== opType || pixels[key] !== undefined) break;
      const t = inits.get(node.input[1] ?? "");
      const value = scalarValue(t);
      if (value === undefined) break;
      const exact = given[key];
      const f32 = t?.dataType === DataType.FLOAT;
      pixels[key] = typeof exact === "number" && (f32 ? Math.fround(exact) : exact) === value
        ? exact
        : value;
    }
    current = node.output[0];
  }
  return next === 0 ? { next, current } : { pixels, next, current };
}

/**
 * Applies a front end in TypeScript (float64): raw samples `[batch, ...pixels.shape]` (or
 * `[batch, size]`) to the network's input `[batch, size]`, flattened. What the exported graph
 * computes before its first layer.
 * @throws RangeError when the raw samples do not have `pixels.shape`.
 */
export function preprocessPixels(raw: Tensor, pixels: PixelInput): Tensor {
  checkPixelInput(pixels, "preprocessPixels");
  const size = shapeSize(pixels.shape);
  if (raw.ndim < 1 || raw.size !== raw.shape[0] * size) {
    throw new RangeError(
      `preprocessPixels: raw samples of shape ${shapeStr(raw.shape)} are not a batch of ${
        shapeStr(pixels.shape)
      }`,
    );
  }
  const batch = raw.shape[0];
  const out = new Float64Array(batch * size);
  const { shape } = pixels;
  const perm = pixels.perm ?? shape.map((_, i) => i);
  const outShape = perm.map((p) => shape[p]);
  // Row-major strides of the raw sample, read in the network's axis order.
  const rawStrides = shape.map((_, i) => shapeSize(shape.slice(i + 1)));
  const strides = perm.map((p) => rawStrides[p]);
  const index = new Array(outShape.length).fill(0);
  const divideBy = pixels.divideBy ?? 1, mean = pixels.mean ?? 0, std = pixels.std ?? 1;
  for (let j = 0; j < size; j++) {
    let src = 0;
    for (let a = 0; a < index.length; a++) src += index[a] * strides[a];
    for (let b = 0; b < batch; b++) {
      out[b * size + j] = (raw.data[b * size + src] / divideBy - mean) / std;
    }
    for (let a = index.length - 1; a >= 0; a--) { // next index, last axis fastest
      if (++index[a] < outShape[a]) break;
      index[a] = 0;
    }
  }
  return new Tensor(out, [batch, size]);
}

/** The `metadata_props` entries that describe a model's input and output to a page. */
export function webMetadata(
  options: {
    pixels?: PixelInput;
    classNames?: readonly string[];
    dataset?: string;
  },
  output: "probabilities" | "probability of class 1" | undefined,
): Record<string, string> {
  const meta: Record<string, string> = {};
  const { pixels, classNames, dataset } = options;
  if (pixels !== undefined) {
    meta.input_shape = JSON.stringify(pixels.shape);
    meta.input_range = JSON.stringify([0, 255]);
    const { perm, divideBy, mean, std } = pixels;
    meta.preprocessing = JSON.stringify({ perm, divideBy, mean, std });
  }
  if (classNames !== undefined) meta.class_names = JSON.stringify(classNames);
  if (dataset !== undefined) meta.dataset = dataset;
  if (output !== undefined && (pixels ?? classNames ?? dataset) !== undefined) meta.output = output;
  return meta;
}

// ---------------------------------------------------------------------------------------------
// Test samples beside a model

/** A few test samples saved beside a model (`<model>.samples.json`), for a page to classify. */
export interface OnnxSamples {
  /** File name of the model these samples are for. */
  model: string;
  /** Shape of one sample, as the model's input takes it (without the batch). */
  shape: number[];
  /** The samples' values, one flat row-major array per sample (raw pixels 0..255 for images). */
  samples: number[][];
  /** The true class of each sample. */
  labels: number[];
  /** Where the samples come from, e.g. "MNIST test set, images 0 to 31". */
  source?: string;
}

/** The samples file of a model: `x.onnx` → `x.samples.json`. */
export function samplesPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/, "") + ".samples.json";
}

/** What {@link saveOnnxSamples} saves. */
export interface SamplesToSave {
  /** The samples as the model's input takes them, `[n, ...]` (raw pixels 0..255 for images). */
  values: Tensor;
  /** The true class of each sample. */
  labels: ArrayLike<number>;
  /** Shape of one sample; default `values.shape` without the batch. */
  shape?: readonly number[];
  /** Where the samples come from. */
  source?: string;
}

/**
 * Saves test samples beside the model at `modelPath`, in `samplesPath(modelPath)`, atomically (a
 * temporary file in the same folder, then a rename). Returns the path written.
 * @throws RangeError when the labels or the shape do not match the samples.
 */
export async function saveOnnxSamples(modelPath: string, toSave: SamplesToSave): Promise<string> {
  const { values, labels } = toSave;
  const n = values.shape[0];
  const shape = [...(toSave.shape ?? values.shape.slice(1))];
  const size = shapeSize(shape);
  if (labels.length !== n || values.size !== n * size) {
    throw new RangeError(
      `saveOnnxSamples: ${n} samples of shape ${shapeStr(values.shape)}, ${labels.length} ` +
        `labels, sample shape ${shapeStr(shape)}: they do not match`,
    );
  }
  const samples: OnnxSamples = {
    model: modelPath.split("/").pop()!,
    shape,
    samples: Array.from(
      { length: n },
      (_, i) => Array.from(values.data.subarray(i * size, (i + 1) * size)),
    ),
    labels: Array.from(labels),
    source: toSave.source,
  };
  const path = samplesPath(modelPath);
  await writeFileAtomic(path, JSON.stringify(samples), { op: "saveOnnxSamples" });
  return path;
}
