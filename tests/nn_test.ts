/**
 * lib/nn against NumPy (tests/fixtures/nn_reference.json, written by tests/gen/nn_reference.py),
 * against assignment 001's printed numbers, and against finite differences.
 */
import assert from "node:assert/strict";
import { assertCloseWith } from "./assert_close.ts";
import {
  addRegularizationGrad,
  BCELoss,
  CrossEntropyLoss,
  Dropout,
  Linear,
  LogSoftmax,
  type Module,
  MSELoss,
  NLLLoss,
  regularizationLoss,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  SoftmaxCrossEntropyLoss,
  Tanh,
} from "../lib/nn/mod.ts";
import {
  checkGrad,
  checkModuleGradients,
  numericalGrad,
  relativeError,
} from "../lib/gradcheck/mod.ts";
import { defaultRng, RandomState } from "../lib/random/mod.ts";
import { type NestedArray, Tensor, tensor } from "../lib/tensor/mod.ts";

// deno-lint-ignore no-explicit-any
const ref: any = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/nn_reference.json", import.meta.url)),
);

/** The numbers of a nested array, row-major. */
function flatten(x: NestedArray): number[] {
  return Array.isArray(x) ? x.flatMap((v) => flatten(v)) : [x];
}

/** Element-wise |a - e| <= atol + rtol * |e|; this file's default is rtol 1e-12, atol 1e-15. */
const assertClose = assertCloseWith({ rtol: 1e-12, atol: 1e-15 });

const ones = (shape: number[], value = 1) =>
  new Tensor(new Float64Array(shape[0] * (shape[1] ?? 1)).fill(value), shape);
const t = (x: NestedArray) => tensor(x);

/** A random float64 tensor from a seeded generator (values in [lo, hi)). */
function rand(seed: number, shape: number[], lo = -2, hi = 2): Tensor {
  return defaultRng(seed).uniform(lo, hi, shape);
}

// ---------------------------------------------------------------- assignment 001, section 1.4

Deno.test("Linear(5, 7) with defaultRng(12345) gives assignment 001's weights, y and dx", () => {
  const f = ref.a001_linear;
  const rng = defaultRng(12345);
  const x = rng.uniform(0, 1, [3, 5]);
  assertClose(x, f.x, "x", { rtol: 0, atol: 0 });
  const layer = new Linear(5, 7, { init: "product-uniform", rng });
  assertClose(layer.weight, f.W, "W", { rtol: 0, atol: 0 });
  assert.deepEqual([...(layer.bias as Tensor).data], new Array(7).fill(0));
  const y = layer.forward(x);
  assert.deepEqual(y.shape, [3, 7]);
  assertClose(y, f.y, "y");
  // The printed rows of 001 (6 decimals).
  assertClose(
    y.data.slice(0, 7),
    [0.252427, 0.428688, -0.081518, 0.207314, -0.058535, -0.005779, 0.059303],
    "printed y",
    { rtol: 0, atol: 5e-7 },
  );
  const dx = layer.backward(ones([3, 7]));
  assert.deepEqual(dx.shape, [3, 5]);
  assertClose(dx, f.dx, "dx");
  assertClose(
    dx.data.slice(0, 5),
    [-0.326296, -0.992105, 1.657474, 0.165888, -0.622481],
    "printed dx",
    { rtol: 0, atol: 5e-7 },
  );
  assertClose(layer.gradWeight, f.dW, "dW");
  assertClose(layer.gradBias as Tensor, f.db, "db");
  // The generator continues: the next layer's weights are the next draws, row-major.
  const next = new Linear(7, 3, { init: "product-uniform", rng });
  assertClose(next.weight, f.next_W, "next W", { rtol: 0, atol: 0 });
});

Deno.test("Linear: doubling W and setting b = 2b + 1 gives exactly 2y + 1 and 2dx (001's asserts)", () => {
  const rng = defaultRng(12345);
  const x = rng.uniform(0, 1, [3, 5]);
  const layer = new Linear(5, 7, { init: "product-uniform", rng });
  const y = layer.forward(x).clone();
  const dx = layer.backward(ones([3, 7])).clone();
  for (let i = 0; i < layer.weight.size; i++) layer.weight.data[i] *= 2;
  const b = layer.bias as Tensor;
  for (let i = 0; i < b.size; i++) b.data[i] = 2 * b.data[i] + 1;
  const y2 = layer.forward(x);
  const dx2 = layer.backward(ones([3, 7]));
  for (let i = 0; i < y.size; i++) assert.equal(y2.data[i], 2 * y.data[i] + 1);
  for (let i = 0; i < dx.size; i++) assert.equal(dx2.data[i], 2 * dx.data[i]);
});

Deno.test("Sigmoid layer gives assignment 001's printed y and dx for defaultRng(12345).normal", () => {
  const f = ref.a001_sigmoid;
  const x = defaultRng(12345).normal(0, 1, [3, 5]);
  assertClose(x, f.x, "x", { rtol: 0, atol: 0 });
  const layer = new Sigmoid();
  const y = layer.forward(x);
  assertClose(y, f.y, "y", { rtol: 1e-14 });
  assertClose(y.data.slice(0, 5), [0.194063, 0.779667, 0.295117, 0.435567, 0.481173], "printed y", {
    rtol: 0,
    atol: 5e-7,
  });
  assert.ok(y.data.every((v) => v > 0 && v < 1));
  const dx = layer.backward(ones([3, 5]));
  assertClose(dx, f.dx, "dx", { rtol: 1e-13 });
  assertClose(dx.data.slice(10), [0.079656, 0.199456, 0.217159, 0.20531, 0.236853], "printed dx", {
    rtol: 0,
    atol: 5e-7,
  });
});

Deno.test("ReLU layer with gradAtZero 1 gives assignment 001's y and dx masks", () => {
  const f = ref.a001_relu;
  const x = defaultRng(12345).uniform(-10, 10, [3, 5]);
  assertClose(x, f.x, "x", { rtol: 0, atol: 0 });
  const layer = new ReLU({ gradAtZero: 1 });
  assertClose(layer.forward(x), f.y, "y", { rtol: 0, atol: 0 });
  const dx = layer.backward(ones([3, 5]));
  assertClose(dx, f.dx, "dx", { rtol: 0, atol: 0 });
  assert.deepEqual([...dx.data], [0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0]);
});

Deno.test("ReLU's derivative at exactly 0 is 0 by default and 1 with gradAtZero: 1", () => {
  const x = t([-1, 0, 2]);
  const dy = t([5, 6, 7]);
  const plain = new ReLU();
  plain.forward(x);
  assert.deepEqual([...plain.backward(dy).data], [0, 0, 7]);
  const one = new ReLU({ gradAtZero: 1 });
  one.forward(x);
  assert.deepEqual([...one.backward(dy).data], [0, 6, 7]);
});

Deno.test("checkGrad passes below 1e-5 for Linear dx, dW, db, Sigmoid and ReLU (001 section 1.4d)", () => {
  const sum2 = (y: Tensor) => {
    let s = 0;
    for (const v of y.data) s += v;
    return 2 * s;
  };
  const two = ones([3, 7], 2);
  let rng = defaultRng(12345);
  let layer = new Linear(5, 7, { init: "product-uniform", rng });
  const errX = checkGrad(
    (x) => sum2(layer.forward(x.reshape([3, 5]))),
    (x) => (layer.forward(x.reshape([3, 5])), layer.backward(two)),
    rng.uniform(-10, 10, [15]),
  );
  let x = rng.uniform(0, 1, [3, 5]);
  layer = new Linear(5, 7, { init: "product-uniform", rng });
  const errW = checkGrad(
    (w) => ((layer.weight = w.reshape([5, 7])), sum2(layer.forward(x))),
    (
      w,
    ) => ((layer.weight = w.reshape([5, 7])),
      layer.forward(x),
      layer.backward(two),
      layer.gradWeight),
    rng.uniform(-10, 10, [35]),
  );
  x = rng.uniform(0, 1, [3, 5]);
  layer = new Linear(5, 7, { init: "product-uniform", rng });
  const errB = checkGrad(
    (b) => ((layer.bias = b), sum2(layer.forward(x))),
    (b) => ((layer.bias = b), layer.forward(x), layer.backward(two), layer.gradBias as Tensor),
    rng.uniform(-10, 10, [7]),
  );
  const sig = new Sigmoid();
  rng = defaultRng(12345);
  const errS = checkGrad(
    (v) => sum2(sig.forward(v)),
    (v) => (sig.forward(v), sig.backward(ones([5], 2))),
    rng.uniform(-10, 10, [5]),
  );
  const relu = new ReLU({ gradAtZero: 1 });
  rng = defaultRng(12345);
  const errR = checkGrad(
    (v) => sum2(relu.forward(v)),
    (v) => (relu.forward(v), relu.backward(ones([5], 2))),
    rng.uniform(1, 10, [5]),
  );
  // 001 printed 8.9e-7, 1.7e-6, 0.0, 4.8e-8 and 0.0; rounding makes the exact digits library-specific.
  for (
    const [name, err, hi] of [["dx", errX, 5e-6], ["dW", errW, 5e-6], ["db", errB, 1e-6], [
      "sigmoid",
      errS,
      1e-6,
    ], ["relu", errR, 1e-6]] as const
  ) {
    assert.ok(err < hi, `${name}: checkGrad error ${err} >= ${hi}`);
  }
  assert.ok(errX > 1e-8 && errW > 1e-8, "forward differences always leave some error on dx and dW");
});

// ------------------------------------------------------------------------------ initialisation

Deno.test("glorot-uniform draws U(+-sqrt(6/(nIn+nOut))) in NumPy's order, in-out and out-in", () => {
  const f = ref.init;
  const a = new Linear(4, 3, { init: "glorot-uniform", rng: defaultRng(1) });
  assertClose(a.weight, f.glorot_in_out.W, "in-out", { rtol: 0, atol: 0 });
  const b = new Linear(4, 3, { init: "glorot-uniform", rng: defaultRng(1), drawOrder: "out-in" });
  assertClose(b.weight, f.glorot_out_in.W, "out-in", { rtol: 0, atol: 0 });
  assert.ok(a.weight.data.every((v) => Math.abs(v) <= Math.sqrt(6 / 7)));
});

Deno.test("normal init gives 0.01 * randn with RandomState and scale * standard_normal with defaultRng", () => {
  const f = ref.init;
  const a = new Linear(4, 3, { init: "normal", rng: new RandomState(0) });
  assertClose(a.weight, f.normal_randomstate.W, "RandomState(0)", { rtol: 0, atol: 0 });
  const b = new Linear(4, 3, { init: "normal", scale: 1, rng: defaultRng(3) });
  assertClose(b.weight, f.normal_generator_scale1.W, "defaultRng(3)", { rtol: 0, atol: 0 });
});

Deno.test("normal-max-fan reproduces assignment 003's 784-32-32-10 weights from defaultRng(80085)", () => {
  const f = ref.init.a003_normal_max_fan;
  const rng = defaultRng(80085);
  const l1 = new Linear(784, 32, { init: "normal-max-fan", rng });
  const l2 = new Linear(32, 32, { init: "normal-max-fan", rng });
  const l3 = new Linear(32, 10, { init: "normal-max-fan", rng });
  assertClose(l1.weight.data.slice(0, 32), f.l1w_first_row, "l1w row 0", { rtol: 0, atol: 0 });
  // The spec's printed values (003.md section 7).
  assertClose(l1.weight.data.slice(0, 3), [-0.00826663, 0.01740251, -0.01155122], "printed", {
    rtol: 0,
    atol: 5e-9,
  });
  const sum = (x: Tensor) => {
    let s = 0;
    for (const v of x.data) s += v;
    return s;
  };
  assertClose([sum(l1.weight), sum(l2.weight)], [f.l1w_sum, f.l2w_sum], "sums", { rtol: 1e-11 });
  assertClose(l3.weight, f.l3w, "l3w", { rtol: 0, atol: 0 });
  assert.ok((l1.bias as Tensor).data.every((v) => v === 0));
});

Deno.test("pytorch init draws the weight then the bias from U(+-1/sqrt(nIn)); zeros draws nothing", () => {
  const f = ref.init.pytorch;
  const layer = new Linear(4, 3, { init: "pytorch", rng: defaultRng(5) });
  assertClose(layer.weight, f.W, "W", { rtol: 0, atol: 0 });
  assertClose(layer.bias as Tensor, f.b, "b", { rtol: 0, atol: 0 });
  const z = new Linear(4, 3, { init: "zeros", bias: false });
  assert.ok(z.weight.data.every((v) => v === 0));
  assert.equal(z.bias, null);
  assert.equal(z.parameters().length, 1);
});

// ------------------------------------------------------------------------- network vs NumPy

function mlpFromFixture(): Sequential {
  const f = ref.mlp;
  const l1 = new Linear(6, 5, { init: "zeros" }), l2 = new Linear(5, 4, { init: "zeros" });
  const l3 = new Linear(4, 3, { init: "zeros" });
  l1.weight = t(f.W1), l1.bias = t(f.b1), l2.weight = t(f.W2), l2.bias = t(f.b2);
  l3.weight = t(f.W3), l3.bias = t(f.b3);
  return new Sequential([l1, new Tanh(), l2, new Sigmoid(), l3]);
}

Deno.test("Sequential Linear-Tanh-Linear-Sigmoid-Linear + softmax cross-entropy matches NumPy's backprop", () => {
  const f = ref.mlp;
  const net = mlpFromFixture();
  const loss = new SoftmaxCrossEntropyLoss();
  const x = t(f.X);
  const logits = net.forward(x);
  assertClose([loss.forward(logits, f.labels)], [f.loss], "loss");
  assertClose(loss.probs, f.probs, "probs");
  const dx = net.backward(loss.backward(logits, Int32Array.from(f.labels)));
  assertClose(dx, f.dX, "dX");
  const grads = Object.fromEntries(net.parameters().map((p) => [p.name, p.grad]));
  assertClose(grads["0.weight"], f.dW1, "dW1");
  assertClose(grads["0.bias"], f.db1, "db1");
  assertClose(grads["2.weight"], f.dW2, "dW2");
  assertClose(grads["2.bias"], f.db2, "db2");
  assertClose(grads["4.weight"], f.dW3, "dW3");
  assertClose(grads["4.bias"], f.db3, "db3");
});

Deno.test("Sequential.backward with inputGrad: false skips dx but stores the same parameter gradients", () => {
  const f = ref.mlp;
  const net = mlpFromFixture();
  const loss = new SoftmaxCrossEntropyLoss();
  const logits = net.forward(t(f.X));
  const dx = net.backward(loss.backward(logits, f.labels), { inputGrad: false });
  assert.equal(dx.size, 0);
  assertClose(net.parameters()[0].grad, f.dW1, "dW1");
});

// ------------------------------------------------------------------- finite differences

function assertGradcheck(name: string, module: Module, x: Tensor, tol = 1e-7): void {
  const err = checkModuleGradients(module, x);
  assert.ok(err.input <= tol, `${name}: input gradient relative error ${err.input}`);
  for (const [p, e] of Object.entries(err.params)) {
    assert.ok(e <= tol, `${name}: ${p} gradient relative error ${e}`);
  }
}

Deno.test("every layer's backward agrees with central differences (batch 1 and 7, float64)", () => {
  for (const batch of [1, 7]) {
    // 1x1 plus four random shapes up to 16x16 from a seeded generator.
    const sizes = defaultRng(batch).uniform(1, 17, [4, 2]).data.map(Math.floor);
    const shapes = [[1, 1], ...[0, 1, 2, 3].map((i) => [sizes[2 * i], sizes[2 * i + 1]])];
    for (const [nIn, nOut] of shapes) {
      const seed = batch * 100 + nIn * 17 + nOut;
      assertGradcheck(
        `Linear(${nIn},${nOut})`,
        new Linear(nIn, nOut, { rng: defaultRng(seed) }),
        rand(seed, [batch, nIn]),
      );
      assertGradcheck(
        `Linear(${nIn},${nOut}) no bias`,
        new Linear(nIn, nOut, { bias: false, rng: defaultRng(seed) }),
        rand(seed + 1, [batch, nIn]),
      );
    }
    // Inputs kept away from ReLU's kink at 0 (the finite difference straddles it otherwise).
    const away = rand(batch, [batch, 6]).data.map((v) => (v >= 0 ? v + 0.1 : v - 0.1));
    assertGradcheck("ReLU", new ReLU(), new Tensor(away, [batch, 6]));
    assertGradcheck("Sigmoid", new Sigmoid(), rand(batch + 2, [batch, 6], -6, 6));
    assertGradcheck("Tanh", new Tanh(), rand(batch + 3, [batch, 6], -3, 3));
    assertGradcheck("Softmax", new Softmax(), rand(batch + 4, [batch, 5], -3, 3));
    assertGradcheck("Softmax axis 0", new Softmax({ axis: 0 }), rand(batch + 5, [batch, 5], -3, 3));
    assertGradcheck("LogSoftmax", new LogSoftmax(), rand(batch + 6, [batch, 5], -3, 3));
    assertGradcheck(
      "Dropout in eval",
      new Dropout(0.5, { rng: defaultRng(0) }).eval(),
      rand(batch + 7, [batch, 4]),
    );
  }
  const rng = defaultRng(9);
  const net = new Sequential([
    new Linear(4, 6, { rng }),
    new Tanh(),
    new Linear(6, 5, { rng }),
    new Sigmoid(),
    new Linear(5, 3, { rng }),
    new LogSoftmax(),
  ]);
  assertGradcheck("Sequential", net, rand(10, [3, 4]));
});

Deno.test("Softmax and LogSoftmax along axis 0 and 1 match NumPy values and backward", () => {
  const f = ref.softmax;
  for (const axis of [0, 1]) {
    const r = f[`axis${axis}`];
    const s = new Softmax({ axis }), ls = new LogSoftmax({ axis });
    assertClose(s.forward(t(f.z)), r.softmax, `softmax axis ${axis}`, { rtol: 1e-14 });
    assertClose(s.backward(t(f.dy)), r.softmax_dx, `softmax dx axis ${axis}`, {
      rtol: 1e-13,
      atol: 1e-16,
    });
    assertClose(ls.forward(t(f.z)), r.logsoftmax, `logsoftmax axis ${axis}`, { rtol: 1e-14 });
    assertClose(ls.backward(t(f.dy)), r.logsoftmax_dx, `logsoftmax dx axis ${axis}`, {
      rtol: 1e-13,
      atol: 1e-15,
    });
  }
});

// ------------------------------------------------------------------------------------ losses

Deno.test("BCELoss mean and sum match NumPy; batchmean is assignment 002's cost; clipping is 000's", () => {
  const f = ref.losses;
  const p = t(f.bce.p), y = t(f.bce.y);
  const mean = new BCELoss(), sum = new BCELoss({ reduction: "sum" });
  assertClose([mean.forward(p, y)], [f.bce.mean], "mean");
  assertClose(mean.backward(p, y), f.bce.mean_grad, "mean grad");
  assertClose([sum.forward(p, y)], [f.bce.sum], "sum");
  assertClose(sum.backward(p, y), f.bce.sum_grad, "sum grad");
  // A label vector pairs with a [N, 1] column of probabilities.
  assertClose([mean.forward(p, f.bce.y.flat())], [f.bce.mean], "labels as array");
  const bm = new BCELoss({ reduction: "batchmean" });
  const p4 = t(f.bce_batchmean.p), y4 = t(f.bce_batchmean.y);
  assertClose([bm.forward(p4, y4)], [f.bce_batchmean.value], "batchmean", { rtol: 1e-14 });
  assertClose(bm.backward(p4, y4), f.bce_batchmean.grad, "batchmean grad", { rtol: 1e-14 });
  // Uniform 0.1 over 10 outputs: -ln 0.1 - 9 ln 0.9 (002's 3.250829733914482).
  const uniform = new Tensor(new Float64Array(10).fill(0.1), [1, 10]);
  const onehot = new Tensor(new Float64Array(10).fill(0), [1, 10]);
  onehot.data[3] = 1;
  assertClose([bm.forward(uniform, onehot)], [3.250829733914482], "002 uniform cost", {
    rtol: 1e-15,
  });
  const clipped = new BCELoss({ reduction: "batchmean", eps: f.bce_clipped.eps });
  const pc = t(f.bce_clipped.p), yc = t(f.bce_clipped.y);
  assertClose([clipped.forward(pc, yc)], [f.bce_clipped.value], "clipped", { rtol: 1e-14 });
  assertClose(clipped.backward(pc, yc), f.bce_clipped.grad, "clipped grad", { rtol: 1e-14 });
});

Deno.test("CrossEntropyLoss matches nnfs's clipped loss for labels and one-hot, and 000's +1e-10 form", () => {
  const f = ref.losses;
  const p = t(f.cce.p);
  const loss = new CrossEntropyLoss({ eps: 1e-7 });
  assertClose([loss.forward(p, f.cce.labels)], [f.cce.clip_value], "labels");
  assertClose([loss.forward(p, t(f.cce.onehot))], [f.cce.clip_value], "one-hot");
  assertClose(loss.backward(p, t(f.cce.onehot)), f.cce.clip_grad, "grad");
  assertClose(loss.backward(p, Int32Array.from(f.cce.labels)), f.cce.clip_grad, "grad from labels");
  const add = new CrossEntropyLoss({ eps: 1e-10, epsMode: "add" });
  assertClose([add.forward(t(f.cce_add.p), f.cce_add.labels)], [f.cce_add.value], "add eps");
});

Deno.test("SoftmaxCrossEntropyLoss, NLLLoss and MSELoss match NumPy values and gradients", () => {
  const f = ref.losses;
  const z = t(f.softmax_ce.logits), labels = f.softmax_ce.labels;
  const mean = new SoftmaxCrossEntropyLoss(),
    sum = new SoftmaxCrossEntropyLoss({ reduction: "sum" });
  assertClose([mean.forward(z, labels)], [f.softmax_ce.mean], "mean");
  assertClose(mean.probs, f.softmax_ce.probs, "probs", { rtol: 1e-14 });
  assertClose(mean.backward(z, labels), f.softmax_ce.mean_grad, "mean grad", {
    rtol: 1e-13,
    atol: 1e-16,
  });
  assertClose([sum.forward(z, labels)], [f.softmax_ce.sum], "sum");
  assertClose(sum.backward(z, labels), f.softmax_ce.sum_grad, "sum grad", {
    rtol: 1e-13,
    atol: 1e-16,
  });
  const clipped = new SoftmaxCrossEntropyLoss({ eps: 1e-7 });
  assertClose([clipped.forward(z, labels)], [f.softmax_ce.clip_value], "nnfs clip");
  const soft = t(f.softmax_ce_soft.targets);
  assertClose([mean.forward(z, soft)], [f.softmax_ce_soft.mean], "soft targets");
  assertClose(mean.backward(z, soft), f.softmax_ce_soft.mean_grad, "soft grad", {
    rtol: 1e-13,
    atol: 1e-16,
  });
  const nll = new NLLLoss();
  assertClose([nll.forward(t(f.nll.logp), f.nll.labels)], [f.nll.mean], "nll");
  const mse = new MSELoss();
  const pm = t(f.mse.p), ym = t(f.mse.y);
  assertClose([mse.forward(pm, ym)], [f.mse.mean], "mse");
  assertClose(mse.backward(pm, ym), f.mse.mean_grad, "mse grad");
  assertClose([new MSELoss({ reduction: "sum" }).forward(pm, ym)], [f.mse.sum], "mse sum");
});

Deno.test("every loss's backward agrees with central differences, sparse and one-hot targets", () => {
  const rng = defaultRng(21);
  const cases: [
    string,
    { forward(p: Tensor, y: unknown): number; backward(p: Tensor, y: unknown): Tensor },
    Tensor,
    unknown,
  ][] = [];
  for (const n of [1, 6]) {
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 2 + 1) % 4);
    const onehot = new Tensor(new Float64Array(n * 4), [n, 4]);
    labels.forEach((l, i) => (onehot.data[i * 4 + l] = 1));
    const probs = new Softmax().forward(rng.uniform(-2, 2, [n, 4]));
    const bin = rng.uniform(0.1, 0.9, [n, 1]);
    const ybin = Float64Array.from({ length: n }, (_, i) => i % 2);
    for (const reduction of ["mean", "sum"] as const) {
      cases.push([`BCE ${reduction}`, new BCELoss({ reduction }), bin, ybin]);
      cases.push([`BCE clipped ${reduction}`, new BCELoss({ reduction, eps: 1e-7 }), bin, ybin]);
      cases.push([`CE labels ${reduction}`, new CrossEntropyLoss({ reduction }), probs, labels]);
      cases.push([
        `CE one-hot ${reduction}`,
        new CrossEntropyLoss({ reduction, eps: 1e-7 }),
        probs,
        onehot,
      ]);
      cases.push([
        `SoftmaxCE labels ${reduction}`,
        new SoftmaxCrossEntropyLoss({ reduction }),
        rng.uniform(-3, 3, [n, 4]),
        labels,
      ]);
      cases.push([
        `SoftmaxCE one-hot ${reduction}`,
        new SoftmaxCrossEntropyLoss({ reduction }),
        rng.uniform(-3, 3, [n, 4]),
        onehot,
      ]);
      cases.push([
        `NLL ${reduction}`,
        new NLLLoss({ reduction }),
        new LogSoftmax().forward(rng.uniform(-2, 2, [n, 4])),
        labels,
      ]);
      cases.push([
        `MSE ${reduction}`,
        new MSELoss({ reduction }),
        rng.uniform(-2, 2, [n, 3]),
        rng.uniform(-2, 2, [n, 3]),
      ]);
    }
    cases.push(["BCE batchmean", new BCELoss({ reduction: "batchmean" }), probs, onehot]);
    cases.push([
      "SoftmaxCE eps",
      new SoftmaxCrossEntropyLoss({ eps: 1e-10, epsMode: "add" }),
      rng.uniform(-3, 3, [n, 4]),
      labels,
    ]);
  }
  for (const [name, loss, pred, target] of cases) {
    const analytic = loss.backward(pred, target);
    const numeric = numericalGrad((p) => loss.forward(p, target), pred);
    const err = relativeError(analytic, numeric);
    assert.ok(err <= 1e-7, `${name}: relative error ${err}`);
  }
});

Deno.test("losses reject a label outside [0, classes), mismatched shapes and NaN losses by name", () => {
  const p = new Softmax().forward(rand(1, [3, 4]));
  assert.throws(
    () => new CrossEntropyLoss().forward(p, [0, 4, 1]),
    /label 4 at index 1 is outside \[0, 4\)/,
  );
  assert.throws(
    () => new SoftmaxCrossEntropyLoss().forward(p, [0, -1, 1]),
    /label -1 at index 1 is outside/,
  );
  assert.throws(() => new NLLLoss().backward(p, [0, 1.5, 1]), /label 1.5/);
  assert.throws(
    () => new CrossEntropyLoss().forward(p, [0, 1]),
    /target shape \[2\] does not match prediction shape \[3,4\]/,
  );
  assert.throws(
    () => new CrossEntropyLoss().forward(p, rand(2, [3, 5])),
    /target shape \[3,5\] does not match prediction shape \[3,4\]/,
  );
  assert.throws(
    () => new MSELoss().forward(rand(3, [2, 3]), rand(4, [3, 2])),
    /target shape \[3,2\] does not match prediction shape \[2,3\]/,
  );
  assert.throws(
    () => new BCELoss().forward(t([[0.5], [NaN]]), [1, 0]),
    /loss is NaN: the prediction has 1 NaN value/,
  );
  assert.throws(() => new BCELoss().forward(t([[0.5], [1.5]]), [1, 0]), /outside \[0, 1\]/);
  assert.throws(() => new BCELoss().forward(t([[0], [0.5]]), [1, 0]), /log\(0\).*eps/);
  assert.throws(
    () => new CrossEntropyLoss().forward(t([[0, 1]]), [0]),
    /loss is Infinity: log\(0\)/,
  );
  assert.throws(() => new SoftmaxCrossEntropyLoss().forward(t([[NaN, 1]]), [0]), /NaN/);
  assert.throws(
    () => new BCELoss({ reduction: "median" as "mean" }).forward(t([0.5]), [1]),
    /unknown reduction "median"/,
  );
});

// ------------------------------------------------------------------------ the other pieces

Deno.test("Dropout keeps elements where defaultRng.random < 1 - p, scales by 1/(1-p), and is the identity in eval", () => {
  const f = ref.dropout;
  const layer = new Dropout(f.p, { rng: defaultRng(f.seed) });
  const x = t(f.x);
  const y = layer.forward(x);
  assertClose(y, f.y, "y", { rtol: 1e-15 });
  const dy = rand(5, [4, 5]);
  const dx = layer.backward(dy);
  assertClose(dx, dy.data.map((v, i) => v * flatten(f.mask)[i]), "dx", { rtol: 1e-15 });
  layer.eval();
  assert.equal(layer.forward(x), x);
  assert.equal(layer.backward(dy), dy);
  assert.throws(() => new Dropout(1), /p must be in \[0, 1\)/);
});

Deno.test("regularizationLoss and addRegularizationGrad follow nnfs's L1 (sign(0) = +1) and L2 (2 l2 w)", () => {
  const f = ref.regularization;
  const layer = new Linear(3, 4, { init: "zeros", bias: false });
  layer.weight = t(f.W);
  layer.gradWeight.data.set(t(f.G).data);
  const params = layer.parameters();
  assertClose([regularizationLoss(params, { l1: f.l1, l2: f.l2 })], [f.loss], "loss");
  addRegularizationGrad(params, { l1: f.l1, l2: f.l2 });
  assertClose(layer.gradWeight, f.grad, "grad", { rtol: 0, atol: 0 });
  assert.throws(() => regularizationLoss(params, { l2: -1 }), /l1 and l2 must be >= 0/);
});

Deno.test("Sequential lists its layers, names parameters like PyTorch, steps and switches modes", () => {
  const net = new Sequential([
    new Linear(3, 2, { rng: defaultRng(1) }),
    new ReLU(),
    new Dropout(0.5, { rng: defaultRng(2) }),
    new Linear(2, 1, { bias: false, rng: defaultRng(3) }),
    new Sigmoid(),
  ]);
  assert.equal(
    String(net),
    "Sequential(\n  (0): Linear(3, 2)\n  (1): ReLU()\n  (2): Dropout(p=0.5)\n  (3): Linear(2, 1, bias=false)\n  (4): Sigmoid()\n)",
  );
  assert.deepEqual(net.parameters().map((p) => p.name), ["0.weight", "0.bias", "3.weight"]);
  net.eval();
  assert.equal(net.training, false);
  assert.ok(net.layers.every((l) => !l.training));
  const x = rand(4, [5, 3]);
  const p = net.forward(x);
  assert.equal(net.trace.length, 5);
  assert.equal(net.trace[0], x);
  net.backward(ones([5, 1]));
  const before = net.parameters().map((q) => q.value.clone());
  const grads = net.parameters().map((q) => q.grad.clone());
  net.step(0.1);
  net.parameters().forEach((q, k) => {
    for (let i = 0; i < q.value.size; i++) {
      assert.equal(q.value.data[i], before[k].data[i] - 0.1 * grads[k].data[i]);
    }
  });
  net.zeroGrad();
  assert.ok(net.parameters().every((q) => q.grad.data.every((v) => v === 0)));
  net.train();
  assert.ok(net.layers.every((l) => l.training));
  assert.equal(p.shape[1], 1);
});

Deno.test("Sequential reuses inner buffers between steps but never hands out a buffer it overwrites", () => {
  const rng = defaultRng(4);
  const net = new Sequential([new Linear(6, 8, { rng }), new Sigmoid(), new Linear(8, 3, { rng })]);
  const x = rand(5, [4, 6]);
  const y1 = net.forward(x);
  const hidden1 = net.trace[1];
  const dx1 = net.backward(ones([4, 3]));
  const copy = y1.clone(), dxCopy = dx1.clone();
  const y2 = net.forward(rand(6, [4, 6]));
  net.backward(ones([4, 3], 2));
  assert.equal(net.trace[1], hidden1, "the hidden activation buffer is reused");
  assert.notEqual(y2, y1);
  assert.deepEqual([...y1.data], [...copy.data], "the first output was not overwritten");
  assert.deepEqual([...dx1.data], [...dxCopy.data], "the first input gradient was not overwritten");
});

Deno.test("Sequential keeps the last layer's input-gradient buffer, and never hands out a pass-through one", () => {
  const rng = defaultRng(5);
  const last = new Linear(8, 3, { rng });
  const net = new Sequential([new Linear(6, 8, { rng }), new ReLU(), last]);
  assert.equal(last.reuseBuffers, true, "the last layer reuses what only backward uses");
  net.forward(rand(7, [4, 6]));
  const g1 = last.backward(ones([4, 3]));
  const y1 = net.forward(rand(8, [4, 6]));
  assert.equal(last.backward(ones([4, 3], 2)), g1, "its input gradient is written into one buffer");
  const y1Copy = y1.clone();
  net.forward(rand(9, [4, 6]));
  assert.deepEqual([...y1.data], [...y1Copy.data], "while its output is new memory every time");
  // Dropout in evaluation mode passes its input (or gradient) through: at either end of the chain
  // that would be a kept buffer, so the chain hands out a copy.
  const tail = new Sequential([new Linear(6, 8, { rng }), new Dropout(0.5).eval()]);
  const t1 = tail.forward(rand(10, [4, 6])), t1Copy = t1.clone();
  tail.forward(rand(11, [4, 6]));
  assert.deepEqual([...t1.data], [...t1Copy.data], "the output was not overwritten");
  const head = new Sequential([new Dropout(0.5).eval(), new Linear(6, 8, { rng })]);
  head.forward(rand(12, [4, 6]));
  const d1 = head.backward(ones([4, 8])), d1Copy = d1.clone();
  head.forward(rand(13, [4, 6]));
  head.backward(ones([4, 8], 3));
  assert.deepEqual([...d1.data], [...d1Copy.data], "the input gradient was not overwritten");
});

Deno.test("float32 Linear agrees with float64 to float32 precision and converts float64 input", () => {
  const w = rand(7, [10, 6]), x = rand(8, [5, 10]);
  const a = new Linear(10, 6, { init: "zeros" }),
    b = new Linear(10, 6, { init: "zeros", dtype: "float32" });
  a.weight = w, b.weight = w;
  const ya = a.forward(x), yb = b.forward(x);
  assert.equal(yb.dtype, "float32");
  assertClose(yb, ya.data, "y", { rtol: 1e-5, atol: 1e-6 });
  const dy = rand(9, [5, 6]);
  assertClose(b.backward(dy), a.backward(dy).data, "dx", { rtol: 1e-5, atol: 1e-6 });
  assertClose(b.gradWeight, a.gradWeight.data, "dW", { rtol: 1e-5, atol: 1e-6 });
});

Deno.test("Linear rejects inputs of the wrong width and weights of the wrong shape, naming shapes", () => {
  const layer = new Linear(4, 2, { rng: defaultRng(0) });
  assert.throws(
    () => layer.forward(rand(1, [3, 5])),
    /input of shape \[3,5\] does not fit 4 input features/,
  );
  assert.throws(
    () => (layer.weight = rand(1, [2, 4, 1])),
    /weight must have shape \[4,2\], got \[2,4,1\]/,
  );
  assert.throws(() => new Linear(4, 2).backward(rand(1, [3, 2])), /call forward first/);
  layer.forward(rand(2, [3, 4]));
  assert.throws(
    () => layer.backward(rand(1, [3, 3])),
    /dy has shape \[3,3\] but the output had shape \[3,2\]/,
  );
  assert.throws(() => new Sigmoid().backward(rand(1, [2])), /Sigmoid.backward: call forward first/);
  // One sample as a vector works like a batch of one.
  const v = rand(3, [4]);
  assert.deepEqual(layer.forward(v).shape, [2]);
});

Deno.test("training assignment 001's 64-32-1 net on the digits reproduces its R1 learning curve", async () => {
  // 001.md section 2.6: binarised digits (label 1 = digits 0-4), global z-score, split by
  // default_rng(12345).permutation, Linear(64,32) ReLU Linear(32,1) Sigmoid from a fresh
  // default_rng(12345), fit(epochs=10, lr=0.001, mb=10): BCE mean for the report, the per-sample
  // BCE gradient (not divided by the batch) for the update, no shuffling, remainder dropped.
  const { loadDigits } = await import("../lib/data/mod.ts");
  const { images, labels } = await loadDigits();
  const x = images.clone();
  let mean = 0;
  for (const v of x.data) mean += v;
  mean /= x.size;
  for (let i = 0; i < x.size; i++) x.data[i] -= mean;
  let sq = 0;
  for (const v of x.data) sq += v * v;
  const std = Math.sqrt(sq / x.size);
  for (let i = 0; i < x.size; i++) x.data[i] /= std;
  const y = Float64Array.from(labels, (d) => (d < 5 ? 1 : 0));
  const idx = defaultRng(12345).permutation(1797);
  const rows = (from: number, to: number) => {
    const out = new Tensor(new Float64Array((to - from) * 64), [to - from, 64]);
    for (let r = from; r < to; r++) {
      out.data.set(x.data.subarray(idx[r] * 64, idx[r] * 64 + 64), (r - from) * 64);
    }
    return { x: out, y: Float64Array.from({ length: to - from }, (_, r) => y[idx[from + r]]) };
  };
  const split = { train: rows(0, 898), test: rows(898, 1797) };
  const rng = defaultRng(12345);
  const opts = { init: "product-uniform" as const, rng };
  const net = new Sequential([
    new Linear(64, 32, opts),
    new ReLU({ gradAtZero: 1 }),
    new Linear(32, 1, opts),
    new Sigmoid(),
  ]);
  const report = new BCELoss(), gradient = new BCELoss({ reduction: "sum" });
  const history: number[][] = [];
  for (let epoch = 0; epoch < 10; epoch++) {
    const row: number[] = [];
    for (const phase of ["train", "test"] as const) {
      const { x: px, y: py } = split[phase];
      const steps = Math.floor(py.length / 10);
      let loss = 0, acc = 0;
      for (let s = 0; s < steps; s++) {
        const xb = new Tensor(px.data.slice(s * 640, s * 640 + 640), [10, 64]);
        const yb = py.subarray(s * 10, s * 10 + 10);
        const p = net.forward(xb);
        loss += report.forward(p, yb);
        let correct = 0;
        for (let i = 0; i < 10; i++) if ((yb[i] > 0.5) === (p.data[i] > 0.5)) correct++;
        acc += correct / 10;
        if (phase === "train") {
          net.backward(gradient.backward(p, yb));
          net.step(0.001);
        }
      }
      row.push(loss / steps, acc / steps);
    }
    history.push(row);
  }
  // 001_reference_numbers.json R1 (the notebook's printed epochs 0 and 9, full precision).
  assertClose(
    history[0],
    [0.607445353645123, 0.7224719101123596, 0.5388081057341231, 0.8269662921348312],
    "epoch 0",
    { rtol: 1e-9 },
  );
  assertClose(
    history[9],
    [0.26278667990360005, 0.9078651685393256, 0.2778599318814326, 0.8999999999999998],
    "epoch 9",
    { rtol: 1e-9 },
  );
});

Deno.test("Sigmoid and Tanh stay finite for |x| up to 1000, forward and backward", () => {
  const x = t([-1000, -50, 0, 50, 1000]);
  const sig = new Sigmoid();
  const y = sig.forward(x);
  assertClose(y, [0, Math.exp(-50) / (1 + Math.exp(-50)), 0.5, 1, 1], "sigmoid", { rtol: 1e-15 });
  const dx = sig.backward(ones([5]));
  assert.ok(dx.data.every(Number.isFinite), `sigmoid dx ${dx.data}`);
  assertClose(dx, [0, y.data[1] * (1 - y.data[1]), 0.25, 0, 0], "sigmoid dx", { rtol: 1e-15 });
  const tanh = new Tanh();
  assertClose(tanh.forward(x), [-1, -1, 0, 1, 1], "tanh", { rtol: 0 });
  assertClose(tanh.backward(ones([5])), [0, 0, 1, 0, 0], "tanh dx", { rtol: 0 });
});
