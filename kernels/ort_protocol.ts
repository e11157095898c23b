/**
 * The shared-memory protocol between the synchronous bridge (`ort_bridge.ts`, main thread) and the
 * ONNX Runtime worker (`ort_worker.ts`).
 *
 * A small `Int32Array` on a SharedArrayBuffer carries a state word and the request; the operands and
 * the result travel in a second, growable-by-replacement SharedArrayBuffer. The main thread blocks in
 * `Atomics.wait` (allowed on Deno's main thread and in the Jupyter kernel); the worker sleeps in
 * `Atomics.waitAsync`, so its event loop stays free for ONNX Runtime's own promises and threads.
 *
 * @module
 */

/** Environment variable that lets `ort-webgpu` run on a software (fallback) adapter such as llvmpipe. */
export const WEBGPU_FALLBACK_ENV_VAR = "DENO_KERNELS_WEBGPU_FALLBACK";

/** Execution providers the worker can host. */
export type OrtProvider = "node" | "wasm" | "webgpu";

/** Index of each field in the control array. */
export const CTRL = {
  /** One of {@link STATE}. */
  state: 0,
  /** 0 = float32, 1 = float64. */
  dtype: 1,
  transA: 2,
  transB: 3,
  m: 4,
  n: 5,
  k: 6,
  /** Generation of the data buffer the request uses (see the "data" message). */
  generation: 7,
  /** Byte length of the UTF-8 error message in the error buffer. */
  errorLength: 8,
} as const;

/** Number of Int32 slots in the control array. */
export const CTRL_SLOTS = 16;

/** Values of the state word. */
export const STATE = {
  /** The worker is loading ONNX Runtime. */
  starting: 0,
  /** The worker is idle; the last request (if any) succeeded. */
  ready: 1,
  /** The main thread posted a request. */
  request: 2,
  /** The worker is idle; the last request (or the start-up) failed; the message is in the error buffer. */
  error: 3,
} as const;

/** Bytes reserved for an error message. */
export const ERROR_BYTES = 4096;

/** What the worker receives at start-up (`workerData`). */
export interface WorkerInit {
  provider: OrtProvider;
  ctrl: Int32Array;
  error: Uint8Array;
  numThreads: number;
  /** Accept a software WebGPU adapter (e.g. Mesa's llvmpipe); by default it counts as no GPU. */
  allowFallbackAdapter: boolean;
}

/** A new data buffer, posted before the first request that needs it. */
export interface DataMessage {
  type: "data";
  buffer: SharedArrayBuffer;
  generation: number;
}

/** Where A, B and Y start in the data buffer, in elements (each 8-byte aligned: offsets are even). */
export function dataLayout(
  m: number,
  n: number,
  k: number,
): { a: number; b: number; y: number; end: number } {
  const even = (x: number) => x + (x & 1);
  const a = 0;
  const b = even(a + m * k);
  const y = even(b + k * n);
  return { a, b, y, end: y + m * n };
}
