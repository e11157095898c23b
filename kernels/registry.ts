/**
 * The backend registry and the dispatcher every matrix product in `lib/` goes through.
 *
 * Backends are registered as factories and created lazily, the first time they are selected, listed
 * or routed to, so a backend that fails to load (missing library, no GPU) only records its reason and
 * never breaks the others.
 *
 * The default selection is `auto` (see `auto.ts`): each product goes to the backend that measured
 * fastest for its element type and size, small ones to `js`. The measurements are this machine's:
 * on `auto`'s first product the registry takes the table cached in the user's cache folder, or
 * measures one (about a second; see `calibrateForThisMachine`). The table committed in
 * `calibration.json` (made on the machine it names) is the fallback when nothing can be measured;
 * `setCalibration()` and `calibrate()` replace either. The environment variable
 * `DENO_KERNELS_BACKEND` picks another default (e.g. `js`).
 *
 * @module
 */
import type { Backend, BackendFactory, BackendInfo, GemmCall, KernelDType } from "./types.ts";
import { dtypeOf, validateGemm } from "./types.ts";
import { jsBackend } from "./js_gemm.ts";
import { blasFactory } from "./blas.ts";
import { ortNodeFactory } from "./ort_node.ts";
import { createOrtBridgeBackend } from "./ort_bridge.ts";
import { ortWebGpuFactory } from "./ort_webgpu.ts";
import { type CalibrationTable, createAutoBackend, smallWorkFromTable } from "./auto.ts";
import { readEnv } from "./permissions.ts";
import { calibrateForThisMachine } from "./calibrate.ts";
import defaultCalibration from "./calibration.json" with { type: "json" };

interface Entry {
  factory: BackendFactory;
  backend?: Backend;
  reason?: string;
}

/** Environment variable naming the backend selected at start-up (default `auto`). */
export const BACKEND_ENV_VAR = "DENO_KERNELS_BACKEND";

/**
 * Threshold (multiply-adds) under which products go to `js` for a selected backend that the
 * calibration table does not cover: 32x32x32, about where a worker round trip (~30 µs) equals the
 * product's time in `js`. `calibrate()` replaces it by a measurement.
 */
const UNMEASURED_SMALL_WORK = 32 ** 3;

const entries = new Map<string, Entry>();
let calibration: CalibrationTable = defaultCalibration as CalibrationTable;
/** Whether `calibration` is settled: measured or read for this machine, or set by the user. */
let calibrationSettled = false;
/** A user-set threshold replacing the calibrated ones (`undefined`: use the calibration). */
let smallWorkOverride: number | undefined;
const reportedFallbacks = new Set<string>();

/** Adds (or replaces) a backend factory under its name. */
export function registerBackend(factory: BackendFactory): void {
  entries.set(factory.name, { factory });
}

function load(entry: Entry): Backend | undefined {
  if (entry.backend || entry.reason) return entry.backend;
  try {
    entry.backend = entry.factory.create();
  } catch (err) {
    entry.reason = err instanceof Error ? err.message : String(err);
  }
  return entry.backend;
}

/** The loaded backend of that name, or `undefined` when it is unknown or unavailable. */
export function tryBackend(name: string): Backend | undefined {
  const entry = entries.get(name);
  return entry ? load(entry) : undefined;
}

/** Why the backend of that name is unavailable (loading only that one); undefined when it loads. */
export function unavailableReason(name: string): string | undefined {
  const entry = entries.get(name);
  if (!entry) return `unknown backend "${name}"`;
  return load(entry) ? undefined : entry.reason;
}

/** The table `auto` routes by: on first use, this machine's (cached or measured now). */
function autoTable(): CalibrationTable {
  if (!calibrationSettled) {
    calibrationSettled = true;
    const measured = calibrateForThisMachine();
    if (measured) calibration = measured;
  }
  return calibration;
}

const autoBackend = createAutoBackend(autoTable, tryBackend, jsBackend);

registerBackend({
  name: "js",
  description: "pure TypeScript, cache-blocked 4x4 register-tiled gemm (always available)",
  create: () => jsBackend,
});
registerBackend(blasFactory);
registerBackend(ortNodeFactory);
registerBackend({
  name: "ort-wasm",
  description: "onnxruntime-web WebAssembly (SIMD, threads) in a worker, synchronous bridge",
  create: () => createOrtBridgeBackend("wasm"),
});
registerBackend(ortWebGpuFactory);
registerBackend({
  name: "auto",
  description: "per product, the fastest backend measured for its dtype and size (calibration)",
  create: () => autoBackend,
});

let selected: Backend = autoBackend;
selectFromEnvironment();

/** Applies `DENO_KERNELS_BACKEND`; an unknown or unavailable name is reported and `auto` kept. */
function selectFromEnvironment(): void {
  const name = readEnv(BACKEND_ENV_VAR);
  if (!name || name === "auto") return;
  try {
    setBackend(name);
  } catch (err) {
    console.warn(`kernels: ${BACKEND_ENV_VAR}=${name} ignored: ${(err as Error).message}`);
  }
}

/**
 * Selects the backend for all following matrix products.
 * @throws Error naming the backend and why it is unavailable, or listing the known names.
 */
export function setBackend(name: string): Backend {
  const entry = entries.get(name);
  if (!entry) {
    throw new Error(
      `setBackend: unknown backend "${name}"; known: ${[...entries.keys()].join(", ")}`,
    );
  }
  const backend = load(entry);
  if (!backend) throw new Error(`setBackend: backend "${name}" is unavailable: ${entry.reason}`);
  selected = backend;
  return backend;
}

/** The selected backend (`auto` unless `setBackend` or `DENO_KERNELS_BACKEND` chose another). */
export function getBackend(): Backend {
  return selected;
}

/**
 * Every registered backend, loading each to learn whether it is available and why not.
 * (This starts the ONNX Runtime workers; use `tryBackend(name)` to probe one.)
 */
export function listBackends(): BackendInfo[] {
  return [...entries.values()].map((entry) => {
    const backend = load(entry);
    const info: BackendInfo = {
      name: entry.factory.name,
      description: entry.factory.description,
      available: backend !== undefined,
      selected: backend !== undefined && backend === selected,
    };
    if (!backend) info.reason = entry.reason;
    return info;
  });
}

/**
 * The calibration table `auto` and the small-product thresholds use: the committed fallback until
 * `auto`'s first product (or `settle: true`) replaces it by this machine's.
 */
export function getCalibration(options: { settle?: boolean } = {}): CalibrationTable {
  return options.settle ? autoTable() : calibration;
}

/** Replaces the calibration table (e.g. one returned by `calibrate()` and saved earlier). */
export function setCalibration(table: CalibrationTable): void {
  const n = table.sizes?.length;
  if (!n || !table.gflops) throw new TypeError("setCalibration: the table has no sizes or gflops");
  for (const [name, byType] of Object.entries(table.gflops)) {
    for (const [dtype, row] of Object.entries(byType)) {
      if (row.length !== n) {
        throw new RangeError(
          `setCalibration: ${name}/${dtype} has ${row.length} speeds for ${n} sizes`,
        );
      }
    }
  }
  calibration = table;
  calibrationSettled = true;
}

/**
 * Sets the size (m*n*k multiply-adds) under which products stay in `js` whatever backend is
 * selected. `0` sends everything to the selected backend; `null` returns to the calibrated thresholds.
 */
export function setSmallWorkThreshold(multiplyAdds: number | null): void {
  if (multiplyAdds !== null && !(multiplyAdds >= 0)) {
    throw new RangeError(
      `setSmallWorkThreshold: expected a number >= 0 or null, got ${multiplyAdds}`,
    );
  }
  smallWorkOverride = multiplyAdds ?? undefined;
}

/** The threshold in effect for an explicitly selected backend and element type. */
export function smallWorkThreshold(name: string, dtype: KernelDType): number {
  if (smallWorkOverride !== undefined) return smallWorkOverride;
  return smallWorkFromTable(calibration, name, dtype) ?? UNMEASURED_SMALL_WORK;
}

/**
 * `C = alpha * op(A) @ op(B) + beta * C` on the selected backend.
 * Under `auto`, the calibration routes it. Under an explicit backend, small products and element types
 * the backend lacks go to `js`; a dtype fallback is reported once (the results then come from `js`).
 */
export function gemm(call: GemmCall): void {
  // Element types and lengths are checked here, whatever the route, before any backend (native
  // code included) sees the buffers.
  validateGemm(call);
  let backend = selected;
  if (backend !== jsBackend && backend !== autoBackend) {
    const dtype = dtypeOf(call.c);
    if (call.m * call.n * call.k < smallWorkThreshold(backend.name, dtype)) backend = jsBackend;
    else if (!backend.supports(dtype)) {
      const key = `${backend.name}/${dtype}`;
      if (!reportedFallbacks.has(key)) {
        reportedFallbacks.add(key);
        console.warn(`kernels: backend "${backend.name}" has no ${dtype} gemm; using "js" for it`);
      }
      backend = jsBackend;
    }
  }
  backend.gemm(call);
}
