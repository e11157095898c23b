/**
 * ONNX export and import of trained models, and inference through ONNX Runtime.
 *
 * ```ts
 * import { loadOnnx, runOnnx, saveOnnx, toOnnx } from "./lib/onnx/mod.ts";
 * const bytes = toOnnx(model, { inputShape: [1, 28, 28] }); // Uint8Array, an .onnx file
 * const y = await runOnnx(bytes, x, { backend: "ort-wasm" }); // as onnxruntime-web computes it
 * const copy = loadOnnx(bytes); // a Sequential with the same weights
 * ```
 *
 * For a web page, `toOnnx(model, { pixels: { shape: [28, 28], divideBy: 255 }, softmax: true })`
 * puts the preprocessing in the graph (raw pixels 0..255 in, probabilities out) and `saveOnnxSamples`
 * writes test samples beside the file (`web.ts`).
 *
 * The protobuf encoding is this folder's own (`protobuf.ts`, `onnx_proto.ts`): a few hundred lines
 * for the nine messages a feed-forward network needs.
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
export { ProtobufError, ProtoReader, ProtoWriter } from "./protobuf.ts";
export {
  type OnnxSamples,
  type PixelInput,
  preprocessPixels,
  samplesPath,
  type SamplesToSave,
  saveOnnxSamples,
} from "./web.ts";
