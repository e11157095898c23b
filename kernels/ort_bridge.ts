/**
 * The synchronous bridge to ONNX Runtime: `ort-wasm` and `ort-webgpu` (and `ort-node` when its binding
 * cannot be called directly).
 *
 * ONNX Runtime's `run()` is asynchronous, but `lib/` is synchronous. The sessions therefore live in a
 * Worker (`ort_worker.ts`); a call copies A and B into a SharedArrayBuffer, flips a state word and
 * blocks in `Atomics.wait` until the worker has written Y next to them, then folds alpha and beta into
 * the copy of Y into C (see `epilogue.ts`). The worker keeps one session per (dtype, transA, transB)
 * with symbolic dims, so no session is built per call.
 *
 * Copies per call: A and B into shared memory (the caller's arrays are not shared), Y out of it.
 * ONNX Runtime Web adds its own copies into and out of the WebAssembly heap or the GPU.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import type { Backend, FloatArray, GemmCall, KernelDType } from "./types.ts";
import { dtypeOf, validateGemm } from "./types.ts";
import { scaleInPlace, storeScaled } from "./epilogue.ts";
import { envFlag } from "./permissions.ts";
import type { DataMessage, OrtProvider, WorkerInit } from "./ort_protocol.ts";
import {
  CTRL,
  CTRL_SLOTS,
  dataLayout,
  ERROR_BYTES,
  STATE,
  WEBGPU_FALLBACK_ENV_VAR,
} from "./ort_protocol.ts";

/** Options of {@link createOrtBridgeBackend}. */
export interface OrtBridgeOptions {
  /** Registry name of the backend (default `ort-<provider>`). */
  name?: string;
  /** Threads for the WebAssembly provider (default: `navigator.hardwareConcurrency`). */
  numThreads?: number;
  /** How long to wait for the worker to load ONNX Runtime, in ms (default 60 s). */
  startTimeoutMs?: number;
  /** How long one product may take before the call throws, in ms (default 10 min). */
  callTimeoutMs?: number;
  /**
   * WebGPU: accept a software adapter such as Mesa's llvmpipe (default: the environment variable
   * `DENO_KERNELS_WEBGPU_FALLBACK=1`; otherwise such an adapter counts as no GPU).
   */
  allowFallbackAdapter?: boolean;
}

/** A backend served by a worker; `close()` stops the worker (the backend is unusable afterwards). */
export interface BridgeBackend extends Backend {
  /** Terminates the worker. */
  close(): void;
}

/** Blocks until the state word leaves `from`; throws after `timeoutMs`. */
function waitWhile(ctrl: Int32Array, from: number, timeoutMs: number, what: string): number {
  const deadline = performance.now() + timeoutMs;
  let state = Atomics.load(ctrl, CTRL.state);
  while (state === from) {
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new Error(`${what}: no answer from the ONNX Runtime worker in ${timeoutMs} ms`);
    }
    Atomics.wait(ctrl, CTRL.state, from, left);
    state = Atomics.load(ctrl, CTRL.state);
  }
  return state;
}

function errorText(ctrl: Int32Array, error: Uint8Array): string {
  return new TextDecoder().decode(error.slice(0, ctrl[CTRL.errorLength]));
}

/**
 * Starts a worker hosting ONNX Runtime with the given provider and returns a synchronous backend.
 * Blocks until the worker has loaded the runtime and run a 1x1 product.
 * @throws Error with the worker's reason (package missing, no GPU adapter, no threads, timeout).
 */
export function createOrtBridgeBackend(
  provider: OrtProvider,
  options: OrtBridgeOptions = {},
): BridgeBackend {
  const name = options.name ?? `ort-${provider}`;
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_SLOTS * 4));
  const error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  ctrl[CTRL.state] = STATE.starting;
  const init: WorkerInit = {
    provider,
    ctrl,
    error,
    numThreads: options.numThreads ?? navigator.hardwareConcurrency ?? 1,
    allowFallbackAdapter: options.allowFallbackAdapter ?? envFlag(WEBGPU_FALLBACK_ENV_VAR),
  };
  const worker = new Worker(new URL("./ort_worker.ts", import.meta.url), { workerData: init });
  // An idle bridge must not keep the process (or a test) alive.
  worker.unref();
  let state: number;
  try {
    state = waitWhile(ctrl, STATE.starting, options.startTimeoutMs ?? 60_000, `${name} start`);
  } catch (err) {
    worker.terminate();
    throw err;
  }
  if (state === STATE.error) {
    const why = errorText(ctrl, error);
    worker.terminate();
    throw new Error(why);
  }

  let data = new SharedArrayBuffer(0);
  let generation = -1;
  let closed = false;
  const callTimeoutMs = options.callTimeoutMs ?? 600_000;

  /** Makes sure the shared data buffer holds `bytes`; a new one is posted to the worker. */
  function reserve(bytes: number): void {
    if (data.byteLength >= bytes) return;
    data = new SharedArrayBuffer(Math.max(bytes, Math.floor(data.byteLength * 1.5)));
    generation++;
    const msg: DataMessage = { type: "data", buffer: data, generation };
    worker.postMessage(msg);
  }

  function view(dtype: KernelDType, offset: number, length: number): FloatArray {
    return dtype === "float32"
      ? new Float32Array(data, offset * 4, length)
      : new Float64Array(data, offset * 8, length);
  }

  function gemm(call: GemmCall): void {
    validateGemm(call);
    if (closed) throw new Error(`${name} gemm: the backend was closed`);
    const { transA, transB, m, n, k, alpha, a, b, beta, c } = call;
    if (m === 0 || n === 0) return;
    if (k === 0 || alpha === 0) return scaleInPlace(c, m * n, beta);
    const dtype = dtypeOf(c);
    const at = dataLayout(m, n, k);
    reserve(at.end * (dtype === "float32" ? 4 : 8));
    view(dtype, at.a, m * k).set(a.subarray(0, m * k));
    view(dtype, at.b, k * n).set(b.subarray(0, k * n));
    ctrl[CTRL.dtype] = dtype === "float32" ? 0 : 1;
    ctrl[CTRL.transA] = transA ? 1 : 0;
    ctrl[CTRL.transB] = transB ? 1 : 0;
    ctrl[CTRL.m] = m;
    ctrl[CTRL.n] = n;
    ctrl[CTRL.k] = k;
    ctrl[CTRL.generation] = generation;
    Atomics.store(ctrl, CTRL.state, STATE.request);
    Atomics.notify(ctrl, CTRL.state);
    let state: number;
    try {
      state = waitWhile(ctrl, STATE.request, callTimeoutMs, `${name} gemm ${m}x${n}x${k}`);
    } catch (err) {
      // The worker is stuck mid-request: it cannot serve another one, so stop it.
      closed = true;
      worker.terminate();
      throw err;
    }
    if (state === STATE.error) {
      throw new Error(`${name} gemm ${m}x${n}x${k} ${dtype} failed: ${errorText(ctrl, error)}`);
    }
    storeScaled(view(dtype, at.y, m * n), c, { size: m * n, alpha, beta });
  }

  return {
    name,
    supports: (dtype: KernelDType) => provider !== "webgpu" || dtype === "float32",
    gemm,
    close() {
      closed = true;
      worker.terminate();
    },
  };
}
