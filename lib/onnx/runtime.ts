/**
 * Inference on an ONNX model with ONNX Runtime: the native `onnxruntime-node` or the WebAssembly
 * build of `onnxruntime-web` (what a web page runs).
 *
 * ONNX Runtime's `run()` is asynchronous, so {@link runOnnx} returns a promise. The runtimes are
 * imported on first use: importing `lib/onnx` does not load a native library.
 *
 * @module
 */

import { type DType, shapeStr, Tensor } from "../tensor/tensor.ts";
import type { OrtModule, OrtSession, OrtTensor } from "../../kernels/ort_types.ts";
import { DataType, decodeModel } from "./onnx_proto.ts";
import { importOrtNode, importOrtWeb } from "../../kernels/deps.ts";

/** Which ONNX Runtime build runs the model. */
export type OnnxBackend = "ort-node" | "ort-wasm";

/** Options of {@link runOnnx}. */
export interface RunOnnxOptions {
  /** `"ort-node"` (native, the default) or `"ort-wasm"` (onnxruntime-web's WebAssembly). */
  backend?: OnnxBackend;
}

const runtimes = new Map<OnnxBackend, Promise<OrtModule>>();

async function importRuntime(backend: OnnxBackend): Promise<OrtModule> {
  if (backend === "ort-node") return (await importOrtNode()) as unknown as OrtModule;
  const ort = await importOrtWeb();
  // One thread: the multi-threaded build needs cross-origin isolation in browsers and workers
  // here, and the models of the assignments are small.
  ort.env.wasm.numThreads = 1;
  return ort as unknown as OrtModule;
}

function runtime(backend: OnnxBackend): Promise<OrtModule> {
  let r = runtimes.get(backend);
  if (r === undefined) {
    r = importRuntime(backend);
    runtimes.set(backend, r);
  }
  return r;
}

/** Sessions per model bytes and backend: creating one parses and optimizes the graph. */
const sessions = new WeakMap<Uint8Array, Map<OnnxBackend, Promise<OrtSession>>>();

function session(bytes: Uint8Array, backend: OnnxBackend): Promise<OrtSession> {
  let perBackend = sessions.get(bytes);
  if (perBackend === undefined) {
    perBackend = new Map();
    sessions.set(bytes, perBackend);
  }
  let s = perBackend.get(backend);
  if (s === undefined) {
    s = runtime(backend).then((ort) => ort.InferenceSession.create(bytes));
    perBackend.set(backend, s);
  }
  return s;
}

const inputDTypes = new WeakMap<Uint8Array, DType>();

/** The element type of the model's (first) input, read from the file once per byte array. */
function inputDType(bytes: Uint8Array): DType {
  let dtype = inputDTypes.get(bytes);
  if (dtype === undefined) {
    const input = decodeModel(bytes).graph?.input[0];
    dtype = input?.type?.tensorType?.elemType === DataType.DOUBLE ? "float64" : "float32";
    inputDTypes.set(bytes, dtype);
  }
  return dtype;
}

/**
 * Runs an ONNX model (its bytes, or a path to an `.onnx` file) on a batch and returns the output.
 *
 * The input is converted to the model's input element type when they differ. Sessions are cached
 * per byte array, so calling again with the same `Uint8Array` does not reload the model.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, Sequential } from "@dlfs/deno-dl/nn";
 * import { runOnnx, toOnnx } from "@dlfs/deno-dl/onnx";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const model = new Sequential([new Linear(4, 2, { rng: defaultRng(0) })]);
 * const x = tensor([[1, 2, 3, 4]]);
 * const y = await runOnnx(toOnnx(model, { inputShape: [4] }), x); // onnxruntime-node
 * const expected = model.forward(x); // the same numbers, to float32 precision
 * for (let i = 0; i < 2; i++) assert.ok(Math.abs(y.data[i] - expected.data[i]) < 1e-5);
 * ```
 */
export async function runOnnx(
  model: Uint8Array | string | URL,
  input: Tensor,
  options: RunOnnxOptions = {},
): Promise<Tensor> {
  const backend = options.backend ?? "ort-node";
  if (backend !== "ort-node" && backend !== "ort-wasm") {
    throw new RangeError(`runOnnx: unknown backend "${backend}": use "ort-node" or "ort-wasm"`);
  }
  const bytes = model instanceof Uint8Array ? model : await Deno.readFile(model);
  const dtype = inputDType(bytes);
  const ort = await runtime(backend);
  const s = await session(bytes, backend);
  const data = dtype === input.dtype
    ? input.data
    : (dtype === "float32" ? Float32Array.from(input.data) : Float64Array.from(input.data));
  const feed = new ort.Tensor(dtype, data, [...input.shape]);
  let result: Record<string, OrtTensor>;
  try {
    result = await s.run({ [s.inputNames[0]]: feed });
  } catch (e) {
    throw new Error(
      `runOnnx (${backend}): running the model on an input of shape ${
        shapeStr(input.shape)
      } failed: ${(e as Error).message}`,
    );
  }
  const out = result[s.outputNames[0]];
  if (!(out.data instanceof Float32Array || out.data instanceof Float64Array)) {
    throw new TypeError(`runOnnx (${backend}): output type ${out.type} is not float32 or float64`);
  }
  return new Tensor(out.data, out.dims.map(Number));
}
