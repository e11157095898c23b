/**
 * The `ort-node` backend: onnxruntime-node's native CPU provider, called synchronously.
 *
 * onnxruntime-node's public `InferenceSession.run()` returns a Promise, but underneath it the native
 * binding's `run()` is synchronous (the package wraps it in `setImmediate`). Calling the binding directly
 * gives a synchronous gemm on the main thread with no worker and no copies: the input tensors wrap the
 * caller's arrays and, when `alpha = 1, beta = 0`, the output tensor wraps `C` itself (a pre-allocated
 * output). Measured here this beats the Worker bridge by its round trip and two copies per call.
 *
 * The binding is an internal module of onnxruntime-node (pinned in deno.json); if it cannot be loaded
 * this way (a different version, no `node_modules`), the backend falls back to the same package behind
 * the Worker bridge (`ort_bridge.ts`).
 *
 * @module
 */
import type { Backend, BackendFactory, FloatArray, GemmCall, KernelDType } from "./types.ts";
import { dtypeOf, validateGemm } from "./types.ts";
import { scaleInPlace, storeScaled } from "./epilogue.ts";
import { gemmModel } from "./onnx_gemm_model.ts";
import { createOrtBridgeBackend } from "./ort_bridge.ts";
import { granted } from "./permissions.ts";
import type { OrtModule } from "./ort_types.ts";
import { requireOrtNode } from "./node_modules_deps.ts";

/** The few members of onnxruntime-node's native binding used here (dist/binding.d.ts). */
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, unknown>, options: object): void;
  dispose(): void;
}

interface NativeBinding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

type TensorConstructor = OrtModule["Tensor"];

/** Options of {@link createOrtNodeBackend}. */
export interface OrtNodeOptions {
  /** Intra-op threads (default: ONNX Runtime's choice, one per physical core). */
  numThreads?: number;
  /**
   * Whether ONNX Runtime's threads spin after a product waiting for the next one (default false: on a
   * small machine spinning threads steal the cores from the element-wise JavaScript between products).
   */
  spinning?: boolean;
}

/** Loads the native binding synchronously (createRequire), or throws why not. */
function loadBinding(): { native: NativeBinding; Tensor: TensorConstructor } {
  const { binding, ort } = requireOrtNode();
  const native = binding as NativeBinding;
  const { Tensor } = ort as { Tensor: TensorConstructor };
  native.initOrt();
  return { native, Tensor };
}

function sessionOptions(options: OrtNodeOptions): object {
  const spin = options.spinning ? "1" : "0";
  return {
    executionProviders: ["cpu"],
    ...(options.numThreads ? { intraOpNumThreads: options.numThreads } : {}),
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
}

/** Builds the synchronous backend over the native binding; throws when the binding does not load. */
function createDirect(options: OrtNodeOptions): Backend {
  const { native, Tensor } = loadBinding();
  const sessions = new Map<string, NativeSession>();
  const scratch: Partial<Record<KernelDType, FloatArray>> = {};
  const opts = sessionOptions(options);

  function session(dtype: KernelDType, transA: boolean, transB: boolean): NativeSession {
    const key = `${dtype}/${transA}/${transB}`;
    let s = sessions.get(key);
    if (!s) {
      // One session per (dtype, transA, transB); its dims are symbolic, so it serves every shape.
      s = new native.binding.InferenceSession();
      const model = gemmModel({ dtype, transA, transB });
      s.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, opts);
      sessions.set(key, s);
    }
    return s;
  }

  /** A reusable output buffer of at least `size` elements (grown, never shrunk). */
  function scratchFor(dtype: KernelDType, size: number): FloatArray {
    let y = scratch[dtype];
    if (!y || y.length < size) {
      y = dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
      scratch[dtype] = y;
    }
    return y;
  }

  function gemm(call: GemmCall): void {
    validateGemm(call);
    const { transA, transB, m, n, k, alpha, a, b, beta, c } = call;
    if (m === 0 || n === 0) return;
    if (k === 0 || alpha === 0) return scaleInPlace(c, m * n, beta);
    const dtype = dtypeOf(c);
    const A = new Tensor(dtype, a.subarray(0, m * k), transA ? [k, m] : [m, k]);
    const B = new Tensor(dtype, b.subarray(0, k * n), transB ? [n, k] : [k, n]);
    // Write straight into C when nothing is left to do afterwards; else into scratch, then fold in.
    const direct = alpha === 1 && beta === 0;
    const y = direct ? c.subarray(0, m * n) : scratchFor(dtype, m * n).subarray(0, m * n);
    session(dtype, transA, transB).run({ A, B }, { Y: new Tensor(dtype, y, [m, n]) }, {});
    if (!direct) storeScaled(y, c, { size: m * n, alpha, beta });
  }

  return { name: "ort-node", supports: () => true, gemm };
}

/**
 * Creates the `ort-node` backend: direct synchronous binding when it loads, else the Worker bridge.
 * @throws Error saying why neither works (e.g. onnxruntime-node is not installed).
 */
export function createOrtNodeBackend(options: OrtNodeOptions = {}): Backend {
  if (!granted({ name: "ffi" })) {
    throw new Error("loading onnxruntime-node (a native addon) needs --allow-ffi");
  }
  try {
    return createDirect(options);
  } catch (direct) {
    if (
      direct instanceof Deno.errors.NotCapable || direct instanceof Deno.errors.PermissionDenied
    ) {
      throw new Error("loading onnxruntime-node (a native addon) needs --allow-ffi");
    }
    try {
      return createOrtBridgeBackend("node", { name: "ort-node", numThreads: options.numThreads });
    } catch (bridged) {
      const why = (e: unknown) => (e instanceof Error ? e.message.split("\n")[0] : String(e));
      throw new Error(
        `onnxruntime-node did not load (direct: ${why(direct)}; worker: ${why(bridged)})`,
      );
    }
  }
}

/** Registry entry of the `ort-node` backend. */
export const ortNodeFactory: BackendFactory = {
  name: "ort-node",
  description: "onnxruntime-node native CPU provider, synchronous binding, zero copy",
  create: () => createOrtNodeBackend(),
};
