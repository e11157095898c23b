/**
 * `toOnnx`, `saveOnnx` and `loadOnnx`: a trained `Sequential` to an `.onnx` file and back.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, ReLU, Sequential, Softmax } from "@dlfs/deno-dl/nn";
 * import { loadOnnx, saveOnnx, toOnnx } from "@dlfs/deno-dl/onnx";
 * import { defaultRng } from "@dlfs/deno-dl/random";
 * import { ones } from "@dlfs/deno-dl/tensor";
 *
 * const rng = defaultRng(0);
 * const model = new Sequential([
 *   new Linear(4, 3, { rng }), new ReLU(), new Linear(3, 2, { rng }), new Softmax(),
 * ]);
 * const bytes = toOnnx(model, { inputShape: [4], docString: "lr 0.1, 10 epochs" }); // an .onnx file
 * assert.ok(bytes.length > 100);
 * const dir = await Deno.makeTempDir();
 * await saveOnnx(model, `${dir}/model.onnx`, { inputShape: [4] });
 * const again = loadOnnx(`${dir}/model.onnx`); // a Sequential, weights rounded to float32
 * const [a, b] = [again.forward(ones([1, 4])).data, model.forward(ones([1, 4])).data];
 * assert.ok(Math.abs(a[0] - b[0]) < 1e-6 && Math.abs(a[1] - b[1]) < 1e-6);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import { decodeModel, encodeModel, type ModelProto } from "./onnx_proto.ts";
import { ProtobufError } from "../../kernels/protobuf.ts";
import {
  type GraphOptions,
  layersToModelProto,
  modelProtoToLayers,
  type ReadGraph,
} from "./graph.ts";
import { fromLayerSpecs, type OnnxExportable, toLayerSpecs } from "./nn_bridge.ts";
import type { Sequential } from "../nn/mod.ts";
import { toPath, writeFileAtomic } from "../files/atomic.ts";

/** Options of {@link toOnnx} and {@link saveOnnx}. */
export type ToOnnxOptions = GraphOptions;

/**
 * Exports a model to the bytes of an ONNX file (a `ModelProto`, IR 8, opset 17 by default).
 *
 * Dense layers become `Gemm` nodes (or `MatMul` + `Add` with `linear: "matmul"`), activations
 * their ONNX operators, dropout an inference-time `Dropout`. The batch dimension is symbolic
 * (`batch`). Weights are stored as float32 unless `dtype: "float64"` is asked for.
 * @throws Error naming a layer that ONNX export does not support, or whose shapes do not chain.
 */
export function toOnnx(model: OnnxExportable, options: ToOnnxOptions = {}): Uint8Array {
  return encodeModel(layersToModelProto(toLayerSpecs(model), options));
}

/**
 * Writes {@link toOnnx}'s bytes to `path` (a path or a `file:` URL) atomically: to a temporary
 * file in the same folder, then renamed over `path`, so that a reader never sees half a file.
 * @throws TypeError for a URL that is not a `file:` URL (nothing is uploaded).
 */
export async function saveOnnx(
  model: OnnxExportable,
  path: string | URL,
  options: ToOnnxOptions = {},
): Promise<void> {
  const target = toPath("saveOnnx", path);
  const bytes = toOnnx(model, options);
  await writeFileAtomic(target, bytes, { op: "saveOnnx" });
}

/**
 * Parses an ONNX file into its messages, turning protobuf errors (a truncated or corrupt file)
 * into one that says so and where.
 */
export function readOnnxProto(bytes: Uint8Array): ModelProto {
  try {
    return decodeModel(bytes);
  } catch (e) {
    if (e instanceof ProtobufError) {
      throw new RangeError(
        `loadOnnx: cannot read the ONNX model (${bytes.length} bytes, truncated or corrupt): model > ${e.message}`,
      );
    }
    throw e;
  }
}

function readBytes(source: Uint8Array | string | URL): Uint8Array {
  return source instanceof Uint8Array ? source : Deno.readFileSync(toPath("loadOnnx", source));
}

/**
 * Reads the layers, input shape, dtype and export options of an ONNX file without building a
 * `Sequential`: what {@link loadOnnx} uses, and what re-exports the same file
 * (`toOnnx(loadOnnx(b), readOnnx(b).options)` gives back `b` for a file this library wrote).
 */
export function readOnnx(source: Uint8Array | string | URL): ReadGraph {
  const bytes = readBytes(source);
  return modelProtoToLayers(readOnnxProto(bytes));
}

/**
 * Loads an ONNX file (bytes or a path) as a `Sequential` of `lib/nn` layers, in evaluation mode.
 *
 * Reads the operators {@link toOnnx} writes, and also PyTorch's dense exports (`Gemm` with
 * `transB = 1`). Weights keep the file's dtype.
 * @throws RangeError for a truncated or corrupt file, or naming the node and operator that a
 * `Sequential` cannot represent.
 */
export function loadOnnx(source: Uint8Array | string | URL): Sequential {
  return fromLayerSpecs(readOnnx(source).layers);
}
