/**
 * The pieces that let training run at the kernels' speed: `out` options (results written into a
 * kept tensor are the same bits as fresh ones), the shared softmax / log-sum-exp against SciPy,
 * the fused softmax cross-entropy, weight decay in the optimizer base class, and `auto`'s
 * calibration cache.
 */
import assert from "node:assert/strict";
import {
  add,
  exp,
  logSoftmax,
  logSumExp,
  matmul,
  maximum,
  mul,
  softmax,
  sum,
  Tensor,
  tensor,
  zerosLike,
} from "../lib/tensor/mod.ts";
import { allocate } from "../lib/tensor/tensor.ts";
import { addRowInPlace, addsRowNatively } from "../lib/tensor/linalg.ts";
import { HUGE_PAGE_MIN_BYTES } from "../lib/tensor/memory.ts";
import {
  BCELoss,
  CrossEntropyLoss,
  Dropout,
  Linear,
  LogSoftmax,
  type Module,
  MSELoss,
  NLLLoss,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  SoftmaxCrossEntropyLoss,
  Tanh,
} from "../lib/nn/mod.ts";
import { defaultRng } from "../lib/random/mod.ts";
import { SGD } from "../lib/optim/mod.ts";
import { calibrateForThisMachine, calibrationKey, getBackend, tryBackend } from "../kernels/mod.ts";
import { assertClose } from "./notebook_support.ts";

/** Deterministic values in [-2, 2) from a small LCG. */
function filled(
  shape: readonly number[],
  seed: number,
  dtype: "float32" | "float64" = "float64",
): Tensor {
  const t = new Tensor(allocate(dtype, shape.reduce((p, d) => p * d, 1)), shape);
  let s = seed >>> 0;
  for (let i = 0; i < t.size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    t.data[i] = 4 * (s / 2 ** 32) - 2;
  }
  return t;
}

Deno.test("matmul({out}) writes the same bits as a fresh matmul, for every transpose and dtype", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = filled(transA ? [7, 5] : [5, 7], 1, dtype);
      const b = filled(transB ? [3, 7] : [7, 3], 2, dtype);
      const fresh = matmul(a, b, { transA, transB });
      const out = filled([5, 3], 3, dtype);
      const returned = matmul(a, b, { transA, transB, out });
      assert.equal(returned, out);
      assert.deepEqual([...out.data], [...fresh.data]);
    }
  }
});

Deno.test("matmul({out}) refuses a wrong shape or dtype and an out that overlaps an operand", () => {
  const a = filled([4, 4], 1), b = filled([4, 2], 2);
  assert.throws(
    () => matmul(a, b, { out: filled([2, 4], 3) }),
    /matmul: out has shape \[2,4\] and dtype float64, but the product has shape \[4,2\]/,
  );
  assert.throws(() => matmul(a, b, { out: filled([4, 2], 3, "float32") }), /dtype float32/);
  assert.throws(
    () => matmul(a, a, { out: a }),
    /matmul: out shares memory with an operand/,
  );
});

Deno.test("element-wise {out}: same bits as fresh results, in place on an operand, shape checked", () => {
  const x = filled([6, 4], 4), bias = filled([4], 5);
  const fresh = add(x, bias);
  const out = filled([6, 4], 6);
  assert.equal(add(x, bias, { out }), out);
  assert.deepEqual([...out.data], [...fresh.data]);
  const relu = maximum(x, 0);
  const inPlace = x.clone();
  maximum(inPlace, 0, { out: inPlace });
  assert.deepEqual([...inPlace.data], [...relu.data]);
  const e = exp(x);
  assert.deepEqual([...exp(x, { out: filled([6, 4], 7) }).data], [...e.data]);
  assert.throws(() => mul(x, bias, { out: filled([4], 8) }), /mul: out has shape \[4\]/);
});

Deno.test("large buffers come back zeroed and of the right length after the huge-page advice", () => {
  const n = HUGE_PAGE_MIN_BYTES / 8 + 3;
  const d = allocate("float64", n);
  assert.equal(d.length, n);
  assert.ok(d.every((v) => v === 0));
  d[n - 1] = 1.5;
  assert.equal(d[n - 1], 1.5);
});

Deno.test("softmax, logSoftmax and logSumExp match scipy.special along every axis", async () => {
  const fx = JSON.parse(
    await Deno.readTextFile(new URL("./fixtures/softmax_scipy.json", import.meta.url)),
  );
  const x = new Tensor(new Float64Array(fx.x), fx.shape);
  for (const c of fx.cases) {
    const where = `axis ${c.axis}`;
    assertClose(
      [...softmax(x, { axis: c.axis }).data],
      c.softmax,
      `softmax ${where}`,
      1e-14,
      1e-300,
    );
    assertClose(
      [...logSoftmax(x, { axis: c.axis }).data],
      c.log_softmax,
      `logSoftmax ${where}`,
      1e-13,
      1e-13,
    );
    const lse = logSumExp(x, { axis: c.axis });
    assert.deepEqual(lse.shape, c.logsumexp_shape);
    assertClose([...lse.data], c.logsumexp, `logSumExp ${where}`, 1e-14);
  }
});

Deno.test("SoftmaxCrossEntropyLoss.backward follows logits changed in place after forward", () => {
  const logits = filled([5, 4], 9);
  const labels = [0, 3, 1, 2, 3];
  const loss = new SoftmaxCrossEntropyLoss();
  loss.forward(logits, labels);
  const reused = loss.backward(logits, labels);
  // Finite differences change a logit in place between forward and backward: no stale softmax.
  logits.data[6] += 0.25;
  const afterChange = loss.backward(logits, labels);
  const fresh = new SoftmaxCrossEntropyLoss().backward(logits, labels);
  assert.deepEqual([...afterChange.data], [...fresh.data]);
  assert.notDeepEqual([...afterChange.data], [...reused.data]);
  // And the gradient is (softmax - onehot) / N, from the shared softmax.
  const p = softmax(logits);
  const expected = [...p.data].map((v, k) =>
    (v - (labels[Math.floor(k / 4)] === k % 4 ? 1 : 0)) / 5
  );
  assertClose([...fresh.data], expected, "gradient", 1e-15, 1e-17);
});

Deno.test("weight decay is applied once, in the optimizer base class: w -= lr * (g + wd * w)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const w = filled([3, 2], 10, dtype), g = filled([3, 2], 11, dtype);
    const w0 = [...w.data], g0 = [...g.data];
    const opt = new SGD([{ name: "w", value: w, grad: g }], { lr: 0.1, weightDecay: 0.01 });
    opt.step();
    const expected = w0.map((v, i) => Math.fround(v - 0.1 * (g0[i] + 0.01 * v)));
    const exact = dtype === "float32" ? expected : w0.map((v, i) => v - 0.1 * (g0[i] + 0.01 * v));
    assert.deepEqual([...w.data], exact);
    assert.deepEqual([...g.data], g0, "the gradient itself is left as backward wrote it");
  }
});

Deno.test("auto's first-use calibration is measured once, then read from the cache folder", () => {
  if (!tryBackend("blas")) return; // nothing to route between without a native backend
  const dir = Deno.makeTempDirSync({ prefix: "calibration_test_" });
  try {
    const first = calibrateForThisMachine({ cacheDir: dir, budgetMs: 1 });
    assert.ok(first);
    const files = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.equal(files.length, 1, `one file, no temporary left: ${files}`);
    assert.match(files[0], /^[0-9a-f]{8}\.json$/);
    const saved = JSON.parse(Deno.readTextFileSync(`${dir}/${files[0]}`));
    assert.equal(saved.key, calibrationKey());
    assert.ok(saved.gflops.js && saved.gflops.blas);
    const second = calibrateForThisMachine({ cacheDir: dir, budgetMs: 1 });
    assert.deepEqual(second, saved);
    // A table measured under another key (another CPU or BLAS) is measured again and replaced.
    Deno.writeTextFileSync(`${dir}/${files[0]}`, JSON.stringify({ ...saved, key: "other" }));
    const third = calibrateForThisMachine({ cacheDir: dir, budgetMs: 1 });
    assert.notEqual(third?.date, undefined);
    assert.equal(JSON.parse(Deno.readTextFileSync(`${dir}/${files[0]}`)).key, calibrationKey());
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("tensor(...) through matmul({out}) keeps a 1-D result for matrix @ vector", () => {
  const m = tensor([[1, 2], [3, 4]]), v = tensor([1, 1]);
  const out = tensor([0, 0]);
  assert.deepEqual(matmul(m, v, { out }).toArray(), [3, 7]);
});

Deno.test("backward({out}) writes the input gradient into a kept tensor: same bits as fresh, shape checked", () => {
  const makers: [string, () => Module][] = [
    ["Linear", () => new Linear(6, 4, { init: "product-uniform", rng: defaultRng(3), dtype })],
    ["ReLU", () => new ReLU()],
    ["Sigmoid", () => new Sigmoid()],
    ["Tanh", () => new Tanh()],
    ["Softmax", () => new Softmax()],
    ["LogSoftmax", () => new LogSoftmax()],
    ["Dropout", () => new Dropout(0.3, { rng: defaultRng(4) })],
    ["Dropout (eval)", () => new Dropout(0.3).eval()],
  ];
  let dtype: "float32" | "float64" = "float64";
  for (dtype of ["float64", "float32"] as const) {
    for (const [name, make] of makers) {
      const x = filled([5, 6], 21, dtype);
      const fresh = make(), kept = make();
      const y = fresh.forward(x);
      kept.forward(x);
      const dy = filled(y.shape, 22, dtype);
      const expected = fresh.backward(dy);
      const out = filled(x.shape, 23, dtype); // stale contents: every element must be written
      const got = kept.backward(dy, { out });
      assert.equal(got, out, `${name} ${dtype}: returns out itself`);
      assert.deepEqual([...out.data], [...expected.data], `${name} ${dtype}`);
      const wrongShape = new Tensor(allocate(dtype, 30), [6, 5]);
      assert.throws(
        () => kept.backward(dy, { out: wrongShape }),
        /backward: out has shape \[6,5\]/,
      );
      const otherType = filled(x.shape, 24, dtype === "float32" ? "float64" : "float32");
      assert.throws(() => kept.backward(dy, { out: otherType }), /and dtype/);
    }
  }
  // A Sequential passes out to its first layer; the reused inner buffers are untouched by it.
  const net = () =>
    new Sequential([
      new Linear(6, 8, { init: "product-uniform", rng: defaultRng(5) }),
      new ReLU(),
      new Linear(8, 3, { init: "product-uniform", rng: defaultRng(6) }),
    ]);
  const a = net(), b = net();
  const x = filled([7, 6], 25);
  const dy = filled([7, 3], 26);
  a.forward(x);
  b.forward(x);
  const expected = a.backward(dy);
  const out = filled([7, 6], 27);
  assert.equal(b.backward(dy, { out }), out);
  assert.deepEqual([...out.data], [...expected.data]);
  assert.deepEqual([...b.parameters()[0].grad.data], [...a.parameters()[0].grad.data]);
  // Linear's product cannot run in place: out sharing memory with dy is refused by matmul.
  const square = new Linear(4, 4, { init: "zeros" });
  const sq = filled([3, 4], 28);
  square.forward(sq);
  const g = filled([3, 4], 29);
  assert.throws(() => square.backward(g, { out: g }), /shares memory/);
});

Deno.test("freed tensor memory stays in the process for the next arrays, unless DENO_DL_MALLOC=system", async () => {
  if (Deno.build.os !== "linux") return; // glibc's mallopt: the tuning is Linux-only
  const lib = new URL("../lib/tensor/", import.meta.url).href;
  const script = `
    import { allocate } from "${lib}tensor.ts";
    import { mallocKeepsMemory } from "${lib}memory.ts";
    const rss = () => Deno.memoryUsage().rss / 2 ** 20;
    allocate("float64", 1 << 20).fill(1); // the first large allocation tunes the C library
    const before = rss();
    let x = allocate("float64", 16 << 20); // 128 MiB, written so that it is resident
    x.fill(1);
    const grew = rss() - before;
    x = null;
    globalThis.gc();
    // V8 frees the buffer on a background thread: wait for the memory to go, up to 3 s.
    for (let i = 0; i < 30 && rss() - before > 64; i++) await new Promise((r) => setTimeout(r, 100));
    console.log(JSON.stringify({ kept: mallocKeepsMemory(), grew, after: rss() - before }));`;
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/keep.mjs`;
    await Deno.writeTextFile(file, script);
    const run = async (flags: string[], env: Record<string, string>) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-config", "--v8-flags=--expose-gc", ...flags, file],
        env,
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      return JSON.parse(new TextDecoder().decode(out.stdout));
    };
    const tuned = await run(["-A"], {});
    assert.equal(tuned.kept, true);
    assert.ok(tuned.grew > 120, `the 128 MiB array was resident: +${tuned.grew} MiB`);
    assert.ok(tuned.after > 120, `freed memory stayed in the process: +${tuned.after} MiB`);
    for (
      const [flags, env] of [[["-A"], { DENO_DL_MALLOC: "system" }], [[
        "--allow-read",
        "--allow-env",
      ], {}]] as const
    ) {
      const plain = await run([...flags], env);
      assert.equal(plain.kept, false, `${flags} ${JSON.stringify(env)}`);
      assert.ok(plain.after < 64, `the C library's defaults return it: +${plain.after} MiB`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bias added through the native BLAS (rank-1 gemm) has the bits of the plain loop", () => {
  // 1031 x 67 = 69,077 elements: above the size from which a row sum goes to the BLAS.
  const rows = 1031, n = 67;
  const special = [
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    5e-324,
    -2.2e-308,
    1.7e308,
    -1.7e308,
    3e38,
    1e-45,
  ];
  // The BLAS is used under `blas` or `auto` only: a user who selected `js` gets no native code.
  const native = tryBackend("blas") !== undefined && ["blas", "auto"].includes(getBackend().name);
  for (const dtype of ["float64", "float32"] as const) {
    const rng = defaultRng(11);
    const z = new Tensor(allocate(dtype, rows * n), [rows, n]);
    for (let i = 0; i < z.size; i++) {
      z.data[i] = i % 97 < special.length
        ? special[i % 97]
        : (rng.random() - 0.5) * 10 ** (i % 9 - 4);
    }
    const b = new Tensor(allocate(dtype, n), [n]);
    for (let j = 0; j < n; j++) {
      b.data[j] = j < special.length ? special[(j * 3) % special.length] : rng.random() - 0.5;
    }
    const loop = (row: Tensor) => {
      const e = z.data.slice();
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) e[r * n + j] += row.data[j];
      return e;
    };
    const same = (got: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
      for (let i = 0; i < want.length; i++) {
        assert.ok(Object.is(got[i], want[i]), `${dtype} ${what} [${i}]: ${got[i]} vs ${want[i]}`);
      }
    };
    // A row holding -0 stays in the loop: -0 + -0 is -0 there, +0 from the BLAS kernel.
    assert.ok([...b.data].some((v) => Object.is(v, -0)));
    assert.equal(addsRowNatively(z.data, b.data, rows), false);
    const y = z.data.slice();
    addRowInPlace(y, b.data, rows);
    same(y, loop(b), "row with -0");
    same(add(z, b).data, y, "add, row with -0");
    const small = new Tensor(z.data.subarray(0, 3 * n), [3, n]);
    same(add(small, b).data, y.subarray(0, 3 * n), "add, 3 rows");
    // Without it, the BLAS path runs (where BLAS loads) with the loop's bits on every other value.
    for (let j = 0; j < n; j++) if (Object.is(b.data[j], -0)) b.data[j] = 0;
    assert.equal(addsRowNatively(z.data, b.data, rows), native);
    const want = loop(b);
    const y2 = z.data.slice();
    addRowInPlace(y2, b.data, rows);
    same(y2, want, "addRowInPlace");
    same(add(z, b).data, want, "add");
    const out = zerosLike(z);
    assert.equal(add(z, b, { out }), out);
    same(out.data, want, "add({out})");
    const inPlace = z.clone();
    add(inPlace, b, { out: inPlace });
    same(inPlace.data, want, "add in place");
    // Small sums stay in the loop.
    assert.equal(addsRowNatively(z.data, b.data, 3), false);
  }
});

Deno.test("loss.backward({out}) writes the gradient into a kept tensor: same bits as fresh, checked", () => {
  const rng = defaultRng(5);
  for (const dtype of ["float64", "float32"] as const) {
    const filled = (shape: readonly number[], f: () => number) => {
      const t = new Tensor(allocate(dtype, shape.reduce((p, d) => p * d, 1)), shape);
      for (let i = 0; i < t.size; i++) t.data[i] = f();
      return t;
    };
    const logits = filled([7, 4], () => rng.random() * 4 - 2);
    const probs = softmax(logits);
    const labels = [0, 3, 1, 1, 2, 0, 3];
    const dense = filled([7, 4], () => (rng.random() < 0.5 ? 0 : 1));
    const cases: [
      string,
      { backward: (p: Tensor, t: Tensor | number[], o?: { out?: Tensor }) => Tensor },
      Tensor,
      Tensor | number[],
    ][] = [
      ["SoftmaxCrossEntropyLoss", new SoftmaxCrossEntropyLoss(), logits, labels],
      ["CrossEntropyLoss", new CrossEntropyLoss({ eps: 1e-7 }), probs, labels],
      ["NLLLoss", new NLLLoss(), logSoftmax(logits), labels],
      ["BCELoss", new BCELoss({ eps: 1e-7 }), probs, dense],
      ["MSELoss", new MSELoss(), logits, dense],
    ];
    for (const [name, loss, pred, target] of cases) {
      const fresh = loss.backward(pred, target);
      // Garbage in out first: the losses that write only the target's entries must zero it.
      const out = filled(pred.shape, () => 123.5);
      assert.equal(loss.backward(pred, target, { out }), out, `${name} returns out`);
      for (let i = 0; i < fresh.size; i++) {
        assert.ok(Object.is(out.data[i], fresh.data[i]), `${name} ${dtype} [${i}]`);
      }
      assert.throws(
        () => loss.backward(pred, target, { out: filled([7, 5], () => 0) }),
        new RegExp(
          `${name}\\.backward: out has shape \\[7,5\\] and dtype ${dtype}, but the gradient has shape \\[7,4\\]`,
        ),
      );
      assert.throws(
        () => loss.backward(pred, target, { out: pred }),
        /out shares memory with the prediction/,
      );
    }
  }
});

Deno.test("maximum(x, 0) and maximum(0, x) on the bits: the general loop's results, NaN and ±0 included", () => {
  const special = [
    NaN,
    -NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    5e-324,
    -5e-324,
    1e-45,
    -1e-45,
    1.7e308,
    -1.7e308,
    3.4e38,
    -3.4e38,
    1,
    -1,
    0.5,
    -0.5,
  ];
  const rng = defaultRng(3);
  for (const dtype of ["float32", "float64"] as const) {
    const n = 4099; // odd, past the specials
    const x = new Tensor(allocate(dtype, n), [n]);
    for (let i = 0; i < n; i++) x.data[i] = i < special.length ? special[i] : rng.random() * 2 - 1;
    // A NaN with its sign bit set (the default NaN of x86 arithmetic) and one with a payload.
    const words = new Int32Array(x.data.buffer, x.data.byteOffset, x.data.byteLength / 4);
    if (dtype === "float32") (words[0] = 0xffc00000 | 0), (words[1] = 0x7f800001);
    else (words[1] = 0xfff80000 | 0), (words[3] = 0x7ff00000), (words[2] = 1);
    for (const zeroFirst of [false, true]) {
      const want = allocate(dtype, n);
      for (let i = 0; i < n; i++) {
        const [u, v] = zeroFirst ? [0, x.data[i]] : [x.data[i], 0];
        want[i] = u > v || u !== u ? u : v;
      }
      const call = (o?: Tensor) =>
        zeroFirst ? maximum(0, x, o ? { out: o } : {}) : maximum(x, 0, o ? { out: o } : {});
      const fresh = call();
      const out = x.clone();
      out.data.fill(7);
      assert.equal(call(out), out);
      const inPlace = x.clone();
      if (zeroFirst) maximum(0, inPlace, { out: inPlace });
      else maximum(inPlace, 0, { out: inPlace });
      for (const [what, got] of [["fresh", fresh], ["out", out], ["in place", inPlace]] as const) {
        for (let i = 0; i < n; i++) {
          assert.ok(
            Object.is(got.data[i], want[i]),
            `${dtype} maximum(${zeroFirst ? "0, x" : "x, 0"}) ${what} [${i}]: x=${x.data[i]}, ` +
              `got ${got.data[i]}, want ${want[i]}`,
          );
        }
      }
    }
  }
});

Deno.test("column sums (sum over a non-last axis, Linear's bias gradient) have the plain loop's bits", () => {
  const rng = defaultRng(11);
  const special = [0, -0, Infinity, -Infinity, NaN, 1e308, -1e308, 5e-324];
  for (const dtype of ["float32", "float64"] as const) {
    // Row counts around the 256-row blocks, widths around the 4-column groups.
    for (const [rows, n] of [[0, 3], [1, 1], [1, 9], [255, 4], [256, 5], [257, 7], [513, 130]]) {
      const x = new Tensor(allocate(dtype, rows * n), [rows, n]);
      for (let i = 0; i < x.size; i++) {
        x.data[i] = i % 29 === 5
          ? special[i % special.length]
          : (rng.random() - 0.5) * 10 ** (i % 7);
      }
      const want = new Float64Array(n);
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) want[j] += x.data[r * n + j];
      const got = sum(x, { axis: 0 });
      const rounded = allocate(dtype, n);
      rounded.set(want);
      for (let j = 0; j < n; j++) {
        assert.ok(Object.is(got.data[j], rounded[j]), `${dtype} [${rows},${n}] column ${j}`);
      }
      // The same matrix as the middle axis of a 3-D tensor: [2, rows, n] summed over axis 1.
      const twice = new Tensor(allocate(dtype, 2 * rows * n), [2, rows, n]);
      twice.data.set(x.data), twice.data.set(x.data, rows * n);
      const middle = sum(twice, { axis: 1 });
      for (let j = 0; j < 2 * n; j++) {
        assert.ok(Object.is(middle.data[j], rounded[j % n]), `${dtype} [2,${rows},${n}] axis 1`);
      }
      if (rows === 0) continue;
      // Linear.backward's bias gradient is the column sums of dy.
      const layer = new Linear(3, n, { dtype });
      layer.forward(filled([rows, 3], 2, dtype));
      layer.backward(x);
      for (let j = 0; j < n; j++) {
        assert.ok(
          Object.is(layer.gradBias!.data[j], rounded[j]),
          `${dtype} gradBias [${rows},${n}]`,
        );
      }
    }
  }
});

Deno.test("gemm with cZeroed on a fresh C gives the bits of beta = 0 (js and the selected backend)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [65, 33, 129], [64, 128, 1]]) {
      const a = filled([m, k], 4, dtype), b = filled([k, n], 5, dtype);
      a.data[0] = -0, b.data[1 % b.size] = NaN;
      for (const backend of [tryBackend("js")!, getBackend()]) {
        const call = { transA: false, transB: false, m, n, k, alpha: 1, a: a.data, b: b.data };
        const old = allocate(dtype, m * n).fill(NaN), fresh = allocate(dtype, m * n);
        backend.gemm({ ...call, beta: 0, c: old });
        backend.gemm({ ...call, beta: 0, c: fresh, cZeroed: true });
        for (let i = 0; i < m * n; i++) {
          assert.ok(Object.is(old[i], fresh[i]), `${backend.name} ${dtype} ${m}x${n}x${k} [${i}]`);
        }
      }
    }
  }
});
