/**
 * Translation between a chain of layers and an ONNX graph.
 *
 * A feed-forward `Sequential` is a chain: each layer reads the previous layer's output. Here it
 * is described by {@link LayerSpec} records (plain data, no methods), which `export.ts` makes
 * from and turns back into `lib/nn` layers. Keeping this file free of `lib/nn` keeps the ONNX
 * logic testable on its own.
 *
 * Export, for a layer list `[Linear, ReLU, Linear, Softmax]` and `inputShape: [1, 28, 28]`:
 *
 * ```text
 * input [batch,1,28,28] → Flatten(axis=1) → Gemm(dense_0.weight, dense_0.bias) → Relu
 *                       → Gemm(dense_1.weight, dense_1.bias) → Softmax(axis=-1) → output
 * ```
 *
 * Weights keep this library's layout `[nIn, nOut]` (`y = x @ W + b`), which is Gemm with
 * `transB = 0` (PyTorch stores `[nOut, nIn]` and exports `transB = 1`; both load).
 *
 * @module
 */

import { type DType, shapeSize, shapeStr, Tensor } from "../tensor/tensor.ts";
import {
  AttributeType,
  DataType,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "./onnx_proto.ts";
import {
  checkPixelInput,
  type PixelInput,
  pixelNodes,
  readPixelNodes,
  webMetadata,
} from "./web.ts";

/** One layer of a chain, as plain data. */
export type LayerSpec =
  | {
    /** Dense layer `y = x @ weight + bias`. */
    kind: "linear";
    /** Weights `[nIn, nOut]`. */
    weight: Tensor;
    /** Bias with `nOut` elements, or `null` for none. */
    bias: Tensor | null;
  }
  | {
    /** Element-wise activations and the row-wise (last axis) softmaxes. */
    kind: "relu" | "sigmoid" | "tanh" | "softmax" | "logsoftmax";
  }
  | {
    /** Dropout: the identity at inference; `rate` is the fraction of units dropped in training. */
    kind: "dropout";
    /** Drop probability in [0, 1). */
    rate: number;
  }
  | {
    /** Flattens each sample to a vector: `[batch, ...] → [batch, n]`. */
    kind: "flatten";
  };

/** Options of {@link layersToModelProto}. */
export interface GraphOptions {
  /** Shape of one sample, without the batch dimension; default `[nIn]` of the first Linear. */
  inputShape?: readonly number[];
  /** Element type of the weights and values in the file; default `"float32"`. */
  dtype?: DType;
  /** ONNX operator set version, 13 to 17; default 17. */
  opset?: number;
  /** Graph name; default `"sequential"`. */
  name?: string;
  /** Model documentation, e.g. the training configuration. */
  docString?: string;
  /** How a Linear layer is written: one `Gemm` node (default) or `MatMul` then `Add`. */
  linear?: "gemm" | "matmul";
  /** Key/value pairs stored in the model's `metadata_props`. */
  metadata?: Readonly<Record<string, string>>;
  /**
   * A raw-pixel front end: the graph takes `[batch, ...pixels.shape]` values 0..255 and does the
   * preprocessing (transpose, divide, standardise) before the first layer; see `web.ts`. The
   * network's input shape is then `pixels.shape` transposed by `pixels.perm`.
   */
  pixels?: PixelInput;
  /** Appends a `Softmax`, for a model that ends in logits: the file outputs probabilities. */
  softmax?: boolean;
  /** Name of each output class (metadata `class_names`, a JSON array). */
  classNames?: readonly string[];
  /** The data set the model was trained on (metadata `dataset`). */
  dataset?: string;
}

/** What {@link modelProtoToLayers} reads from a model. */
export interface ReadGraph {
  /** The layers, in order. */
  layers: LayerSpec[];
  /** Shape of one sample as the network takes it (after a pixel front end), without the batch. */
  inputShape: number[];
  /** Element type of the model's input. */
  dtype: DType;
  /** Options that export the layers back to the same file (when this library wrote it). */
  options: GraphOptions & { inputShape: number[]; dtype: DType };
}

/** IR version written: 8, the version of ONNX 1.10–1.12, which opset 17 needs at least. */
export const IR_VERSION = 8;
/** Default operator set version. */
export const DEFAULT_OPSET = 17;
/** `producer_name` written in exported models. */
export const PRODUCER_NAME = "deno-dl-from-scratch";
/** `producer_version` written in exported models. */
export const PRODUCER_VERSION = "0.1.0";

const MIN_OPSET = 13; // Softmax/LogSoftmax take one axis from opset 13 on
const MAX_OPSET = 17; // the latest opset of IR version 8
/** Oldest opset read: Gemm and Dropout took their current meaning in opset 7. */
const MIN_LOAD_OPSET = 7;
/** Newest opset read (ONNX 1.20); a later one may change an operator's meaning. */
const MAX_LOAD_OPSET = 25;
const INPUT = "input";
const OUTPUT = "output";
const BATCH = "batch";

const ACTIVATION_OPS = {
  relu: "Relu",
  sigmoid: "Sigmoid",
  tanh: "Tanh",
  softmax: "Softmax",
  logsoftmax: "LogSoftmax",
} as const;

// ---------------------------------------------------------------------------------------------
// Export

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Fixed-width little-endian bytes of the values, converted to `dtype`. */
function rawBytes(values: ArrayLike<number>, dtype: DType): Uint8Array {
  const typed = dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values);
  if (littleEndian) return new Uint8Array(typed.buffer);
  const out = new Uint8Array(typed.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < typed.length; i++) {
    if (dtype === "float32") view.setFloat32(i * 4, typed[i], true);
    else view.setFloat64(i * 8, typed[i], true);
  }
  return out;
}

/**
 * Refuses values that would make a broken model: NaN or infinite weights (a diverged training),
 * or finite float64 values beyond float32's range, which the conversion would turn into Infinity.
 */
function checkExportValues(values: ArrayLike<number>, dtype: DType, label: string, what: string) {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new RangeError(
        `toOnnx: ${label} has a non-finite ${what} value ${v} at flat index ${i}: the model ` +
          `diverged; retrain it (lower the learning rate) before exporting`,
      );
    }
    if (dtype === "float32" && !Number.isFinite(Math.fround(v))) {
      throw new RangeError(
        `toOnnx: ${label} has a ${what} value ${v} at flat index ${i} beyond float32's range ` +
          `(±3.4e38): export with {dtype: "float64"}`,
      );
    }
  }
}

function initializer(
  name: string,
  dims: number[],
  values: ArrayLike<number>,
  dtype: DType,
  label = name,
): TensorProto {
  checkExportValues(values, dtype, label, name.slice(name.lastIndexOf(".") + 1));
  const dataType = dtype === "float32" ? DataType.FLOAT : DataType.DOUBLE;
  return { dims, dataType, name, rawData: rawBytes(values, dtype) };
}

function intAttribute(name: string, value: number): NodeProto["attribute"][number] {
  return { name, i: value, type: AttributeType.INT };
}

function valueInfo(name: string, dtype: DType, sampleShape: readonly number[]): ValueInfoProto {
  const elemType = dtype === "float32" ? DataType.FLOAT : DataType.DOUBLE;
  const dim = [{ dimParam: BATCH }, ...sampleShape.map((d) => ({ dimValue: d }))];
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** Builds the graph while walking the layers, tracking the current value and its shape. */
class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly #counts = new Map<string, number>();
  readonly #dtype: DType;
  readonly #linear: "gemm" | "matmul";
  /** Name of the value the next node reads. */
  current = INPUT;
  /** Shape of one sample of `current`. */
  shape: number[];

  constructor(inputShape: readonly number[], dtype: DType, linear: "gemm" | "matmul") {
    this.shape = [...inputShape];
    this.#dtype = dtype;
    this.#linear = linear;
  }

  /** A fresh name per kind: `dense_0`, `dense_1`, `relu_0`, ... */
  #fresh(kind: string): string {
    const n = this.#counts.get(kind) ?? 0;
    this.#counts.set(kind, n + 1);
    return `${kind}_${n}`;
  }

  #node(opType: string, name: string, inputs: string[], attrs: NodeProto["attribute"] = []): void {
    this.nodes.push({ input: inputs, output: [name], name, opType, attribute: attrs });
    this.current = name;
  }

  add(spec: LayerSpec, label: string): void {
    switch (spec.kind) {
      case "linear":
        return this.#addLinear(spec.weight, spec.bias, label);
      case "flatten":
        this.#node("Flatten", this.#fresh("flatten"), [this.current], [intAttribute("axis", 1)]);
        this.shape = [shapeSize(this.shape)];
        return;
      case "dropout": {
        if (!(spec.rate >= 0 && spec.rate < 1)) {
          throw new RangeError(`toOnnx: ${label} has dropout rate ${spec.rate}, expected [0, 1)`);
        }
        const name = this.#fresh("dropout");
        this.initializers.push(initializer(`${name}.ratio`, [], [spec.rate], this.#dtype));
        this.#node("Dropout", name, [this.current, `${name}.ratio`]);
        return;
      }
      case "softmax":
      case "logsoftmax":
        this.#node(
          ACTIVATION_OPS[spec.kind],
          this.#fresh(spec.kind === "softmax" ? "softmax" : "log_softmax"),
          [
            this.current,
          ],
          [intAttribute("axis", -1)],
        );
        return;
      default:
        this.#node(ACTIVATION_OPS[spec.kind], this.#fresh(spec.kind), [this.current]);
    }
  }

  #addLinear(weight: Tensor, bias: Tensor | null, label: string): void {
    if (weight.ndim !== 2) {
      throw new RangeError(
        `toOnnx: ${label} has a weight of shape ${shapeStr(weight.shape)}, expected [nIn,nOut]`,
      );
    }
    const [nIn, nOut] = weight.shape;
    if (this.shape.length !== 1 || this.shape[0] !== nIn) {
      throw new RangeError(
        `toOnnx: ${label} expects ${nIn} features per sample but receives shape [${BATCH},${
          this.shape.join(",")
        }]`,
      );
    }
    if (bias !== null && bias.size !== nOut) {
      throw new RangeError(
        `toOnnx: ${label} has a bias of shape ${shapeStr(bias.shape)} for ${nOut} outputs`,
      );
    }
    const name = this.#fresh("dense");
    this.initializers.push(
      initializer(`${name}.weight`, [nIn, nOut], weight.data, this.#dtype, label),
    );
    if (bias !== null) {
      this.initializers.push(initializer(`${name}.bias`, [nOut], bias.data, this.#dtype, label));
    }
    const x = this.current;
    if (this.#linear === "gemm") {
      this.#node(
        "Gemm",
        name,
        bias === null ? [x, `${name}.weight`] : [x, `${name}.weight`, `${name}.bias`],
      );
    } else if (bias === null) {
      this.#node("MatMul", name, [x, `${name}.weight`]);
    } else {
      this.#node("MatMul", `${name}.matmul`, [x, `${name}.weight`]);
      this.#node("Add", name, [`${name}.matmul`, `${name}.bias`]);
    }
    this.shape = [nOut];
  }
}

function describe(spec: LayerSpec, index: number): string {
  if (spec.kind === "linear") {
    return `layer ${index} (Linear ${spec.weight.shape[0]}→${spec.weight.shape[1]})`;
  }
  return `layer ${index} (${spec.kind})`;
}

function checkOptions(layers: readonly LayerSpec[], options: GraphOptions): number[] {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new RangeError(
      `toOnnx: opset ${opset} is not supported: use ${MIN_OPSET} to ${MAX_OPSET}`,
    );
  }
  if (layers.length === 0) throw new RangeError("toOnnx: the model has no layers");
  if (options.pixels !== undefined) {
    const shape = checkPixelInput(options.pixels);
    if (options.inputShape !== undefined && shapeStr(options.inputShape) !== shapeStr(shape)) {
      throw new RangeError(
        `toOnnx: inputShape ${shapeStr(options.inputShape)} differs from pixels.shape ${
          shapeStr(options.pixels.shape)
        } transposed by pixels.perm (${shapeStr(shape)})`,
      );
    }
    return shape;
  }
  if (options.inputShape !== undefined) {
    const ok = options.inputShape.length > 0 &&
      options.inputShape.every((d) => Number.isInteger(d) && d > 0);
    if (!ok) {
      throw new RangeError(
        `toOnnx: inputShape ${
          shapeStr(options.inputShape)
        } must be the positive sizes of one sample (without the batch)`,
      );
    }
    return [...options.inputShape];
  }
  const first = layers.find((l) => l.kind === "linear");
  if (first === undefined) {
    throw new RangeError("toOnnx: inputShape is required for a model without a Linear layer");
  }
  return [first.weight.shape[0]];
}

/** The layers, with a softmax appended when asked for (refused after a softmax). */
function withSoftmax(layers: readonly LayerSpec[], softmax: boolean): readonly LayerSpec[] {
  if (!softmax) return layers;
  const last = layers[layers.length - 1].kind;
  if (last === "softmax" || last === "logsoftmax" || last === "sigmoid") {
    throw new RangeError(
      `toOnnx: softmax: true, but the model already ends in a ${last} (the option is for logits)`,
    );
  }
  return [...layers, { kind: "softmax" }];
}

/** The metadata entries of the `pixels`, `classNames` and `dataset` options. */
function webOptions(
  chain: readonly LayerSpec[],
  outShape: readonly number[],
  options: GraphOptions,
): Record<string, string> {
  const width = outShape[outShape.length - 1];
  const names = options.classNames;
  if (names !== undefined && names.length !== width && !(width === 1 && names.length === 2)) {
    throw new RangeError(
      `toOnnx: ${names.length} classNames for ${width} outputs (one name per output, or two ` +
        `for one sigmoid unit)`,
    );
  }
  const last = chain[chain.length - 1].kind;
  const output = last === "softmax"
    ? "probabilities"
    : last === "sigmoid" && width === 1
    ? "probability of class 1"
    : undefined;
  return webMetadata(options, output);
}

/**
 * Builds the ONNX model of a chain of layers: batch dimension `batch`, weights as raw
 * little-endian initializers, producer name and version set.
 *
 * When the input shape has more than one dimension (images) and the first layer is not a
 * flatten, a `Flatten` node is put first, as the layers' `forward` flattens image batches.
 * @throws RangeError naming the layer whose shapes do not chain, or the bad option.
 */
export function layersToModelProto(
  layers: readonly LayerSpec[],
  options: GraphOptions = {},
): ModelProto {
  const inputShape = checkOptions(layers, options);
  const dtype = options.dtype ?? "float32";
  const b = new GraphBuilder(inputShape, dtype, options.linear ?? "gemm");
  if (options.pixels !== undefined) {
    const front = pixelNodes(options.pixels, INPUT, dtype);
    b.nodes.push(...front.nodes);
    b.initializers.push(...front.initializers);
    b.current = front.output;
  }
  const chain = withSoftmax(layers, options.softmax ?? false);
  if (inputShape.length > 1 && chain[0].kind !== "flatten") b.add({ kind: "flatten" }, "flatten");
  chain.forEach((spec, i) => b.add(spec, describe(spec, i)));
  const last = b.nodes[b.nodes.length - 1];
  last.output[0] = OUTPUT;
  const graph: GraphProto = {
    node: b.nodes,
    name: options.name ?? "sequential",
    initializer: b.initializers,
    input: [valueInfo(INPUT, dtype, options.pixels?.shape ?? inputShape)],
    output: [valueInfo(OUTPUT, dtype, b.shape)],
    valueInfo: [],
  };
  const metadata = { ...options.metadata, ...webOptions(chain, b.shape, options) };
  return {
    irVersion: IR_VERSION,
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: options.docString,
    graph,
    opsetImport: [{ domain: "", version: options.opset ?? DEFAULT_OPSET }],
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
}

// ---------------------------------------------------------------------------------------------
// Import

const SUPPORTED_OPS = [
  "Gemm",
  "MatMul",
  "Add (after MatMul)",
  "Relu",
  "Sigmoid",
  "Tanh",
  "Softmax",
  "LogSoftmax",
  "Dropout",
  "Flatten",
  "Identity",
];

function nodeLabel(node: NodeProto, index: number): string {
  const name = node.name ? ` "${node.name}"` : "";
  return `node ${index}${name} (${node.opType ?? "no op_type"})`;
}

/** Reads the elements of a float/double initializer, checking their count against its dims. */
function tensorValues(t: TensorProto, where: string): Tensor {
  const what = `${where}: initializer "${t.name ?? ""}"`;
  if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0) {
    throw new RangeError(`${what} keeps its data in an external file, which is not supported`);
  }
  if (!t.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(`${what} has dims ${shapeStr(t.dims)}: sizes must be integers >= 0`);
  }
  const size = shapeSize(t.dims);
  let data: Float32Array | Float64Array;
  if (t.dataType === DataType.FLOAT || t.dataType === DataType.DOUBLE) {
    const f32 = t.dataType === DataType.FLOAT;
    const width = f32 ? 4 : 8;
    if (t.rawData !== undefined) {
      if (t.rawData.length !== size * width) {
        throw new RangeError(
          `${what}: raw_data holds ${t.rawData.length} bytes but dims ${shapeStr(t.dims)} of ${
            f32 ? "float" : "double"
          } need ${size * width}`,
        );
      }
      data = f32 ? new Float32Array(size) : new Float64Array(size);
      const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      for (let i = 0; i < size; i++) {
        data[i] = f32 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
      }
    } else {
      const list = (f32 ? t.floatData : t.doubleData) ?? [];
      if (list.length !== size) {
        throw new RangeError(
          `${what} has ${list.length} values but dims ${shapeStr(t.dims)} need ${size}`,
        );
      }
      data = f32 ? Float32Array.from(list) : Float64Array.from(list);
    }
  } else {
    throw new RangeError(
      `${what} has data type ${t.dataType}; only float (1) and double (11) weights are supported`,
    );
  }
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new RangeError(
      `${what} holds the non-finite value ${data[bad]} at flat index ${bad}: the file's weights ` +
        `are broken (a model that diverged in training?)`,
    );
  }
  return new Tensor(data, t.dims);
}

function intAttr(node: NodeProto, name: string, fallback: number): number {
  return node.attribute.find((a) => a.name === name)?.i ?? fallback;
}

function floatAttr(node: NodeProto, name: string, fallback: number, where = ""): number {
  const v = node.attribute.find((a) => a.name === name)?.f ?? fallback;
  if (!Number.isFinite(v)) {
    throw new RangeError(`loadOnnx: ${where} has ${name} = ${v}; expected a finite number`);
  }
  return v;
}

function scaled(t: Tensor, factor: number): Tensor {
  if (factor === 1) return t;
  const out = t.clone();
  for (let i = 0; i < out.data.length; i++) out.data[i] *= factor;
  return out;
}

function transposed(t: Tensor): Tensor {
  const [r, c] = t.shape;
  const out = new Tensor(
    t.dtype === "float32" ? new Float32Array(r * c) : new Float64Array(r * c),
    [c, r],
  );
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out.data[j * r + i] = t.data[i * c + j];
  return out;
}

/** Walks a chain graph node by node, turning nodes into layers. */
class GraphReader {
  readonly layers: LayerSpec[] = [];
  readonly #inits: Map<string, TensorProto>;
  readonly #opset: number;
  readonly #nodes: NodeProto[];
  current: string;
  linear: "gemm" | "matmul" | undefined;

  constructor(graph: GraphProto, input: string, opset: number) {
    this.#inits = new Map(graph.initializer.map((t) => [t.name ?? "", t]));
    this.#nodes = graph.node;
    this.#opset = opset;
    this.current = input;
  }

  #weight(i: number, name: string | undefined, where: string): Tensor {
    const t = name === undefined || name === "" ? undefined : this.#inits.get(name);
    if (t === undefined) {
      throw new RangeError(
        `loadOnnx: ${where} reads "${
          name ?? ""
        }" as input ${i}, which is not an initializer (a Sequential needs constant weights)`,
      );
    }
    return tensorValues(t, `loadOnnx: ${where}`);
  }

  /** Reads every node from `start` on; `current` ends as the name of the last value. */
  read(start = 0): void {
    for (let i = start; i < this.#nodes.length; i++) i = this.#readNode(i);
  }

  /** Reads node `i` (and the Add that follows a MatMul); returns the index of the last node used. */
  #readNode(i: number): number {
    const node = this.#nodes[i];
    const where = nodeLabel(node, i);
    if (node.domain !== undefined && node.domain !== "" && node.domain !== "ai.onnx") {
      throw new RangeError(
        `loadOnnx: ${where} is in domain "${node.domain}", which is not supported`,
      );
    }
    if (node.input[0] !== this.current) {
      throw new RangeError(
        `loadOnnx: ${where} reads "${
          node.input[0] ?? ""
        }" but a Sequential chain needs it to read "${this.current}"`,
      );
    }
    const output = node.output[0];
    let next = i;
    switch (node.opType) {
      case "Gemm":
        this.#gemm(node, where);
        break;
      case "MatMul":
        next = this.#matmul(node, i, where);
        break;
      case "Relu":
      case "Sigmoid":
      case "Tanh":
        this.layers.push({ kind: node.opType.toLowerCase() as "relu" | "sigmoid" | "tanh" });
        break;
      case "Softmax":
      case "LogSoftmax": {
        const axis = intAttr(node, "axis", this.#opset >= 13 ? -1 : 1);
        if (axis !== -1 && axis !== 1) {
          throw new RangeError(
            `loadOnnx: ${where} has axis ${axis}; only the last axis (-1 or 1) is supported`,
          );
        }
        this.layers.push({ kind: node.opType === "Softmax" ? "softmax" : "logsoftmax" });
        break;
      }
      case "Dropout":
        this.#dropout(node, where);
        break;
      case "Flatten": {
        const axis = intAttr(node, "axis", 1);
        if (axis !== 1) {
          throw new RangeError(
            `loadOnnx: ${where} has axis ${axis}; only axis 1 (keep the batch) is supported`,
          );
        }
        this.layers.push({ kind: "flatten" });
        break;
      }
      case "Identity":
        break;
      default:
        throw new RangeError(
          `loadOnnx: ${where}: operator "${node.opType ?? ""}" is not supported (supported: ${
            SUPPORTED_OPS.join(", ")
          })`,
        );
    }
    this.current = this.#nodes[next].output[0] ?? output;
    return next;
  }

  #gemm(node: NodeProto, where: string): void {
    if (intAttr(node, "transA", 0) !== 0) {
      throw new RangeError(`loadOnnx: ${where} has transA = 1, which is not supported`);
    }
    let weight = this.#weight(1, node.input[1], where);
    if (weight.ndim !== 2) {
      throw new RangeError(
        `loadOnnx: ${where} has a weight of shape ${shapeStr(weight.shape)}, expected 2-D`,
      );
    }
    if (intAttr(node, "transB", 0) !== 0) weight = transposed(weight);
    weight = scaled(weight, floatAttr(node, "alpha", 1, where));
    let bias: Tensor | null = null;
    if (node.input[2] !== undefined && node.input[2] !== "") {
      bias = this.#weight(2, node.input[2], where);
      if (bias.size !== weight.shape[1]) {
        throw new RangeError(
          `loadOnnx: ${where} has a bias of shape ${shapeStr(bias.shape)} for ${
            weight.shape[1]
          } outputs; only a per-output bias is supported`,
        );
      }
      bias = scaled(bias.reshape([weight.shape[1]]), floatAttr(node, "beta", 1, where));
    }
    this.linear ??= "gemm";
    this.layers.push({ kind: "linear", weight, bias });
  }

  #matmul(node: NodeProto, i: number, where: string): number {
    const weight = this.#weight(1, node.input[1], where);
    if (weight.ndim !== 2) {
      throw new RangeError(
        `loadOnnx: ${where} has a weight of shape ${shapeStr(weight.shape)}, expected 2-D`,
      );
    }
    const add = this.#nodes[i + 1];
    let bias: Tensor | null = null;
    let last = i;
    if (add?.opType === "Add" && add.input[0] === node.output[0]) {
      const addWhere = nodeLabel(add, i + 1);
      bias = this.#weight(1, add.input[1], addWhere);
      if (bias.size !== weight.shape[1]) {
        throw new RangeError(
          `loadOnnx: ${addWhere} adds a tensor of shape ${shapeStr(bias.shape)} to ${
            weight.shape[1]
          } outputs; only a per-output bias is supported`,
        );
      }
      bias = bias.reshape([weight.shape[1]]);
      last = i + 1;
    }
    this.linear ??= "matmul";
    this.layers.push({ kind: "linear", weight, bias });
    return last;
  }

  #dropout(node: NodeProto, where: string): void {
    if (node.input[2] !== undefined && node.input[2] !== "") {
      throw new RangeError(`loadOnnx: ${where} has a training_mode input, which is not supported`);
    }
    let rate = floatAttr(node, "ratio", 0.5, where); // an attribute before opset 12
    if (node.input[1] !== undefined && node.input[1] !== "") {
      rate = this.#weight(1, node.input[1], where).data[0];
    }
    if (!(rate >= 0 && rate < 1)) {
      throw new RangeError(`loadOnnx: ${where} has dropout ratio ${rate}; expected [0, 1)`);
    }
    this.layers.push({ kind: "dropout", rate });
  }
}

function inputOf(graph: GraphProto): ValueInfoProto {
  const inits = new Set(graph.initializer.map((t) => t.name));
  // Before IR 4 initializers were also listed as inputs: the real input is the one that is not.
  const inputs = graph.input.filter((v) => !inits.has(v.name));
  if (inputs.length !== 1) {
    throw new RangeError(
      `loadOnnx: the graph has ${inputs.length} inputs (${
        inputs.map((v) => `"${v.name}"`).join(", ")
      }); a Sequential has one`,
    );
  }
  return inputs[0];
}

function dtypeOfValue(v: ValueInfoProto): DType {
  const t = v.type?.tensorType?.elemType;
  if (t === DataType.FLOAT) return "float32";
  if (t === DataType.DOUBLE) return "float64";
  throw new RangeError(
    `loadOnnx: input "${v.name}" has element type ${t}; only float (1) and double (11) are supported`,
  );
}

function sampleShape(v: ValueInfoProto): number[] {
  const dims = v.type?.tensorType?.shape?.dim ?? [];
  const rest = dims.slice(1);
  const fixed = (d: { dimValue?: number }) =>
    d.dimValue !== undefined && Number.isSafeInteger(d.dimValue) && d.dimValue > 0;
  if (dims.length < 2 || !rest.every(fixed)) {
    const shown = dims.map((d) => d.dimValue ?? d.dimParam ?? "?").join(",");
    throw new RangeError(
      `loadOnnx: input "${v.name}" has shape [${shown}]; expected [batch, fixed sizes > 0...]`,
    );
  }
  return rest.map((d) => d.dimValue!);
}

/** The default-domain opset version, or throws. */
function opsetOf(model: ModelProto): number {
  const o = model.opsetImport.find((x) =>
    x.domain === undefined || x.domain === "" || x.domain === "ai.onnx"
  );
  if (o?.version === undefined) {
    throw new RangeError(
      "loadOnnx: the model imports no version of the default ONNX operator set (the file may be truncated)",
    );
  }
  if (!(o.version >= MIN_LOAD_OPSET && o.version <= MAX_LOAD_OPSET)) {
    throw new RangeError(
      `loadOnnx: the model uses opset ${o.version}; this reader knows opsets ` +
        `${MIN_LOAD_OPSET} to ${MAX_LOAD_OPSET} (re-export it with one of those)`,
    );
  }
  return o.version;
}

/**
 * Follows one sample's shape through the layers and throws where a Linear layer's input width
 * does not match what reaches it (a file whose input says 7 features but whose weights take 4).
 */
function checkChain(layers: readonly LayerSpec[], inputShape: readonly number[], input: string) {
  let width = shapeSize(inputShape);
  let from = `the input "${input}" [${[BATCH, ...inputShape].join(",")}]`;
  layers.forEach((spec, i) => {
    if (spec.kind !== "linear") return;
    const [nIn, nOut] = spec.weight.shape;
    if (nIn !== width) {
      throw new RangeError(
        `loadOnnx: ${describe(spec, i)} takes ${nIn} features per sample but ${from} gives ` +
          `${width}`,
      );
    }
    width = nOut;
    from = describe(spec, i);
  });
}

/**
 * Reads the layer chain of an ONNX model: the inverse of {@link layersToModelProto}, and it also
 * accepts PyTorch's `Gemm` with `transB = 1`, `alpha`/`beta` scales and `MatMul` + `Add`.
 * @throws RangeError naming the node and operator that a Sequential cannot represent.
 */
export function modelProtoToLayers(model: ModelProto): ReadGraph {
  const graph = model.graph;
  if (graph === undefined || graph.node.length === 0) {
    throw new RangeError("loadOnnx: the model has no graph nodes (the file may be truncated)");
  }
  const opset = opsetOf(model);
  const input = inputOf(graph);
  const dtype = dtypeOfValue(input);
  const inputShape = sampleShape(input);
  const metadata = Object.fromEntries(model.metadataProps.map((e) => [e.key ?? "", e.value ?? ""]));
  const front = readPixelNodes(graph, input.name ?? "", inputShape, metadata);
  const reader = new GraphReader(graph, front.current, opset);
  reader.read(front.next);
  // A pixel front end may transpose, but keeps the number of values per sample.
  checkChain(reader.layers, inputShape, input.name ?? "");
  const output = graph.output.map((v) => v.name);
  if (output.length !== 1 || output[0] !== reader.current) {
    throw new RangeError(
      `loadOnnx: the graph outputs [${
        output.map((n) => `"${n}"`).join(", ")
      }] but its chain ends in "${reader.current}"`,
    );
  }
  const networkShape = front.pixels === undefined ? inputShape : checkPixelInput(front.pixels);
  const options: ReadGraph["options"] = {
    inputShape: networkShape,
    dtype,
    opset,
    name: graph.name,
    docString: model.docString,
    linear: reader.linear,
    metadata,
  };
  if (front.pixels !== undefined) options.pixels = front.pixels;
  return { layers: reader.layers, inputShape: networkShape, dtype, options };
}
