/**
 * The gemm backends: `js` against a naive triple loop, every other available backend against `js`
 * (and the same naive loop), the registry's dispatch, `auto`'s routing, calibration, and the ONNX
 * model the ONNX Runtime backends run (against the bytes Python's `onnx` writes).
 *
 * Backends that cannot load here are listed as ignored tests whose name carries the reason.
 */
import assert from "node:assert/strict";
import {
  autoChoice,
  type Backend,
  calibrate,
  type CalibrationTable,
  type FloatArray,
  gemm,
  gemmModel,
  getBackend,
  getCalibration,
  jsBackend,
  type KernelDType,
  listBackends,
  nearestPoint,
  rankAt,
  setBackend,
  setCalibration,
  setSmallWorkThreshold,
  smallWorkFromTable,
  smallWorkThreshold,
  tryBackend,
} from "../kernels/mod.ts";
import { createAutoBackend } from "../kernels/auto.ts";

// ---------------------------------------------------------------------------------------------
// Reference and case generation

/** Deterministic values in [-1, 1) (a tiny LCG, independent of lib/random). */
function filled(dtype: KernelDType, size: number, seed: number): FloatArray {
  const x = dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  dtype: KernelDType;
}

/**
 * The textbook triple loop in float64 on the (already rounded) inputs, plus the bound
 * `sum_p |alpha a_ip b_pj| + |beta c_ij|` that scales the rounding error of any correct gemm.
 */
function naive(cs: Case, a: FloatArray, b: FloatArray, c0: FloatArray) {
  const { m, n, k, transA, transB, alpha, beta } = cs;
  const ref = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        acc += av * bv;
        abs += Math.abs(av * bv);
      }
      // beta = 0 means "ignore C", even when C holds NaN (BLAS semantics).
      const old = beta === 0 ? 0 : beta * c0[i * n + j];
      ref[i * n + j] = alpha * acc + old;
      mag[i * n + j] = Math.abs(alpha) * abs + Math.abs(old);
    }
  }
  return { ref, mag };
}

const EPS: Record<KernelDType, number> = { float32: 2 ** -24, float64: 2 ** -53 };

/** Asserts |got - ref| <= 2 (k + 2) eps * mag elementwise (the classic gemm error bound, doubled). */
function assertWithinGemmBound(
  got: FloatArray,
  ref: ArrayLike<number>,
  mag: ArrayLike<number>,
  cs: Case,
  what: string,
): void {
  const tol = 2 * (cs.k + 2) * EPS[cs.dtype];
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(got[i] - ref[i]);
    if (!(err <= tol * mag[i] + 1e-300)) {
      assert.fail(
        `${what}: C[${i}] = ${got[i]}, expected ${ref[i]} (error ${err}, bound ${tol * mag[i]}) ` +
          `for ${JSON.stringify(cs)}`,
      );
    }
  }
}

/** Shapes of issue 6: 1x1, 1xn, nx1, odd sizes, plus k = 1. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 37, 19],
  [23, 1, 17],
  [5, 6, 1],
  [7, 13, 5],
  [129, 65, 257],
];
/** alpha/beta pairs: plain, scaled with NaN in C (beta = 0 must ignore it), accumulate, general. */
const SCALES: [number, number][] = [[1, 0], [-0.5, 0], [1, 1], [0.75, -1.5]];

function cases(dtype: KernelDType): Case[] {
  const out: Case[] = [];
  for (const [m, n, k] of SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [alpha, beta] of SCALES) {
          out.push({ m, n, k, transA, transB, alpha, beta, dtype });
        }
      }
    }
  }
  return out;
}

/** Runs one case on `backend`; C starts as NaN when beta = 0 so that leaking it would show. */
function run(backend: Backend, cs: Case, seed: number) {
  const { m, n, k, dtype } = cs;
  const a = filled(dtype, m * k, seed);
  const b = filled(dtype, k * n, seed + 1);
  const c0 = cs.beta === 0 ? filled(dtype, m * n, 0).fill(NaN) : filled(dtype, m * n, seed + 2);
  const c = c0.slice();
  backend.gemm({ ...cs, a, b, c });
  return { a, b, c0, c };
}

function label(cs: Case): string {
  return `${cs.m}x${cs.n}x${cs.k} ${cs.transA ? "T" : "N"}${cs.transB ? "T" : "N"} ` +
    `alpha=${cs.alpha} beta=${cs.beta} ${cs.dtype}`;
}

// ---------------------------------------------------------------------------------------------
// js against the naive reference

for (const dtype of ["float32", "float64"] as const) {
  Deno.test(`jsGemm() matches a naive triple loop: 1x1, 1xn, nx1, odd sizes, all transposes, alpha/beta (${dtype})`, () => {
    let seed = 10;
    for (const cs of cases(dtype)) {
      const { a, b, c0, c } = run(jsBackend, cs, seed += 3);
      const { ref, mag } = naive(cs, a, b, c0);
      assertWithinGemmBound(c, ref, mag, cs, `js ${label(cs)}`);
    }
  });
}

Deno.test("jsGemm() with beta = 0 overwrites NaN and Infinity in C", () => {
  const c = new Float64Array([NaN, Infinity, -Infinity, NaN]);
  jsBackend.gemm({
    transA: false,
    transB: false,
    m: 2,
    n: 2,
    k: 1,
    alpha: 1,
    a: new Float64Array([1, 2]),
    b: new Float64Array([3, 4]),
    beta: 0,
    c,
  });
  assert.deepEqual([...c], [3, 4, 6, 8]);
});

/** The degenerate sizes and bad arguments every backend must handle the same way. */
function checkEdges(backend: Backend): void {
  // k = 0: C = beta * C (nothing to multiply); beta = 0 overwrites NaN.
  const c = new Float64Array([1, 2, NaN, 4]);
  const empty = new Float64Array(0);
  const base = { transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, a: empty, b: empty };
  backend.gemm({ ...base, beta: 0, c });
  assert.deepEqual([...c], [0, 0, 0, 0]);
  const d = new Float64Array([1, 2, 3, 4]);
  backend.gemm({ ...base, beta: 2, c: d });
  assert.deepEqual([...d], [2, 4, 6, 8]);
  // alpha = 0 scales C only.
  const e = new Float64Array([1, 2, 3, 4]);
  backend.gemm({
    ...base,
    k: 1,
    a: new Float64Array([NaN, 1]),
    b: new Float64Array([1, 1]),
    alpha: 0,
    beta: -1,
    c: e,
  });
  assert.deepEqual([...e], [-1, -2, -3, -4]);
  // m = 0: nothing to do, nothing touched.
  backend.gemm({ ...base, m: 0, k: 3, a: empty, b: new Float64Array(6), beta: 0, c: empty });
  // Bad sizes and types are refused with the sizes in the message, before any work.
  const a6 = new Float64Array(6), b6 = new Float64Array(6), c4 = new Float64Array(4);
  const ok = {
    transA: false,
    transB: false,
    m: 2,
    n: 2,
    k: 3,
    alpha: 1,
    a: a6,
    b: b6,
    beta: 0,
    c: c4,
  };
  assert.throws(
    () => backend.gemm({ ...ok, a: new Float64Array(5) }),
    /A has 5 elements, needs m\*k = 2\*3 = 6/,
  );
  assert.throws(
    () => backend.gemm({ ...ok, b: new Float64Array(2) }),
    /B has 2 elements, needs k\*n = 3\*2 = 6/,
  );
  assert.throws(
    () => backend.gemm({ ...ok, c: new Float64Array(3) }),
    /C has 3 elements, needs m\*n = 2\*2 = 4/,
  );
  assert.throws(() => backend.gemm({ ...ok, m: -1 }), /m must be a non-negative integer, got -1/);
  assert.throws(() => backend.gemm({ ...ok, k: 1.5 }), /k must be a non-negative integer, got 1.5/);
  assert.throws(
    () => backend.gemm({ ...ok, a: new Float32Array(6) }),
    /mixed element types A float32, B float64, C float64/,
  );
}

Deno.test("jsGemm() handles k = 0, alpha = 0, m = 0 and refuses bad sizes and mixed types", () => {
  checkEdges(jsBackend);
});

// ---------------------------------------------------------------------------------------------
// Every other backend against js (and the naive loop)

const infos = listBackends();

for (const info of infos) {
  if (info.name === "js" || info.name === "auto") continue;
  if (!info.available) {
    Deno.test({
      name: `${info.name} matches js (skipped: ${info.reason})`,
      ignore: true,
      fn() {},
    });
    continue;
  }
  const backend = tryBackend(info.name)!;
  for (const dtype of ["float32", "float64"] as const) {
    if (!backend.supports(dtype)) {
      Deno.test(`${info.name} reports no ${dtype}, and the dispatcher falls back to js once with a warning`, () => {
        const warnings: string[] = [];
        const warn = console.warn;
        console.warn = (msg: string) => warnings.push(msg);
        const previous = getBackend().name;
        try {
          setBackend(info.name);
          setSmallWorkThreshold(0);
          const cs = cases(dtype)[4 * 4 * 4]; // a 7x13x5 case
          for (let i = 0; i < 2; i++) {
            const a = filled(dtype, cs.m * cs.k, 1), b = filled(dtype, cs.k * cs.n, 2);
            const c = filled(dtype, cs.m * cs.n, 3), r = c.slice();
            gemm({ ...cs, a, b, c });
            jsBackend.gemm({ ...cs, a, b, c: r });
            assert.deepEqual(c, r); // bit for bit: js did it
          }
        } finally {
          setSmallWorkThreshold(null);
          setBackend(previous);
          console.warn = warn;
        }
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], new RegExp(`"${info.name}" has no ${dtype} gemm; using "js"`));
      });
      continue;
    }
    Deno.test(`${info.name} matches js: 1x1, 1xn, nx1, odd sizes, all transposes, alpha/beta (${dtype})`, () => {
      let seed = 100;
      for (const cs of cases(dtype)) {
        const { a, b, c0, c } = run(backend, cs, seed += 3);
        const { ref, mag } = naive(cs, a, b, c0);
        const viaJs = c0.slice();
        jsBackend.gemm({ ...cs, a, b, c: viaJs });
        assertWithinGemmBound(c, viaJs, mag, cs, `${info.name} vs js ${label(cs)}`);
        assertWithinGemmBound(c, ref, mag, cs, `${info.name} vs naive ${label(cs)}`);
      }
    });
  }
  if (backend.supports("float64")) {
    Deno.test(`${info.name} handles k = 0, alpha = 0, m = 0 and refuses bad sizes and mixed types`, () => {
      checkEdges(backend);
    });
  }
  Deno.test(`${info.name} reads operands through subarray views at an offset`, () => {
    const dtype: KernelDType = backend.supports("float64") ? "float64" : "float32";
    const big = filled(dtype, 64, 7);
    const a = big.subarray(3, 3 + 12), b = big.subarray(20, 20 + 15);
    const c = filled(dtype, 40, 1).subarray(5, 25);
    const cs: Case = { m: 4, n: 5, k: 3, transA: false, transB: true, alpha: 1, beta: 0, dtype };
    backend.gemm({ ...cs, a, b, c });
    const { ref, mag } = naive(cs, a, b, c);
    assertWithinGemmBound(c, ref, mag, cs, `${info.name} offsets`);
  });
}

// ---------------------------------------------------------------------------------------------
// Registry and auto

Deno.test("listBackends() names every backend, with a reason for each unavailable one", () => {
  const names = infos.map((b) => b.name);
  for (const name of ["js", "blas", "ort-node", "ort-wasm", "ort-webgpu", "auto"]) {
    assert.ok(names.includes(name), `${name} is registered`);
  }
  for (const b of infos) {
    if (!b.available) assert.ok(b.reason && b.reason.length > 0, `${b.name} says why`);
    else assert.equal(b.reason, undefined);
  }
  assert.equal(infos.find((b) => b.name === "js")?.available, true);
});

Deno.test("setBackend() refuses an unknown name and lists the known ones", () => {
  assert.throws(() => setBackend("nope"), /unknown backend "nope"; known: js, blas, ort-node/);
});

/** A synthetic table: js best at 2 and 8, "fast" best from 32 on, "gpu" (float32 only) best at 128. */
const TABLE: CalibrationTable = {
  machine: "test",
  date: "2000-01-01",
  sizes: [2, 8, 32, 128],
  gflops: {
    js: { float32: [1, 2, 3, 3], float64: [1, 2, 3, 3] },
    fast: { float32: [0.5, 1, 50, 60], float64: [0.5, 1.5, 20, 30] },
    gpu: { float32: [0, 0.1, 10, 100] },
    gone: { float32: [9, 9, 99, 999], float64: [9, 9, 99, 999] },
  },
};

/** A backend that records its calls and multiplies nothing. */
function recorder(name: string, dtypes: KernelDType[], log: string[]): Backend {
  return {
    name,
    supports: (d) => dtypes.includes(d),
    gemm: (call) => void log.push(`${name}:${call.m}`),
  };
}

Deno.test("nearestPoint() picks the ladder size nearest to m*n*k on a log scale", () => {
  const sizes = TABLE.sizes;
  assert.equal(nearestPoint(sizes, 1), 0);
  assert.equal(nearestPoint(sizes, 8), 0); // 2^3
  assert.equal(nearestPoint(sizes, 3 ** 3), 0);
  assert.equal(nearestPoint(sizes, 5 ** 3), 1);
  assert.equal(nearestPoint(sizes, 64 * 784 * 500), 3);
});

Deno.test("rankAt() orders backends fastest first and omits dtypes a backend lacks", () => {
  assert.deepEqual(rankAt(TABLE, "float32", 0), ["gone", "js", "fast"]); // gpu's 0 means unmeasured
  assert.deepEqual(rankAt(TABLE, "float64", 3), ["gone", "fast", "js"]);
});

Deno.test("auto routes each product to the fastest available backend for its dtype and size", () => {
  const log: string[] = [];
  const fast = recorder("fast", ["float32", "float64"], log);
  const gpu = recorder("gpu", ["float32"], log);
  const js = recorder("js", ["float32", "float64"], log);
  const resolve = (name: string) => ({ fast, gpu, js } as Record<string, Backend>)[name]; // "gone" is unavailable
  const auto = createAutoBackend(() => TABLE, resolve, js);
  const call = (m: number, dtype: KernelDType) => {
    const x = dtype === "float32" ? new Float32Array(m * m) : new Float64Array(m * m);
    auto.gemm({ transA: false, transB: false, m, n: m, k: m, alpha: 1, a: x, b: x, beta: 0, c: x });
  };
  call(2, "float32"),
    call(8, "float64"),
    call(32, "float32"),
    call(128, "float32"),
    call(128, "float64");
  assert.deepEqual(log, ["js:2", "js:8", "fast:32", "gpu:128", "fast:128"]);
  assert.equal(autoChoice(TABLE, "float64", 128 ** 3, resolve), "fast");
  assert.equal(autoChoice(TABLE, "float32", 2 ** 3, resolve), "js");
});

Deno.test("smallWorkFromTable() puts the js threshold halfway (log scale) to where a backend wins for good", () => {
  // fast beats js from size 32 on (float32): halfway between 8^3 and 32^3 is 16^3.
  assert.equal(smallWorkFromTable(TABLE, "fast", "float32"), 16 ** 3);
  // gone beats js everywhere: no threshold.
  assert.equal(smallWorkFromTable(TABLE, "gone", "float64"), 0);
  assert.equal(smallWorkFromTable(TABLE, "gpu", "float64"), undefined);
  const never: CalibrationTable = {
    ...TABLE,
    gflops: { js: TABLE.gflops.js, slow: { float64: [0, 0, 0, 0] } },
  };
  assert.equal(smallWorkFromTable(never, "slow", "float64"), Infinity);
});

Deno.test("setCalibration() checks the table and drives the thresholds; setSmallWorkThreshold() overrides", () => {
  const saved = getCalibration();
  try {
    assert.throws(
      () => setCalibration({ ...TABLE, gflops: { js: { float32: [1, 2] } } }),
      /js\/float32 has 2 speeds for 4 sizes/,
    );
    setCalibration(TABLE);
    assert.equal(smallWorkThreshold("fast", "float32"), 16 ** 3);
    assert.equal(smallWorkThreshold("unmeasured", "float32"), 32 ** 3);
    setSmallWorkThreshold(5);
    assert.equal(smallWorkThreshold("fast", "float32"), 5);
    assert.throws(() => setSmallWorkThreshold(-1), /expected a number >= 0 or null, got -1/);
  } finally {
    setSmallWorkThreshold(null);
    setCalibration(saved);
  }
});

Deno.test("the committed calibration covers js and both dtypes on its ladder", () => {
  const t = getCalibration();
  assert.ok(t.sizes.length >= 8);
  for (const dtype of ["float32", "float64"] as const) {
    assert.equal(t.gflops.js?.[dtype]?.length, t.sizes.length);
  }
});

Deno.test("gemm() under auto gives the naive result for every dtype and a spread of sizes", () => {
  const previous = getBackend().name;
  try {
    setBackend("auto");
    let seed = 500;
    for (const dtype of ["float32", "float64"] as const) {
      for (const s of [1, 3, 17, 70, 130]) {
        const cs: Case = {
          m: s,
          n: s + 1,
          k: s + 2,
          transA: true,
          transB: false,
          alpha: 1,
          beta: 0,
          dtype,
        };
        const a = filled(dtype, cs.m * cs.k, seed++), b = filled(dtype, cs.k * cs.n, seed++);
        const c = filled(dtype, cs.m * cs.n, 0).fill(NaN);
        gemm({ ...cs, a, b, c });
        const { ref, mag } = naive(cs, a, b, c);
        assertWithinGemmBound(c, ref, mag, cs, `auto ${label(cs)}`);
      }
    }
  } finally {
    setBackend(previous);
  }
});

Deno.test("calibrate() measures the chosen backends on the ladder without applying when asked", () => {
  const before = getCalibration();
  const t = calibrate({ backends: ["js"], sizes: [2, 16], budgetMs: 1, apply: false });
  assert.equal(getCalibration(), before);
  assert.deepEqual(t.sizes, [2, 16]);
  for (const dtype of ["float32", "float64"] as const) {
    const row = t.gflops.js[dtype]!;
    assert.equal(row.length, 2);
    assert.ok(row.every((v) => v > 0 && Number.isFinite(v)));
  }
});

// ---------------------------------------------------------------------------------------------
// The ONNX model of the ONNX Runtime backends

Deno.test("gemmModel() encodes the same bytes as Python's onnx.helper for every dtype and transpose", () => {
  const fixture = JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/kernels/gemm_models.json", import.meta.url)),
  ) as Record<string, string>;
  assert.equal(Object.keys(fixture).length, 8);
  for (const [key, b64] of Object.entries(fixture)) {
    const [dtype, ta, tb] = key.split("/");
    const mine = gemmModel({ dtype: dtype as KernelDType, transA: ta === "1", transB: tb === "1" });
    const ref = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    assert.deepEqual(mine, ref, key);
  }
});
