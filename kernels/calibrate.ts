/**
 * Calibration: measures every available backend on a ladder of square products and hands the table
 * to the registry, so `auto` and the small-product thresholds follow this machine.
 *
 * `auto` calibrates itself on its first product ({@link calibrateForThisMachine}): a short
 * measurement of the in-process backends, cached in the user's cache folder under a key made of the
 * CPU model and the backends' versions, so later processes read it instead of measuring. The
 * committed `calibration.json` is only the fallback when nothing can be measured.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { calibrate } from "@dlfs/deno-dl/kernels";
 *
 * // A short run: one backend, two sizes. The default ladder on every backend takes about 10 s.
 * const table = calibrate({ backends: ["js"], sizes: [8, 16], budgetMs: 5, apply: false });
 * assert.deepEqual(table.sizes, [8, 16]);
 * assert.equal(table.gflops.js.float64?.length, 2); // GFLOP/s at each size
 * // Save JSON.stringify(table) and hand it to setCalibration() in a later run.
 * ```
 *
 * @module
 */
import type { Backend, FloatArray, KernelDType } from "./types.ts";
import type { CalibrationTable } from "./auto.ts";
import { listBackends, setCalibration, tryBackend } from "./registry.ts";
import { granted, readEnv } from "./permissions.ts";
import { writeFileAtomicSync } from "../lib/files/atomic.ts";

/** The default ladder of cube sides `s` (products `s x s x s`). */
export const CALIBRATION_SIZES: readonly number[] = [
  2,
  4,
  8,
  16,
  24,
  32,
  48,
  64,
  96,
  128,
  192,
  256,
  384,
  512,
];

/** Shape and layout of a product to time. */
export interface GemmShape {
  /** Rows of op(A) and C. */
  m: number;
  /** Columns of op(B) and C. */
  n: number;
  /** The shared dimension. */
  k: number;
  /** Read A transposed. */
  transA?: boolean;
  /** Read B transposed. */
  transB?: boolean;
}

/** Options of {@link measureGemm}. */
export interface MeasureOptions {
  /** Time to spend measuring, in ms (default 40), after a warm-up of a quarter of it. */
  budgetMs?: number;
  /** `C = A@B + beta*C` with this beta (default 0). */
  beta?: number;
}

/** Deterministic operands in [-0.5, 0.5) (a small LCG: no dependence on lib/random). */
function operand(dtype: KernelDType, size: number, seed: number): FloatArray {
  const x = dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

/**
 * Seconds per call of `backend.gemm` for one shape and dtype: the best batch average after a warm-up
 * (which also builds any session). Taking the best batch filters out other processes' noise.
 */
export function measureGemm(
  backend: Backend,
  shape: GemmShape,
  options: MeasureOptions & { dtype?: KernelDType } = {},
): number {
  const { m, n, k, transA = false, transB = false } = shape;
  const dtype = options.dtype ?? "float64";
  const call = {
    transA,
    transB,
    m,
    n,
    k,
    alpha: 1,
    a: operand(dtype, m * k, 1),
    b: operand(dtype, k * n, 2),
    beta: options.beta ?? 0,
    c: operand(dtype, m * n, 3),
  };
  const budget = options.budgetMs ?? 40;
  // Warm-up (sessions, threads, caches) for a quarter of the budget; it also estimates a call's time.
  let t0 = performance.now();
  let calls = 0;
  while (calls < 1 || performance.now() - t0 < budget / 4) {
    backend.gemm(call);
    calls++;
  }
  const first = Math.max((performance.now() - t0) / calls, 1e-4);
  // Batches of about 2 ms, so that tiny products are not timed one by one.
  const perBatch = Math.max(1, Math.min(100_000, Math.ceil(2 / first)));
  // At least 3 batches, or 1 when a single call already exceeds the budget.
  const minBatches = first > budget ? 1 : 3;
  const start = performance.now();
  let best = Infinity;
  for (let batch = 0; batch < minBatches || performance.now() - start < budget; batch++) {
    t0 = performance.now();
    for (let r = 0; r < perBatch; r++) backend.gemm(call);
    best = Math.min(best, (performance.now() - t0) / perBatch);
  }
  return best / 1000;
}

/** GFLOP/s of a product taking `seconds` (2 flops per multiply-add). */
export function gflops(shape: GemmShape, seconds: number): number {
  return (2 * shape.m * shape.n * shape.k) / seconds / 1e9;
}

/** A one-line description of this machine (CPU model when readable, threads, OS). */
export function machineDescription(): string {
  let cpu = "";
  if (granted({ name: "read", path: "/proc/cpuinfo" })) {
    try {
      const info = Deno.readTextFileSync("/proc/cpuinfo");
      cpu = info.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? "";
    } catch {
      cpu = ""; // not Linux
    }
  }
  const threads = navigator.hardwareConcurrency;
  return `${cpu ? cpu + ", " : ""}${threads} threads, ${Deno.build.os}/${Deno.build.arch}`;
}

/** Options of {@link calibrate}. */
export interface CalibrateOptions {
  /** Backends to measure (default: every available one; `js` is always included). */
  backends?: string[];
  /** Ladder of cube sides (default {@link CALIBRATION_SIZES}). */
  sizes?: readonly number[];
  /** Time per measurement in ms (default 40). */
  budgetMs?: number;
  /** Apply the table to the registry (default true). */
  apply?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/**
 * Measures GFLOP/s of each backend, float32 and float64, on square products of each ladder size,
 * applies the table (unless `apply: false`) and returns it (save it and pass it to `setCalibration`
 * to skip measuring next time). Takes about 10 s with every backend present.
 */
export function calibrate(options: CalibrateOptions = {}): CalibrationTable {
  const sizes = [...(options.sizes ?? CALIBRATION_SIZES)];
  const names = options.backends ??
    listBackends().filter((b) => b.available && b.name !== "auto").map((b) => b.name);
  if (!names.includes("js")) names.unshift("js");
  const table: CalibrationTable = {
    machine: machineDescription(),
    date: new Date().toISOString().slice(0, 10),
    sizes,
    gflops: {},
  };
  for (const name of names) {
    const backend = tryBackend(name);
    if (!backend || name === "auto") continue;
    table.gflops[name] = {};
    for (const dtype of ["float32", "float64"] as const) {
      if (!backend.supports(dtype)) continue;
      const row = sizes.map((s) => {
        const shape = { m: s, n: s, k: s };
        return gflops(shape, measureGemm(backend, shape, { dtype, budgetMs: options.budgetMs }));
      });
      table.gflops[name][dtype] = row.map((v) => Number(v.toPrecision(3)));
      options.log?.(`${name} ${dtype}: ${row.map((v) => v.toFixed(2)).join(" ")}`);
    }
  }
  if (options.apply ?? true) setCalibration(table);
  return table;
}

// ---------------------------------------------------------------------------------------------
// Calibration on first use, cached per machine

/** Environment variable: `off` keeps `auto` on the committed table (no measurement, no cache). */
export const CALIBRATION_ENV_VAR = "DENO_KERNELS_CALIBRATION";

/**
 * The short ladder measured on first use: enough points to place the js/native crossover and to
 * rank the native backends, in about a second.
 */
export const FIRST_USE_SIZES: readonly number[] = [2, 4, 8, 16, 32, 64, 128, 256, 512];

/** The backends measured on first use: those in this process, fastest to load (no workers). */
const FIRST_USE_BACKENDS = ["js", "blas"];

/** The OpenBLAS build string (`openblas_get_config`), or "" for another BLAS or none. */
function blasVersion(): string {
  const blas = tryBackend("blas") as (Backend & { path?: string }) | undefined;
  if (!blas?.path) return "";
  try {
    const lib = Deno.dlopen(blas.path, {
      openblas_get_config: { parameters: [], result: "pointer" },
    });
    try {
      const p = lib.symbols.openblas_get_config();
      return `${blas.path} ${p ? Deno.UnsafePointerView.getCString(p) : ""}`;
    } finally {
      lib.close();
    }
  } catch {
    return blas.path;
  }
}

/**
 * What a calibration depends on: the CPU model and threads, the OS, Deno (V8 compiles `js`), and
 * the native BLAS library with its version. A different key means measuring again.
 */
export function calibrationKey(): string {
  return [machineDescription(), `deno ${Deno.version.deno}`, blasVersion()].join(" | ");
}

/** FNV-1a hash of a string as 8 hex digits (a short file name for a key). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** The user's cache folder for this library (XDG on Linux, Library/Caches on macOS, LOCALAPPDATA). */
export function calibrationCacheDir(): string | undefined {
  const sep = Deno.build.os === "windows" ? "\\" : "/";
  let base: string | undefined;
  if (Deno.build.os === "windows") base = readEnv("LOCALAPPDATA");
  else if (Deno.build.os === "darwin") {
    const home = readEnv("HOME");
    base = home ? `${home}/Library/Caches` : undefined;
  } else {
    const home = readEnv("HOME");
    base = readEnv("XDG_CACHE_HOME") ?? (home ? `${home}/.cache` : undefined);
  }
  return base ? `${base}${sep}deno-dl-kernels` : undefined;
}

/** A table read from the cache, when it exists, parses, and was measured for `key`. */
function readCached(path: string, key: string): CalibrationTable | undefined {
  if (!granted({ name: "read", path })) return undefined;
  try {
    const saved = JSON.parse(Deno.readTextFileSync(path)) as CalibrationTable & { key?: string };
    return saved.key === key && Array.isArray(saved.sizes) ? saved : undefined;
  } catch {
    return undefined; // absent or damaged: measure again
  }
}

/** Options of {@link calibrateForThisMachine}. */
export interface FirstUseOptions {
  /** Folder of the cache (default {@link calibrationCacheDir}). */
  cacheDir?: string;
  /** Measure even when a cached table exists, and replace it (default false). */
  refresh?: boolean;
  /** Time per measurement in ms (default 15). */
  budgetMs?: number;
}

/**
 * The calibration `auto` uses on this machine: read from the user's cache when it was measured
 * under the same {@link calibrationKey}, else measured now on {@link FIRST_USE_SIZES} (about a
 * second) and saved there atomically. `undefined` when there is nothing to route (no native
 * backend loads) or the environment variable {@link CALIBRATION_ENV_VAR} is `off`; then the committed
 * table stays in use. Does not apply the table: the registry does, on `auto`'s first product.
 */
export function calibrateForThisMachine(
  options: FirstUseOptions = {},
): CalibrationTable | undefined {
  if (/^(off|0|false|no)$/i.test(readEnv(CALIBRATION_ENV_VAR) ?? "")) return undefined;
  const backends = FIRST_USE_BACKENDS.filter((name) => tryBackend(name) !== undefined);
  if (backends.length < 2) return undefined;
  const key = calibrationKey();
  const dir = options.cacheDir ?? calibrationCacheDir();
  const path = dir ? `${dir}${Deno.build.os === "windows" ? "\\" : "/"}${hash(key)}.json` : "";
  if (path && !options.refresh) {
    const cached = readCached(path, key);
    if (cached) return cached;
  }
  const table = calibrate({
    backends,
    sizes: FIRST_USE_SIZES,
    budgetMs: options.budgetMs ?? 15,
    apply: false,
  });
  if (dir && granted({ name: "write", path: dir })) {
    try {
      const text = JSON.stringify({ ...table, key }, null, 1) + "\n";
      writeFileAtomicSync(path, text, { mkdir: true, op: "calibrateForThisMachine" });
    } catch {
      // a read-only home: the table still serves this process
    }
  }
  return table;
}
