/**
 * The `blas` backend: a native BLAS (`cblas_sgemm` / `cblas_dgemm`) called synchronously through
 * `Deno.dlopen`.
 *
 * The typed arrays are passed to C as pointers, so there are no copies and no worker: this is the
 * fastest CPU path with a synchronous API. The library is found in this order:
 * 1. the path in the environment variable `DENO_BLAS_PATH` (any CBLAS with 32-bit integers);
 * 2. on macOS, Accelerate; on Linux, OpenBLAS (`libopenblas.so.0`, Debian's `libopenblas0-pthread`),
 *    then other common CBLAS names; on Windows, `libopenblas.dll`.
 *
 * Loading needs `--allow-ffi` (and `--allow-env` to read the variable); without them the backend is
 * listed as unavailable with the reason.
 *
 * @module
 */
import type { Backend, BackendFactory, GemmCall } from "./types.ts";
import { dtypeOf, validateGemm } from "./types.ts";
import { granted, readEnv } from "./permissions.ts";

/** Environment variable naming a CBLAS shared library to use instead of the default search. */
export const BLAS_ENV_VAR = "DENO_BLAS_PATH";

// CBLAS enum values (cblas.h): CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112.
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** The C signature shared by sgemm and dgemm, with the scalar type of alpha and beta. */
function gemmSymbol(scalar: "f32" | "f64") {
  return {
    parameters: [
      "i32", // order
      "i32", // transA
      "i32", // transB
      "i32", // M
      "i32", // N
      "i32", // K
      scalar, // alpha
      "buffer", // A
      "i32", // lda
      "buffer", // B
      "i32", // ldb
      scalar, // beta
      "buffer", // C
      "i32", // ldc
    ],
    result: "void",
  } as const;
}

const SYMBOLS = { cblas_sgemm: gemmSymbol("f32"), cblas_dgemm: gemmSymbol("f64") } as const;

type BlasLibrary = Deno.DynamicLibrary<typeof SYMBOLS>;

/** Library names tried in order on this operating system (after the environment variable). */
export function blasCandidates(os: string = Deno.build.os): string[] {
  if (os === "darwin") {
    return [
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
    ];
  }
  if (os === "windows") return ["libopenblas.dll", "openblas.dll"];
  return [
    "libopenblas.so.0",
    "libopenblas.so",
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
    "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
    "libcblas.so.3",
    "libblis.so.4",
  ];
}

/** Opens the first library that loads and has both symbols; throws with every attempt's error. */
function openBlas(): { lib: BlasLibrary; path: string } {
  if (!granted({ name: "ffi" })) {
    throw new Error("loading a native BLAS needs --allow-ffi (Deno.dlopen)");
  }
  const fromEnv = readEnv(BLAS_ENV_VAR);
  const paths = fromEnv ? [fromEnv] : blasCandidates();
  const errors: string[] = [];
  for (const path of paths) {
    try {
      return { lib: Deno.dlopen(path, SYMBOLS), path };
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
        throw new Error("loading a native BLAS needs --allow-ffi (Deno.dlopen)");
      }
      errors.push(`${path}: ${err instanceof Error ? err.message.split("\n")[0] : err}`);
    }
  }
  const hint = Deno.build.os === "linux"
    ? "install Debian's libopenblas0-pthread (apt-get install libopenblas0-pthread)"
    : `set ${BLAS_ENV_VAR} to the path of a CBLAS library`;
  throw new Error(`no CBLAS library loaded (${errors.join("; ")}); ${hint}`);
}

/**
 * Calls cblas_?gemm. BLAS rejects a leading dimension of 0, and an empty product must still scale C,
 * so degenerate sizes are handled here instead of in the library.
 */
function blasGemm(lib: BlasLibrary, call: GemmCall): void {
  validateGemm(call);
  const { transA, transB, m, n, k, alpha, a, b, beta, c } = call;
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    // C = beta * C; beta = 0 overwrites, so a NaN in the old C does not survive (BLAS semantics).
    if (beta === 0) c.fill(0, 0, m * n);
    else if (beta !== 1) { for (let i = 0; i < m * n; i++) c[i] *= beta; }
    return;
  }
  // Row-major leading dimensions: the stored row length of each operand.
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  const ta = transA ? TRANS : NO_TRANS;
  const tb = transB ? TRANS : NO_TRANS;
  if (dtypeOf(c) === "float32") {
    lib.symbols.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n);
  } else {
    lib.symbols.cblas_dgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n);
  }
}

/**
 * Runs a 2x3 @ 3x2 product (with alpha, beta and both transposes) in each precision and compares
 * it with the answer worked out here, so that a library that merely exports the symbols (a stub,
 * a broken build, another ABI) is reported unavailable instead of returning zeros.
 */
export function selfTest(gemm: (call: GemmCall) => void, path: string): void {
  const a = [1, 2, 3, 4, 5, 6]; // [[1,2,3],[4,5,6]]
  const bT = [7, 9, 11, 8, 10, 12]; // B = [[7,8],[9,10],[11,12]] stored transposed
  // 2 * A @ B + 0.5 * C with C = [[1,1],[1,1]]: A @ B = [[58,64],[139,154]].
  const expected = [116.5, 128.5, 278.5, 308.5];
  for (const make of [Float64Array, Float32Array]) {
    const c = make.from([1, 1, 1, 1]);
    const call: GemmCall = {
      transA: false,
      transB: true,
      m: 2,
      n: 2,
      k: 3,
      alpha: 2,
      a: make.from(a),
      b: make.from(bT),
      beta: 0.5,
      c,
    };
    gemm(call);
    if (!expected.every((v, i) => c[i] === v)) {
      const fn = make === Float64Array ? "cblas_dgemm" : "cblas_sgemm";
      throw new Error(
        `${path}: ${fn} computed [${[...c].join(", ")}] for a 2x3 by 3x2 test product whose ` +
          `answer is [${expected.join(", ")}]: not a working CBLAS (a stub?); set ` +
          `${BLAS_ENV_VAR} to a real one (e.g. OpenBLAS)`,
      );
    }
  }
}

/** Loads the native BLAS and returns the `blas` backend; throws with the reason when none loads. */
export function createBlasBackend(): Backend & { readonly path: string } {
  const { lib, path } = openBlas();
  try {
    selfTest((call) => blasGemm(lib, call), path);
  } catch (err) {
    lib.close();
    throw err;
  }
  return {
    name: "blas",
    path,
    supports: () => true,
    gemm: (call: GemmCall) => blasGemm(lib, call),
  };
}

/** Registry entry of the `blas` backend. */
export const blasFactory: BackendFactory = {
  name: "blas",
  description:
    "native CBLAS through Deno.dlopen (OpenBLAS / Accelerate / $DENO_BLAS_PATH), zero copy",
  create: createBlasBackend,
};
