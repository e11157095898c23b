/**
 * The `blas` backend: a native BLAS (`cblas_sgemm` / `cblas_dgemm`) called synchronously through
 * `Deno.dlopen`.
 *
 * The typed arrays are passed to C as pointers, so there are no copies and no worker: this is the
 * fastest CPU path with a synchronous API. The library is found in this order:
 * 1. the path in the environment variable `DENO_BLAS_PATH`: any CBLAS exporting `cblas_sgemm` and
 *    `cblas_dgemm`, or an OpenBLAS built with a symbol prefix or suffix: Julia's `libopenblas64_`
 *    (`cblas_sgemm64_`) and the `scipy_openblas` builds that NumPy and SciPy wheels ship
 *    (`scipy_cblas_sgemm64_`, `scipy_cblas_sgemm`). An OpenBLAS with 64-bit integers (ILP64, as
 *    Debian's `libopenblas64`, Julia's and NumPy's are) is recognised from its
 *    `openblas_get_config()` and called with 64-bit sizes;
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

/** The C signature shared by sgemm and dgemm: the scalar type, and the integer type of the sizes. */
function gemmSymbol(name: string, scalar: "f32" | "f64", int: "i32" | "i64") {
  return {
    name,
    parameters: [
      "i32", // order (a C enum: an int in every build)
      "i32", // transA
      "i32", // transB
      int, // M
      int, // N
      int, // K
      scalar, // alpha
      "buffer", // A
      int, // lda
      "buffer", // B
      int, // ldb
      scalar, // beta
      "buffer", // C
      int, // ldc
    ],
    result: "void",
  } as const;
}

/** How one build names its functions: `prefix + "cblas_sgemm" + suffix`. */
interface Naming {
  prefix: string;
  suffix: string;
}

/**
 * The namings tried in each library, in order: the standard CBLAS, then OpenBLAS builds with a
 * `64_` suffix (Julia's libopenblas64_) or a `scipy_` prefix (NumPy's and SciPy's wheels).
 */
const NAMINGS: readonly Naming[] = [
  { prefix: "", suffix: "" },
  { prefix: "", suffix: "64_" },
  { prefix: "scipy_", suffix: "64_" },
  { prefix: "scipy_", suffix: "" },
];

/** The gemm symbols of a library with the given naming and size type. */
function blasSymbols(naming: Naming, int: "i32" | "i64") {
  const { prefix, suffix } = naming;
  return {
    sgemm: gemmSymbol(`${prefix}cblas_sgemm${suffix}`, "f32", int),
    dgemm: gemmSymbol(`${prefix}cblas_dgemm${suffix}`, "f64", int),
    // OpenBLAS's thread count (an int in every build); absent from other CBLAS libraries.
    setThreads: {
      name: `${prefix}openblas_set_num_threads${suffix}`,
      parameters: ["i32"],
      result: "void",
      optional: true,
    },
    getThreads: {
      name: `${prefix}openblas_get_num_threads${suffix}`,
      parameters: [],
      result: "i32",
      optional: true,
    },
  } as const;
}

type BlasLibrary = Deno.DynamicLibrary<ReturnType<typeof blasSymbols>>;

/**
 * Looks `path` up without calling anything: whether it exports the gemm symbols under `naming`
 * (throws if not), and OpenBLAS's build description when it has one (`openblas_get_config()`,
 * e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... USE64BITINT ...").
 */
function probe(path: string, naming: Naming): { config: string | null } {
  const { prefix, suffix } = naming;
  const name = (base: string) => `${prefix}${base}${suffix}`;
  // Declared without parameters: only looked up, never called with this signature.
  const lib = Deno.dlopen(path, {
    sgemm: { name: name("cblas_sgemm"), parameters: [], result: "void" },
    dgemm: { name: name("cblas_dgemm"), parameters: [], result: "void" },
    config: {
      name: name("openblas_get_config"),
      parameters: [],
      result: "pointer",
      optional: true,
    },
  });
  try {
    const ptr = lib.symbols.config?.() ?? null;
    return { config: ptr === null ? null : Deno.UnsafePointerView.getCString(ptr) };
  } finally {
    lib.close();
  }
}

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

/** An opened CBLAS: the library, its path, its size type and OpenBLAS's build description. */
interface OpenedBlas {
  lib: BlasLibrary;
  path: string;
  int: "i32" | "i64";
  config: string | null;
}

/**
 * Opens `path` under the first naming it exports. The size type comes from the build description:
 * an ILP64 OpenBLAS (USE64BITINT) takes 64-bit sizes, and calling it with 32-bit ones would pass
 * garbage in the upper halves (Debian's libopenblas64 exports the standard names with 64-bit sizes).
 */
function openLibrary(path: string): OpenedBlas {
  let first: unknown = null;
  for (const naming of NAMINGS) {
    let config: string | null;
    try {
      config = probe(path, naming).config;
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
        throw err;
      }
      first ??= err; // the standard naming's error says why: a missing file, or no CBLAS symbols
      continue;
    }
    const int = config !== null && /\bUSE64BITINT\b/.test(config) ? "i64" : "i32";
    return { lib: Deno.dlopen(path, blasSymbols(naming, int)), path, int, config };
  }
  throw first;
}

/** Opens the first library that loads and has both symbols; throws with every attempt's error. */
function openBlas(): OpenedBlas {
  if (!granted({ name: "ffi" })) {
    throw new Error("loading a native BLAS needs --allow-ffi (Deno.dlopen)");
  }
  const fromEnv = readEnv(BLAS_ENV_VAR);
  const paths = fromEnv ? [fromEnv] : blasCandidates();
  const errors: string[] = [];
  for (const path of paths) {
    try {
      return openLibrary(path);
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
  // OpenBLAS clears C for beta = 0 and then adds the product to it; a C known to be zero can take
  // the product directly (beta = 1): the same additions onto +0, without the clearing pass. Only
  // for alpha = 1: its small-matrix kernels store alpha * sum for beta = 0, and with a negative
  // alpha that can be -0 where adding it to +0 gives +0.
  const betaUsed = beta === 0 && alpha === 1 && call.cZeroed === true ? 1 : beta;
  if (dtypeOf(c) === "float32") {
    lib.symbols.sgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, betaUsed, c, n);
  } else {
    lib.symbols.dgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, betaUsed, c, n);
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

/** The `blas` backend, with what was loaded. */
export interface BlasBackend extends Backend {
  /** The library's path (or the name the dynamic loader resolved). */
  readonly path: string;
  /** Width of the library's integers: 64 for an ILP64 build. */
  readonly integerBits: 32 | 64;
  /** OpenBLAS's build description (version, kernels, threads), or null for another CBLAS. */
  readonly config: string | null;
  /** The number of threads OpenBLAS uses, or null when the library does not say (not OpenBLAS). */
  threads(): number | null;
  /**
   * Sets OpenBLAS's thread count (see {@link setBlasThreads}).
   * @throws Error when the library is not OpenBLAS; RangeError for a count that is not an integer >= 1.
   */
  setThreads(count: number): void;
}

/** Loads the native BLAS and returns the `blas` backend; throws with the reason when none loads. */
export function createBlasBackend(): BlasBackend {
  const { lib, path, int, config } = openBlas();
  try {
    selfTest((call) => blasGemm(lib, call), path);
  } catch (err) {
    lib.close();
    throw err;
  }
  return {
    name: "blas",
    path,
    integerBits: int === "i64" ? 64 : 32,
    config,
    threads: () => lib.symbols.getThreads?.() ?? null,
    setThreads(count: number) {
      if (!Number.isInteger(count) || count < 1) {
        throw new RangeError(`setBlasThreads: expected an integer >= 1, got ${count}`);
      }
      if (!lib.symbols.setThreads) {
        throw new Error(
          `setBlasThreads: ${path} is not OpenBLAS (no openblas_set_num_threads); set the thread ` +
            `count the way that library documents`,
        );
      }
      lib.symbols.setThreads(count);
    },
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
