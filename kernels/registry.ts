/**
 * The backend registry and the dispatcher every matrix product in `lib/` goes through.
 *
 * Backends are registered as factories and created lazily, the first time they are selected or listed,
 * so a backend that fails to load (missing library, no GPU) only records its reason and never breaks
 * the others.
 *
 * @module
 */
import type { Backend, BackendFactory, BackendInfo, GemmCall } from "./types.ts";
import { dtypeOf } from "./types.ts";
import { jsBackend } from "./js_gemm.ts";

interface Entry {
  factory: BackendFactory;
  backend?: Backend;
  reason?: string;
}

const entries = new Map<string, Entry>();
let selected: Backend = jsBackend;
/**
 * Products with fewer multiply-adds than this stay in `js` when another backend is selected,
 * because a call into another backend costs more than the product itself.
 */
let smallWork = 0;
const reportedFallbacks = new Set<string>();

/** Adds (or replaces) a backend factory under its name. */
export function registerBackend(factory: BackendFactory): void {
  entries.set(factory.name, { factory });
}

registerBackend({
  name: "js",
  description: "pure TypeScript, cache-blocked 4x4 register-tiled gemm (always available)",
  create: () => jsBackend,
});

function load(entry: Entry): Backend | undefined {
  if (entry.backend || entry.reason) return entry.backend;
  try {
    entry.backend = entry.factory.create();
  } catch (err) {
    entry.reason = err instanceof Error ? err.message : String(err);
  }
  return entry.backend;
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

/** The selected backend (`js` until `setBackend` is called). */
export function getBackend(): Backend {
  return selected;
}

/** Every registered backend, loading each to learn whether it is available and why not. */
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
 * Sets the size (m*n*k multiply-adds) under which products stay in `js` whatever backend is selected.
 * `0` sends everything to the selected backend.
 */
export function setSmallWorkThreshold(multiplyAdds: number): void {
  if (!(multiplyAdds >= 0)) {
    throw new RangeError(`setSmallWorkThreshold: expected a number >= 0, got ${multiplyAdds}`);
  }
  smallWork = multiplyAdds;
}

/**
 * `C = alpha * op(A) @ op(B) + beta * C` on the selected backend.
 * Small products and element types the backend lacks go to `js`; a dtype fallback is reported once.
 */
export function gemm(call: GemmCall): void {
  let backend = selected;
  if (backend !== jsBackend) {
    const dtype = dtypeOf(call.c);
    if (call.m * call.n * call.k < smallWork) backend = jsBackend;
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
