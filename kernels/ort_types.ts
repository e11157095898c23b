/**
 * The part of ONNX Runtime's JavaScript API this project calls, as types: onnxruntime-node and
 * onnxruntime-web both implement it. The packages are imported dynamically (so that importing the
 * library loads no native code) and cast to these; one set serves the kernels' bridge worker and
 * lib/onnx's `runOnnx`.
 *
 * @module
 */

/** Element types used here (ONNX Runtime's `"float32"` and `"float64"` tensors). */
export type OrtElementType = "float32" | "float64";

/** An `ort.Tensor`: typed data with dimensions. */
export interface OrtTensor {
  /** The elements (a Float32Array or Float64Array for the element types used here). */
  readonly data: unknown;
  /** Size of each axis. */
  readonly dims: readonly number[];
  /** Element type name, e.g. `"float32"`. */
  readonly type: string;
}

/** An `ort.InferenceSession`. */
export interface OrtSession {
  /** Names of the model's inputs, in order. */
  readonly inputNames: readonly string[];
  /** Names of the model's outputs, in order. */
  readonly outputNames: readonly string[];
  /** Runs the model on named inputs; resolves to the named outputs. */
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}

/** The module object (`import * as ort from "onnxruntime-node"` or `"onnxruntime-web"`). */
export interface OrtModule {
  /** `new ort.Tensor(type, data, dims)`. */
  Tensor: new (
    type: OrtElementType,
    data: Float32Array | Float64Array,
    dims: number[],
  ) => OrtTensor;
  /** `ort.InferenceSession.create(modelBytes, sessionOptions)`. */
  InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtSession> };
  /** Global settings: WebAssembly threads and proxy worker, log level. */
  env: { wasm: { numThreads?: number; proxy?: boolean }; logLevel?: string };
}
