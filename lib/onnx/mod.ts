/**
 * ONNX export and import of trained models, and inference through ONNX Runtime.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, Sequential, Sigmoid } from "@dlfs/deno-dl/nn";
 * import { loadOnnx, runOnnx, toOnnx } from "@dlfs/deno-dl/onnx";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const model = new Sequential([new Linear(3, 1, { rng: defaultRng(0) }), new Sigmoid()]);
 * const x = tensor([[1, 2, 3], [0, 0, 0]]);
 * const bytes = toOnnx(model, { inputShape: [3] }); // Uint8Array, an .onnx file
 * const y = await runOnnx(bytes, x, { backend: "ort-wasm" }); // as onnxruntime-web computes it
 * const copy = loadOnnx(bytes); // a Sequential with the same weights, rounded to float32
 * const ours = model.forward(x);
 * assert.ok(Math.abs(y.data[0] - ours.data[0]) < 1e-6); // float32 precision
 * assert.ok(Math.abs(copy.forward(x).data[1] - ours.data[1]) < 1e-6);
 * ```
 *
 * For a web page, `toOnnx(model, { pixels: { shape: [28, 28], divideBy: 255 }, softmax: true })`
 * puts the preprocessing in the graph (raw pixels 0..255 in, probabilities out) and `saveOnnxSamples`
 * writes test samples beside the file (`web.ts`).
 *
 * The protobuf encoding is this project's own (`onnx_proto.ts` over `kernels/protobuf.ts`, the
 * writer and reader the kernels' one-node Gemm models use too): a few hundred lines for the nine
 * messages a feed-forward network needs.
 *
 * @module
 */
export {
  loadOnnx,
  readOnnx,
  readOnnxProto,
  saveOnnx,
  toOnnx,
  type ToOnnxOptions,
} from "./export.ts";
export { type OnnxBackend, runOnnx, type RunOnnxOptions } from "./runtime.ts";
export {
  DEFAULT_OPSET,
  type GraphOptions,
  IR_VERSION,
  type LayerSpec,
  layersToModelProto,
  modelProtoToLayers,
  PRODUCER_NAME,
  PRODUCER_VERSION,
  type ReadGraph,
} from "./graph.ts";
export { fromLayerSpecs, type OnnxExportable, toLayerSpecs } from "./nn_bridge.ts";
export {
  type AttributeProto,
  AttributeType,
  DataType,
  decodeModel,
  type DimensionProto,
  encodeModel,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type OperatorSetIdProto,
  type StringStringEntryProto,
  type TensorProto,
  type TypeProto,
  type ValueInfoProto,
} from "./onnx_proto.ts";
export { ProtobufError, ProtoReader, ProtoWriter } from "../../kernels/protobuf.ts";
export {
  type OnnxSamples,
  type PixelInput,
  preprocessPixels,
  samplesPath,
  type SamplesToSave,
  saveOnnxSamples,
} from "./web.ts";
