/**
 * The `ort-webgpu` backend: onnxruntime-web's WebGPU provider behind the worker bridge (float32 only;
 * float64 products go to `js`, reported once by the dispatcher).
 *
 * Before starting a worker it looks for a GPU without touching WebGPU. Asking `navigator.gpu` for an
 * adapter inside a worker and then giving up makes Deno 2.9 crash at exit now and then (measured here:
 * about one run in five segfaults with Mesa's software adapter), so on Linux a machine with no GPU
 * device node (`/dev/dri/renderD*`, `/dev/nvidia*`) is reported as unavailable straight away. Set
 * `DENO_KERNELS_WEBGPU_FALLBACK=1` to skip that check and accept a software adapter such as llvmpipe.
 *
 * @module
 */
import type { BackendFactory } from "./types.ts";
import { type BridgeBackend, createOrtBridgeBackend } from "./ort_bridge.ts";
import { envFlag, granted } from "./permissions.ts";
import { WEBGPU_FALLBACK_ENV_VAR } from "./ort_protocol.ts";

/** Why there is certainly no GPU here (Linux without GPU device nodes), or `undefined` if there may be. */
export function noGpuReason(os: string = Deno.build.os): string | undefined {
  if (os !== "linux") return undefined; // Metal on macOS, D3D12 on Windows: let WebGPU decide
  if (!granted({ name: "read", path: "/dev" })) return "no --allow-read to look for a GPU in /dev";
  try {
    for (const dir of ["/dev/dri", "/dev"]) {
      for (const entry of Deno.readDirSync(dir)) {
        if (/^(renderD\d+|nvidia\d+)$/.test(entry.name)) return undefined;
      }
    }
  } catch {
    // /dev/dri absent, or no --allow-read: fall through
  }
  return "no GPU device on this machine (no /dev/dri/renderD*, no /dev/nvidia*)";
}

/** Starts the WebGPU worker, unless there is certainly no GPU; throws with the reason. */
export function createOrtWebGpuBackend(): BridgeBackend {
  const allowFallbackAdapter = envFlag(WEBGPU_FALLBACK_ENV_VAR);
  const reason = allowFallbackAdapter ? undefined : noGpuReason();
  if (reason) {
    throw new Error(`${reason}; set ${WEBGPU_FALLBACK_ENV_VAR}=1 to try a software adapter`);
  }
  return createOrtBridgeBackend("webgpu", { allowFallbackAdapter });
}

/** Registry entry of the `ort-webgpu` backend. */
export const ortWebGpuFactory: BackendFactory = {
  name: "ort-webgpu",
  description: "onnxruntime-web WebGPU in a worker, synchronous bridge (float32 only)",
  create: createOrtWebGpuBackend,
};
