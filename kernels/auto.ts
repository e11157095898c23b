/**
 * The `auto` backend: routes each product, by element type and size, to the backend that measured
 * fastest for that size on this machine.
 *
 * The measurements are a {@link CalibrationTable}: GFLOP/s of every backend for square products
 * `s x s x s` over a ladder of sizes `s`. A product of `m*n*k` multiply-adds is routed like the ladder
 * point nearest to it on a log scale; there the backends are tried fastest first, skipping those that
 * are unavailable here or lack the element type, down to `js`, which always works. Small products
 * therefore stay in `js` exactly when `js` measured faster than every other backend at that size
 * (a call into another backend costs a round trip that a tiny product does not repay).
 *
 * @module
 */
import type { Backend, GemmCall, KernelDType } from "./types.ts";
import { dtypeOf } from "./types.ts";

/** GFLOP/s measured for each backend and element type at each ladder size. */
export interface CalibrationTable {
  /** Where it was measured (CPU, cores, OS), for the record. */
  machine: string;
  /** When it was measured (ISO date). */
  date: string;
  /** The ladder: each entry `s` is the product `s x s x s`, ascending. */
  sizes: number[];
  /** `gflops[backend][dtype][i]` is the speed at `sizes[i]`; a missing dtype means unsupported. */
  gflops: Record<string, Partial<Record<KernelDType, number[]>>>;
}

/** Index of the ladder point nearest to `work` multiply-adds on a log scale. */
export function nearestPoint(sizes: readonly number[], work: number): number {
  const target = Math.log(Math.max(work, 1)) / 3; // log of the cube side
  let best = 0;
  for (let i = 1; i < sizes.length; i++) {
    if (Math.abs(Math.log(sizes[i]) - target) < Math.abs(Math.log(sizes[best]) - target)) best = i;
  }
  return best;
}

/** Backend names at ladder point `i` for `dtype`, fastest first (`js` included when measured). */
export function rankAt(table: CalibrationTable, dtype: KernelDType, i: number): string[] {
  const speeds: [string, number][] = [];
  for (const [name, byType] of Object.entries(table.gflops)) {
    const v = byType[dtype]?.[i];
    if (v !== undefined && v > 0) speeds.push([name, v]);
  }
  speeds.sort((x, y) => y[1] - x[1]);
  return speeds.map(([name]) => name);
}

/**
 * The smallest product (in multiply-adds) from which `name` stays faster than `js` at every larger
 * ladder point: the threshold under which an explicitly selected backend hands products to `js`.
 * `undefined` when the table has no measurements of `name` for `dtype`.
 */
export function smallWorkFromTable(
  table: CalibrationTable,
  name: string,
  dtype: KernelDType,
): number | undefined {
  const mine = table.gflops[name]?.[dtype];
  const js = table.gflops.js?.[dtype];
  if (!mine || !js) return undefined;
  const { sizes } = table;
  let first = sizes.length; // first point of the final run where `name` beats js
  for (let i = sizes.length - 1; i >= 0 && mine[i] >= js[i]; i--) first = i;
  if (first === 0) return 0;
  if (first === sizes.length) return Infinity;
  // Halfway, on a log scale, between the last point js won and the first point `name` won.
  return Math.round(Math.sqrt(sizes[first - 1] ** 3 * sizes[first] ** 3));
}

/** Looks a backend up by name: the loaded backend, or `undefined` when it is unavailable. */
export type BackendResolver = (name: string) => Backend | undefined;

/**
 * Creates the `auto` backend over a calibration table (read at each call through `table()`, so a new
 * calibration takes effect at once) and a resolver that loads backends on first use.
 */
export function createAutoBackend(
  table: () => CalibrationTable,
  resolve: BackendResolver,
  fallback: Backend,
): Backend {
  let cachedFor: CalibrationTable | undefined;
  let routes = new Map<string, Backend>();

  function route(dtype: KernelDType, work: number): Backend {
    const t = table();
    if (t !== cachedFor) {
      cachedFor = t;
      routes = new Map();
    }
    const i = nearestPoint(t.sizes, work);
    const key = `${dtype}/${i}`;
    let backend = routes.get(key);
    if (!backend) {
      backend = fallback;
      for (const name of rankAt(t, dtype, i)) {
        if (name === fallback.name) break;
        const candidate = resolve(name);
        if (candidate && candidate.supports(dtype)) {
          backend = candidate;
          break;
        }
      }
      routes.set(key, backend);
    }
    return backend;
  }

  return {
    name: "auto",
    supports: () => true,
    gemm(call: GemmCall): void {
      route(dtypeOf(call.c), call.m * call.n * call.k).gemm(call);
    },
  };
}

/** Which backend `auto` would use for a product of `work` multiply-adds (for reports and tests). */
export function autoChoice(
  table: CalibrationTable,
  dtype: KernelDType,
  work: number,
  resolve: BackendResolver,
): string {
  for (const name of rankAt(table, dtype, nearestPoint(table.sizes, work))) {
    if (name === "js") return "js";
    const b = resolve(name);
    if (b && b.supports(dtype)) return name;
  }
  return "js";
}
