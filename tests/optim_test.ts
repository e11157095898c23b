/**
 * lib/optim against nnfs's NumPy optimizers (tests/gen/optim_nnfs_reference.py), torch.optim in
 * float64 (tests/gen/optim_torch_reference.py), and the assignments' printed numbers.
 */
import assert from "node:assert/strict";
import { assertCloseWith } from "./assert_close.ts";
import { type Parameter, parameterRecord } from "../lib/nn/mod.ts";
import {
  Adagrad,
  Adam,
  clipGradNorm,
  clipGradValue,
  EarlyStopping,
  ExponentialLR,
  type Optimizer,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StepLR,
} from "../lib/optim/mod.ts";
import { type NestedArray, Tensor, tensor } from "../lib/tensor/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const load = (name: string): Json =>
  JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const nnfs = load("optim_nnfs.json");
const torch = load("optim_torch.json");

function flatten(x: NestedArray): number[] {
  return Array.isArray(x) ? x.flatMap((v) => flatten(v)) : [x];
}

/** Element-wise |a - e| <= 1e-15 + rtol * |e|, with rtol 1e-13 unless a call says otherwise. */
const assertClose = assertCloseWith({ rtol: 1e-13, atol: 1e-15 });

/** Two parameters (a [3,4] weight and a [4] bias) with settable gradients. */
function makeParams(
  fixture: Json,
): { params: Parameter[]; w: Tensor; b: Tensor; gw: Tensor; gb: Tensor } {
  const w = tensor(fixture.w0), b = tensor(fixture.b0);
  const gw = tensor(fixture.w0), gb = tensor(fixture.b0);
  const params = [
    parameterRecord("weight", () => w, () => gw),
    parameterRecord("bias", () => b, () => gb),
  ];
  return { params, w, b, gw, gb };
}

/** Runs 12 steps on the fixture's gradients, checking the parameters after each. */
function replay(
  fixture: Json,
  run: Json,
  make: (params: Parameter[]) => Optimizer,
  name: string,
  rtol = 1e-13,
): Optimizer {
  const { params, w, b, gw, gb } = makeParams(fixture);
  const opt = make(params);
  for (let t = 0; t < run.weights.length; t++) {
    gw.data.set(flatten(fixture.gw[t]));
    gb.data.set(flatten(fixture.gb[t]));
    opt.step();
    assertClose(w.data, run.weights[t], `${name} step ${t + 1} weight`, rtol);
    assertClose(b.data, run.biases[t], `${name} step ${t + 1} bias`, rtol);
    if (run.current_lr) {
      assert.equal(opt.currentLr, run.current_lr[t], `${name} step ${t + 1} learning rate`);
    }
  }
  return opt;
}

// ------------------------------------------------------------------------------ nnfs flavour

Deno.test("SGD with decay 0.01 follows nnfs's lr * (1 / (1 + decay * t)) bit for bit", () => {
  const r = nnfs.runs.sgd_decay;
  replay(nnfs, r, (p) => new SGD(p, { ...r.options, flavor: "nnfs" }), "SGD", 0);
});

Deno.test("SGD with momentum 0.5 and decay follows nnfs's v = m v - lr g; w += v", () => {
  const r = nnfs.runs.sgd_momentum_decay;
  replay(nnfs, r, (p) => new SGD(p, { ...r.options, flavor: "nnfs" }), "momentum", 1e-15);
});

Deno.test("SGD with clipValue clips every gradient element first (assignment 000's np.clip)", () => {
  const r = nnfs.runs.sgd_clip;
  replay(nnfs, r, (p) => new SGD(p, r.options), "clip", 0);
});

Deno.test("Adagrad, RMSprop and Adam in the nnfs flavour match the nnfs classes over 12 steps", () => {
  const r = nnfs.runs;
  replay(
    nnfs,
    r.adagrad,
    (p) => new Adagrad(p, { ...r.adagrad.options, flavor: "nnfs" }),
    "Adagrad",
  );
  replay(
    nnfs,
    r.rmsprop,
    (p) => new RMSprop(p, { ...r.rmsprop.options, flavor: "nnfs" }),
    "RMSprop",
  );
  const adam = replay(
    nnfs,
    r.adam_decay,
    (p) => new Adam(p, { ...r.adam_decay.options, flavor: "nnfs" }),
    "Adam",
  );
  assert.equal((adam as Adam).eps, 1e-7);
});

Deno.test("the decayed learning rates print exactly as assignment 004 logged them", () => {
  const { params } = makeParams(nnfs);
  const sgd = new SGD(params, { lr: 1.0, decay: 0.01, flavor: "nnfs" });
  const adam = new Adam(params, { lr: 0.02, decay: 1e-5, flavor: "nnfs" });
  // epoch 10 logs the rate of update 9; epoch 1090 that of update 1089 (004.md section 2.11-2.13).
  assert.equal(String(sgd.lrAt(9)), "0.9174311926605504");
  assert.equal(String(sgd.lrAt(1089)), "0.08410428931875526");
  assert.equal(String(adam.lrAt(1089)), "0.019784546290892182");
  for (const [t, v] of Object.entries(nnfs.a004_lr)) assert.equal(sgd.lrAt(Number(t)), v);
  assert.equal(sgd.currentLr, 1.0, "before the first step the current rate is lr");
});

// --------------------------------------------------------------------------- PyTorch flavour

Deno.test("Adam with weightDecay 0.01 matches torch.optim.Adam(lr=0.01, weight_decay=0.01) (assignment 002)", () => {
  const r = torch.runs.adam_weight_decay;
  const opt = replay(torch, r, (p) => new Adam(p, r.options), "Adam wd", 1e-12);
  assert.equal((opt as Adam).eps, 1e-8);
});

Deno.test("Adam with other betas and eps matches torch.optim.Adam", () => {
  const r = torch.runs.adam;
  replay(torch, r, (p) => new Adam(p, r.options), "Adam", 1e-12);
});

Deno.test("SGD plain, with momentum and weight decay, and Nesterov matches torch.optim.SGD", () => {
  for (const name of ["sgd", "sgd_momentum", "sgd_nesterov"]) {
    const r = torch.runs[name];
    replay(torch, r, (p) => new SGD(p, r.options), name, 1e-13);
  }
});

Deno.test("Adagrad with lr decay and weight decay, and RMSprop, match torch.optim", () => {
  const a = torch.runs.adagrad, r = torch.runs.rmsprop;
  replay(torch, a, (p) => new Adagrad(p, a.options), "Adagrad", 1e-13);
  replay(torch, r, (p) => new RMSprop(p, r.options), "RMSprop", 1e-13);
});

Deno.test("clipGradNorm and clipGradValue match torch.nn.utils.clip_grad_norm_ and clip_grad_value_", () => {
  const { params, gw, gb } = makeParams(torch);
  gw.data.set(flatten(torch.gw[0]));
  gb.data.set(flatten(torch.gb[0]));
  const norm = clipGradNorm(params, torch.clip_norm.max_norm);
  assertClose([norm], [torch.clip_norm.norm], "norm");
  assertClose(gw.data, torch.clip_norm.gw, "gw after norm clip");
  assertClose(gb.data, torch.clip_norm.gb, "gb after norm clip");
  gw.data.set(flatten(torch.gw[0]));
  gb.data.set(flatten(torch.gb[0]));
  clipGradValue(params, torch.clip_value.clip_value);
  assertClose(gw.data, torch.clip_value.gw, "gw after value clip", 0);
  assertClose(gb.data, torch.clip_value.gb, "gb after value clip", 0);
});

// ------------------------------------------------------------------------------ schedules

function schedule(step: (opt: SGD, metric: number) => void): number[] {
  const w = tensor([0]), g = tensor([0]);
  const opt = new SGD([parameterRecord("w", () => w, () => g)], { lr: 0.1 });
  return torch.schedulers.metrics.map((m: number) => {
    opt.step();
    step(opt, m);
    return opt.lr;
  });
}

Deno.test("ReduceLROnPlateau, StepLR and ExponentialLR give torch.optim.lr_scheduler's rates", () => {
  const s = torch.schedulers;
  let plateau: ReduceLROnPlateau | undefined;
  assert.deepEqual(
    schedule((o, m) => (plateau ??= new ReduceLROnPlateau(o, s.plateau.options)).step(m)),
    s.plateau.lrs,
  );
  let cooled: ReduceLROnPlateau | undefined;
  assert.deepEqual(
    schedule((o, m) =>
      (cooled ??= new ReduceLROnPlateau(o, s.plateau_abs_cooldown.options)).step(m)
    ),
    s.plateau_abs_cooldown.lrs,
  );
  let stepLr: StepLR | undefined;
  assert.deepEqual(schedule((o) => (stepLr ??= new StepLR(o, s.step.options)).step()), s.step.lrs);
  let expLr: ExponentialLR | undefined;
  assert.deepEqual(
    schedule((o) => (expLr ??= new ExponentialLR(o, s.exponential.options)).step()),
    s.exponential.lrs,
  );
});

Deno.test("SGD with ExponentialLR(0.95) reproduces assignment 001's decaying-step descent on f(x, y)", () => {
  // f(x,y) = x^2 + y^2 + x(y+2) + cos(3x); 001 section 1.1(b) and (h).
  const run = (lr: number, steps: number, gamma?: number) => {
    const xy = tensor([3, 2]), grad = tensor([0, 0]);
    const opt = new SGD([parameterRecord("xy", () => xy, () => grad)], { lr });
    const sched = gamma === undefined ? null : new ExponentialLR(opt, { gamma });
    for (let s = 0; s < steps; s++) {
      const [x, y] = xy.data;
      grad.data[0] = 2 * x - 3 * Math.sin(3 * x) + y + 2;
      grad.data[1] = x + 2 * y;
      opt.step();
      sched?.step();
    }
    const [x, y] = xy.data;
    return [x, y, x * x + y * y + x * (y + 2) + Math.cos(3 * x)];
  };
  assertClose(
    run(0.1, 20),
    [0.5697185458418124, -0.2403179893572089, 1.2469371429338338],
    "1.1(b)",
    1e-12,
  );
  assertClose(
    run(0.2, 10, 0.95),
    [-1.086556393028941, 0.4866249534983948, -2.277486662206515],
    "1.1(h)",
    1e-12,
  );
});

Deno.test("EarlyStopping 'near-best' reproduces assignment 000's plateau counter, LR halving and stop", () => {
  // The worked example of 000.md section 2.25 (patience 5, min_delta 0.01, gamma 0.5, lr 0.1).
  const losses = [2.0, 1.9, 1.905, 1.95, 1.908, 1.909, 1.901, 1.899, 1.9, 1.9, 1.9, 1.9, 1.9];
  const stopper = new EarlyStopping({ patience: 5, minDelta: 0.01, rule: "near-best" });
  let lr = 0.1;
  const counters: number[] = [], printed: [number, number][] = [];
  let stoppedAt = -1;
  for (let e = 0; e < losses.length; e++) {
    const stop = stopper.step(losses[e]);
    counters.push(stopper.counter);
    if (stopper.counter >= stopper.patience / 2) {
      lr *= 0.5;
      printed.push([e + 1, lr]);
    }
    if (stop) {
      stoppedAt = e + 1;
      break;
    }
  }
  assert.deepEqual(counters, [0, 0, 1, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5]);
  assert.deepEqual(printed, [[6, 0.05], [7, 0.025], [11, 0.0125], [12, 0.00625], [13, 0.003125]]);
  assert.equal(stoppedAt, 13);
});

Deno.test("EarlyStopping 'min-delta' counts every epoch not better than best - minDelta", () => {
  const stopper = new EarlyStopping({ patience: 2, minDelta: 0.1 });
  assert.equal(stopper.step(1.0), false);
  assert.equal(stopper.step(0.95), false); // not 0.1 better: counter 1
  assert.equal(stopper.counter, 1);
  assert.equal(stopper.step(0.5), false); // better: reset
  assert.equal(stopper.counter, 0);
  assert.equal(stopper.step(0.45), false);
  assert.equal(stopper.step(2.0), true);
  assert.equal(stopper.stopped, true);
});

// ----------------------------------------------------------------------------------- errors

Deno.test("optimizers reject a missing learning rate, bad hyperparameters and mismatched gradients", () => {
  const { params } = makeParams(torch);
  assert.throws(() => new SGD(params, {} as { lr: number }), /SGD: pass a learning rate/);
  assert.throws(
    () => new SGD(params, { lr: 0.1, momentum: 1.5 }),
    /momentum must be in \[0, 1\), got 1.5/,
  );
  assert.throws(() => new Adam(params, { betas: [0.9, 1] }), /betas must be in \[0, 1\), got 1/);
  assert.throws(() => new Adam(params, { lr: -1 }), /lr must be a finite number >= 0, got -1/);
  assert.throws(() => new RMSprop(params, { flavor: "keras" as "nnfs" }), /flavor must be/);
  const w = tensor([[1, 2]]), g = tensor([1, 2, 3]);
  assert.throws(
    () => new SGD([parameterRecord("w", () => w, () => g)], { lr: 1 }),
    /parameter "w" has value \[1,2\] but grad \[3\]/,
  );
  assert.equal(
    String(new Adam(params, { lr: 0.01, weightDecay: 0.01 })),
    "Adam(lr=0.01, weightDecay=0.01)",
  );
});
