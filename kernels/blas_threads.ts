/**
 * The thread count of the `blas` backend's OpenBLAS, set from code (`OPENBLAS_NUM_THREADS` does the
 * same before the process starts).
 *
 * @module
 */
import type { BlasBackend } from "./blas.ts";
import { tryBackend, unavailableReason } from "./registry.ts";

/**
 * Sets the number of threads the `blas` backend's OpenBLAS uses for the following products (the
 * same as starting the process with `OPENBLAS_NUM_THREADS=count`), and returns the count that was
 * in effect before.
 *
 * Small products (a batch of 64 through a few hundred units) can run faster on one thread: on a
 * 2-core machine an MNIST-MLP epoch took 2.9-3.0 s with one thread against 3.9-4.2 s with two, as the
 * element-wise code that follows each product reads results left in the other core's cache.
 * OpenBLAS's results depend on its thread count (in the last bits), so a run reproduces another
 * bit for bit only with the same count.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasThreads, setBlasThreads } from "@dlfs/deno-dl/kernels";
 *
 * const before = setBlasThreads(1); // for small-batch training
 * assert.equal(blasThreads(), 1);
 * setBlasThreads(before);
 * ```
 *
 * @throws Error when the `blas` backend is unavailable or its library is not OpenBLAS; RangeError
 * for a count that is not an integer >= 1.
 */
export function setBlasThreads(count: number): number {
  const blas = blasForThreads();
  const before = blas.threads() ?? count;
  blas.setThreads(count);
  return before;
}

/** The number of threads of the `blas` backend's OpenBLAS; null when the library does not say. */
export function blasThreads(): number | null {
  return blasForThreads().threads();
}

/** The loaded `blas` backend, or an error that says why there is none. */
function blasForThreads(): BlasBackend {
  const blas = tryBackend("blas") as BlasBackend | undefined;
  if (!blas) {
    throw new Error(
      `setBlasThreads: the blas backend is unavailable (${unavailableReason("blas")})`,
    );
  }
  return blas;
}
