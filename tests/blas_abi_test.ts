/**
 * The `blas` backend with libraries other than a standard 32-bit-integer CBLAS: an ILP64 OpenBLAS
 * (64-bit sizes, recognised from `openblas_get_config()`; Debian's `libopenblas64` exports the
 * standard names with 64-bit sizes, which called with 32-bit sizes crashed the process) and the
 * prefixed/suffixed names of the OpenBLAS builds that NumPy's and SciPy's wheels ship
 * (`scipy_cblas_dgemm64_`). Each library runs in a subprocess (`DENO_BLAS_PATH`), so that a wrong
 * calling convention fails a test instead of killing the runner; the products are checked against
 * the `js` backend on odd sizes, both transposes, alpha and beta, both dtypes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { blasThreads, jsBackend, setBlasThreads, tryBackend } from "../kernels/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Debian's ILP64 OpenBLAS (`apt-get install libopenblas64-0-pthread`). */
const DEBIAN_ILP64 = "/usr/lib/x86_64-linux-gnu/openblas64-pthread/libopenblas64.so.0";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function hasCompiler(): boolean {
  try {
    return new Deno.Command("cc", { args: ["--version"] }).outputSync().code === 0;
  } catch {
    return false;
  }
}

/**
 * The probe run with `DENO_BLAS_PATH`: loads the library, prints its integer width, then runs
 * products through it and through `js` and prints the largest relative difference per dtype.
 */
const PROBE = `
import { createBlasBackend, jsBackend } from "$ROOT/kernels/mod.ts";
const blas = createBlasBackend();
console.log("bits", blas.integerBits);
let s = 7;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
for (const make of [Float32Array, Float64Array]) {
  let worst = 0;
  for (const [m, n, k] of [[1, 1, 1], [1, 9, 5], [17, 1, 3], [33, 29, 65], [64, 100, 250]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = make.from({ length: m * k }, rand), b = make.from({ length: k * n }, rand);
        const c0 = make.from({ length: m * n }, rand);
        const call = { transA, transB, m, n, k, alpha: 1.5, a, b, beta: 0.25 };
        const c1 = c0.slice(), c2 = c0.slice();
        blas.gemm({ ...call, c: c1 });
        jsBackend.gemm({ ...call, c: c2 });
        for (let i = 0; i < c1.length; i++) {
          worst = Math.max(worst, Math.abs(c1[i] - c2[i]) / (1 + Math.abs(c2[i])));
        }
      }
    }
  }
  console.log(make.name, worst);
  // A fresh (all +0) C given with cZeroed must get the bits of beta = 0 over any old contents:
  // small shapes (OpenBLAS's small-matrix kernels), rank 1, and operands with ±0, ±Inf and NaN.
  let differing = 0;
  const special = [0, -0, Infinity, -Infinity, NaN];
  const value = (i: number) => (i % 17 === 3 ? special[i % special.length] : rand());
  for (const [m, n, k] of [[2, 2, 2], [4, 8, 16], [16, 16, 16], [64, 128, 1], [33, 29, 65], [100, 64, 784]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const specials of [false, true]) {
          const a = make.from({ length: m * k }, (_, i) => (specials ? value(i) : rand()));
          const b = make.from({ length: k * n }, (_, i) => (specials ? value(i + 5) : rand()));
          const call = { transA, transB, m, n, k, alpha: 1, a, b, beta: 0 };
          const old = new make(m * n).fill(NaN), fresh = new make(m * n);
          blas.gemm({ ...call, c: old });
          blas.gemm({ ...call, c: fresh, cZeroed: true });
          for (let i = 0; i < old.length; i++) if (!Object.is(old[i], fresh[i])) differing++;
        }
      }
    }
  }
  console.log("zeroed", make.name, differing);
}
`;

/**
 * Runs the probe with `DENO_BLAS_PATH=library`; `unpinned` also removes `OPENBLAS_CORETYPE` and
 * `OPENBLAS_L2_SIZE` (which these machines set), so OpenBLAS picks its kernels for this CPU.
 */
async function probe(library: string, unpinned = false): Promise<{ code: number; out: string }> {
  const dir = await Deno.makeTempDir({ prefix: "blas-abi-" });
  try {
    const file = join(dir, "probe.ts");
    await Deno.writeTextFile(file, PROBE.replaceAll("$ROOT/", new URL("..", import.meta.url).href));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", "--config", join(ROOT, "deno.json"), file],
      env: { ...environment(unpinned), DENO_BLAS_PATH: library },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return { code: out.signal ? 128 : out.code, out: `${text}${out.signal ?? ""}` };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** This process's environment, without OpenBLAS's kernel pinning when `unpinned`. */
function environment(unpinned: boolean): Record<string, string> {
  const env = Deno.env.toObject();
  if (unpinned) { for (const key of ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]) delete env[key]; }
  return env;
}

/** The probe's output: integer width and the worst relative difference to `js` per dtype. */
function assertAgrees(r: { code: number; out: string }, bits: number): void {
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`^bits ${bits}$`, "m"), r.out);
  for (const [name, tol] of [["Float32Array", 1e-5], ["Float64Array", 1e-13]] as const) {
    const worst = Number(r.out.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1]);
    assert.ok(worst <= tol, `${name}: blas differs from js by ${worst} (> ${tol})\n${r.out}`);
    assert.match(r.out, new RegExp(`^zeroed ${name} 0$`, "m"), `cZeroed changed bits\n${r.out}`);
  }
}

Deno.test({
  name: "blas: an ILP64 OpenBLAS (Debian's libopenblas64) is called with 64-bit sizes",
  ignore: !exists(DEBIAN_ILP64),
  async fn() {
    assertAgrees(await probe(DEBIAN_ILP64), 64);
  },
});

Deno.test({
  name: "blas: NumPy's scipy_openblas naming (scipy_cblas_dgemm64_, ILP64) is found and used",
  ignore: !hasCompiler(),
  async fn() {
    // A small C library with the names and the 64-bit sizes of NumPy's OpenBLAS, computing the
    // product itself (row-major only, which is all the backend asks for).
    const dir = await Deno.makeTempDir({ prefix: "blas-abi-" });
    const body = (t: string) => `
      void scipy_cblas_${t === "float" ? "s" : "d"}gemm64_(int order, int ta, int tb, long long m,
          long long n, long long k, ${t} alpha, const ${t} *a, long long lda, const ${t} *b,
          long long ldb, ${t} beta, ${t} *c, long long ldc) {
        if (order != 101) return;
        for (long long i = 0; i < m; i++) for (long long j = 0; j < n; j++) {
          double s = 0;
          for (long long p = 0; p < k; p++)
            s += (double)(ta == 112 ? a[p * lda + i] : a[i * lda + p]) *
                 (double)(tb == 112 ? b[j * ldb + p] : b[p * ldb + j]);
          c[i * ldc + j] = (${t})(alpha * s + (beta == 0 ? 0 : beta * c[i * ldc + j]));
        }
      }`;
    const source = `${body("float")}\n${body("double")}\n` +
      `const char *scipy_openblas_get_config64_(void) { return "OpenBLAS test USE64BITINT"; }\n`;
    try {
      await Deno.writeTextFile(join(dir, "fake.c"), source);
      const lib = join(dir, "libscipy_openblas64_-fake.so");
      const cc = await new Deno.Command("cc", {
        args: ["-O1", "-shared", "-fPIC", "-o", lib, join(dir, "fake.c")],
      }).output();
      assert.equal(cc.code, 0, new TextDecoder().decode(cc.stderr));
      assertAgrees(await probe(lib), 64);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("blas: the default library reports its integer width and build", async () => {
  const r = await probe("");
  // DENO_BLAS_PATH="" means unset: the default search (Debian's libopenblas0 on these machines).
  assertAgrees(r, 32);
  // The kernels OpenBLAS picks for this CPU when not pinned (a user's machine).
  assertAgrees(await probe("", true), 32);
});

Deno.test("setBlasThreads sets OpenBLAS's thread count, checks it, and products stay right", () => {
  const before = blasThreads();
  assert.ok(before !== null && before >= 1, `OpenBLAS reports ${before} threads`);
  try {
    assert.equal(setBlasThreads(1), before);
    assert.equal(blasThreads(), 1);
    const m = 70, n = 33, k = 129;
    const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));
    const c1 = new Float64Array(m * n), c2 = new Float64Array(m * n);
    const call = { transA: false, transB: false, m, n, k, alpha: 1, a, b, beta: 0 };
    tryBackend("blas")!.gemm({ ...call, c: c1 });
    jsBackend.gemm({ ...call, c: c2 });
    for (let i = 0; i < c1.length; i++) assert.ok(Math.abs(c1[i] - c2[i]) < 1e-12);
    for (const bad of [0, -1, 1.5, NaN]) {
      assert.throws(() => setBlasThreads(bad), /setBlasThreads: expected an integer >= 1, got/);
    }
    assert.equal(blasThreads(), 1, "a refused count changes nothing");
  } finally {
    setBlasThreads(before!);
  }
  assert.equal(blasThreads(), before);
});

Deno.test("setBlasThreads without a loadable BLAS says why, naming the library", async () => {
  const dir = await Deno.makeTempDir({ prefix: "blas-abi-" });
  try {
    const file = join(dir, "threads.ts");
    await Deno.writeTextFile(
      file,
      `import { setBlasThreads } from "${new URL("../kernels/mod.ts", import.meta.url).href}";
      try { setBlasThreads(1); } catch (e) { console.log((e as Error).message); }`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", "--config", join(ROOT, "deno.json"), file],
      env: { DENO_BLAS_PATH: join(dir, "missing.so") },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.match(
      text,
      /^setBlasThreads: the blas backend is unavailable \(no CBLAS library loaded \(.*missing\.so: /m,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
