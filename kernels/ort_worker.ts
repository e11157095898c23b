/**
 * The worker side of the ONNX Runtime bridge: loads one provider, keeps one session per
 * (dtype, transA, transB), and serves gemm requests posted in shared memory (see `ort_protocol.ts`).
 *
 * Runs as a `node:worker_threads` Worker: in Deno its round trip measured ~5 µs against ~50 µs for a
 * web Worker, and it can be `unref()`ed so an idle bridge does not keep the process alive.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import type { DataMessage, OrtProvider, WorkerInit } from "./ort_protocol.ts";
import { CTRL, dataLayout, ERROR_BYTES, STATE, WEBGPU_FALLBACK_ENV_VAR } from "./ort_protocol.ts";
import { gemmModel } from "./onnx_gemm_model.ts";
import type { OrtModule, OrtSession } from "./ort_types.ts";
import type { KernelDType } from "./types.ts";
import { importOrtNode, importOrtWeb, importOrtWebGpu } from "./deps.ts";

type Dtype = KernelDType;

/** The part of navigator.gpu used to find out whether there is a GPU. */
interface Gpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<
    { info?: { isFallbackAdapter?: boolean; description?: string } } | null
  >;
}

const init = workerData as WorkerInit;
const { ctrl, provider } = init;
let data: SharedArrayBuffer | undefined;
let generation = -1;
let dataArrived: (() => void) | undefined;

parentPort?.on("message", (msg: DataMessage) => {
  if (msg.type === "data") {
    data = msg.buffer;
    generation = msg.generation;
    dataArrived?.();
  }
});

/** Imports the ONNX Runtime package of provider `p` (pinned in `deps.ts`). */
async function importOrt(p: OrtProvider): Promise<OrtModule> {
  if (p === "node") return (await importOrtNode()) as unknown as OrtModule;
  if (p === "webgpu") return (await importOrtWebGpu()) as unknown as OrtModule;
  return (await importOrtWeb()) as unknown as OrtModule;
}

/**
 * onnxruntime-web's WebGPU bundle resolves its own URL against `location.origin` when `location` exists.
 * A Deno worker has a `location` whose origin is the string "null" (file URLs are opaque origins), which
 * makes that `new URL()` throw; the browser-less path (no `location`) is the one that works here.
 */
function hideOpaqueLocation(): void {
  const loc = (globalThis as { location?: { origin?: string } }).location;
  if (loc && loc.origin === "null") {
    Object.defineProperty(globalThis, "location", { value: undefined, configurable: true });
  }
}

/** Imports the ONNX Runtime build for the provider and checks what it needs (threads, a GPU). */
async function loadOrt(p: OrtProvider): Promise<OrtModule> {
  if (p === "node") return await importOrt("node");
  if (p === "webgpu") {
    const gpu = (navigator as unknown as { gpu?: Gpu }).gpu;
    if (!gpu) throw new Error("navigator.gpu is undefined (no WebGPU in this runtime)");
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) throw new Error("navigator.gpu.requestAdapter() returned null (no GPU adapter)");
    if (adapter.info?.isFallbackAdapter && !init.allowFallbackAdapter) {
      // A software rasterizer runs a gemm slower than `js` does; it is not worth a backend.
      throw new Error(
        `only a software WebGPU adapter is present (${adapter.info.description || "fallback"}); ` +
          `set ${WEBGPU_FALLBACK_ENV_VAR}=1 to use it anyway`,
      );
    }
    hideOpaqueLocation();
    const ort = await importOrt("webgpu");
    ort.env.logLevel = "error";
    return ort;
  }
  if (typeof SharedArrayBuffer === "undefined") throw new Error("no SharedArrayBuffer: no threads");
  const ort = await importOrt("wasm");
  ort.env.wasm.numThreads = init.numThreads;
  ort.env.wasm.proxy = false;
  return ort;
}

function executionProvider(p: OrtProvider): string {
  return p === "node" ? "cpu" : p;
}

const ort = loadOrt(provider);
const sessions = new Map<string, Promise<OrtSession>>();

function session(dtype: Dtype, transA: boolean, transB: boolean): Promise<OrtSession> {
  const key = `${dtype}/${transA}/${transB}`;
  let s = sessions.get(key);
  if (!s) {
    const model = gemmModel({ dtype, transA, transB });
    s = ort.then((o) =>
      o.InferenceSession.create(model, { executionProviders: [executionProvider(provider)] })
    );
    sessions.set(key, s);
  }
  return s;
}

/** Waits until the data buffer of the given generation has arrived. */
async function dataOf(gen: number): Promise<SharedArrayBuffer> {
  while (generation < gen || !data) {
    await new Promise<void>((resolve) => (dataArrived = resolve));
  }
  return data;
}

/** A typed view of `length` elements at element `offset` of the shared buffer. */
function view(
  buf: SharedArrayBuffer,
  dtype: Dtype,
  offset: number,
  length: number,
): Float32Array | Float64Array {
  return dtype === "float32"
    ? new Float32Array(buf, offset * 4, length)
    : new Float64Array(buf, offset * 8, length);
}

/** Runs the posted product and writes Y into the data buffer. */
async function serve(): Promise<void> {
  const dtype: Dtype = ctrl[CTRL.dtype] === 0 ? "float32" : "float64";
  const transA = ctrl[CTRL.transA] === 1, transB = ctrl[CTRL.transB] === 1;
  const m = ctrl[CTRL.m], n = ctrl[CTRL.n], k = ctrl[CTRL.k];
  const buf = await dataOf(ctrl[CTRL.generation]);
  const at = dataLayout(m, n, k);
  const o = await ort;
  let a = view(buf, dtype, at.a, m * k);
  let b = view(buf, dtype, at.b, k * n);
  // onnxruntime-node's N-API binding rejects arrays on a SharedArrayBuffer ("Invalid argument").
  if (provider === "node") [a, b] = [a.slice(), b.slice()];
  const A = new o.Tensor(dtype, a, transA ? [k, m] : [m, k]);
  const B = new o.Tensor(dtype, b, transB ? [n, k] : [k, n]);
  const out = await (await session(dtype, transA, transB)).run({ A, B });
  view(buf, dtype, at.y, m * n).set(out.Y.data as Float32Array & Float64Array);
}

function reportError(err: unknown): void {
  const text = err instanceof Error ? err.message : String(err);
  const bytes = new TextEncoder().encode(text).subarray(0, ERROR_BYTES);
  init.error.set(bytes);
  ctrl[CTRL.errorLength] = bytes.length;
  Atomics.store(ctrl, CTRL.state, STATE.error);
  Atomics.notify(ctrl, CTRL.state);
}

function reportDone(): void {
  Atomics.store(ctrl, CTRL.state, STATE.ready);
  Atomics.notify(ctrl, CTRL.state);
}

/** Start-up check: load the runtime and run a 1x1x1 float32 product, so "available" means "works". */
async function start(): Promise<void> {
  const o = await ort;
  const one = new Float32Array([1]);
  const s = await session("float32", false, false);
  await s.run({ A: new o.Tensor("float32", one, [1, 1]), B: new o.Tensor("float32", one, [1, 1]) });
}

async function loop(): Promise<void> {
  try {
    await start();
    reportDone();
  } catch (err) {
    reportError(err);
    return;
  }
  for (;;) {
    const state = Atomics.load(ctrl, CTRL.state);
    if (state === STATE.request) {
      try {
        await serve();
        reportDone();
      } catch (err) {
        reportError(err);
      }
      continue;
    }
    const wait = Atomics.waitAsync(ctrl, CTRL.state, state);
    if (wait.async) await wait.value;
  }
}

loop();
