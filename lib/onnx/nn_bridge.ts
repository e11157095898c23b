/**
 * Between `lib/nn` modules and {@link LayerSpec} records: which layer becomes which ONNX node.
 *
 * | lib/nn                          | LayerSpec        | ONNX                      |
 * | ------------------------------- | ---------------- | ------------------------- |
 * | `Linear` (bias or not)          | `linear`         | `Gemm` or `MatMul`+`Add`  |
 * | `ReLU`, `Sigmoid`, `Tanh`       | `relu`, ...      | `Relu`, `Sigmoid`, `Tanh` |
 * | `Softmax`, `LogSoftmax` (rows)  | `softmax`, ...   | same, `axis = -1`         |
 * | `Dropout`                       | `dropout`        | `Dropout` (inference)     |
 * | a nested `Sequential`           | its layers       |                           |
 * | (input flattening)              | `flatten`        | `Flatten`                 |
 *
 * `lib/nn` has no flatten layer: its `Linear` takes `[batch, nIn]` and the data loaders flatten
 * images. So on load a `Flatten` node (a reshape) is dropped, and exporting again with
 * `inputShape` (which {@link readOnnx} returns) puts it back.
 *
 * @module
 */
import { Tensor } from "../tensor/tensor.ts";
import {
  Dropout,
  Linear,
  LogSoftmax,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from "../nn/mod.ts";
import type { LayerSpec } from "./graph.ts";

/** What {@link toOnnx} exports: a `Sequential` (or one layer), or layer records. */
export type OnnxExportable = Module | readonly LayerSpec[];

const SUPPORTED = "Linear, ReLU, Sigmoid, Tanh, Softmax, LogSoftmax, Dropout, Sequential";

function layerName(m: Module): string {
  return String(m).split("\n")[0] || m.constructor.name;
}

/** The record of one module, or throws naming it. */
function specOf(m: Module, index: string): LayerSpec[] {
  if (m instanceof Sequential) {
    return m.layers.flatMap((inner, i) => specOf(inner, `${index}.${i}`));
  }
  if (m instanceof Linear) return [{ kind: "linear", weight: m.weight, bias: m.bias }];
  if (m instanceof ReLU) return [{ kind: "relu" }];
  if (m instanceof Sigmoid) return [{ kind: "sigmoid" }];
  if (m instanceof Tanh) return [{ kind: "tanh" }];
  if (m instanceof Dropout) return [{ kind: "dropout", rate: m.p }];
  if (m instanceof Softmax || m instanceof LogSoftmax) {
    // The activations reaching a softmax are [batch, classes]: axis 1 is the last axis.
    if (m.axis !== -1 && m.axis !== 1) {
      throw new RangeError(
        `toOnnx: layer ${index} (${layerName(m)}) is not supported: ONNX export needs one row ` +
          `per sample (axis -1); a classes-by-samples model (axis 0) must be transposed first`,
      );
    }
    return [{ kind: m instanceof Softmax ? "softmax" : "logsoftmax" }];
  }
  throw new TypeError(
    `toOnnx: layer ${index} (${layerName(m)}) is not supported; ONNX export handles ${SUPPORTED}`,
  );
}

/** The layer records of a model; records pass through unchanged. */
export function toLayerSpecs(model: OnnxExportable): readonly LayerSpec[] {
  if (Array.isArray(model)) return model as readonly LayerSpec[];
  const m = model as Module;
  return m instanceof Sequential
    ? m.layers.flatMap((layer, i) => specOf(layer, `${i}`))
    : specOf(m, "0");
}

/** A `lib/nn` layer holding a copy-free view of the weights (in their own dtype). */
function moduleOf(spec: LayerSpec): Module | null {
  switch (spec.kind) {
    case "linear": {
      const [nIn, nOut] = spec.weight.shape;
      const dtype = spec.weight.dtype;
      const layer = new Linear(nIn, nOut, { init: "zeros", bias: spec.bias !== null, dtype });
      layer.weight = spec.weight;
      if (spec.bias !== null) layer.bias = new Tensor(spec.bias.data, [nOut]);
      return layer;
    }
    case "relu":
      return new ReLU();
    case "sigmoid":
      return new Sigmoid();
    case "tanh":
      return new Tanh();
    case "softmax":
      return new Softmax();
    case "logsoftmax":
      return new LogSoftmax();
    case "dropout":
      return new Dropout(spec.rate);
    case "flatten":
      return null; // a reshape: lib/nn's Linear reads [batch, n] (see the module comment)
  }
}

/**
 * A `Sequential` of `lib/nn` layers from records, in evaluation mode (dropout off).
 * @throws RangeError when nothing but flattening is left.
 */
export function fromLayerSpecs(layers: readonly LayerSpec[]): Sequential {
  const modules = layers.map(moduleOf).filter((m): m is Module => m !== null);
  if (modules.length === 0) {
    throw new RangeError("loadOnnx: the model has no layer that a Sequential can hold");
  }
  return new Sequential(modules).eval();
}
