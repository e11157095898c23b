// Source of notebooks/03_gradients_relu_fits_and_mnist_mlps.ipynb (percent format: `// %%`
// starts a code cell, `// %% [markdown]` a markdown cell). Rebuild the notebook with
//   deno run -A notebooks/build_notebooks.ts 03_gradients_relu_fits_and_mnist_mlps
// and execute it in place with
//   deno task notebooks --inplace 03_

// %% [markdown]
// # Homework 1: gradients, L1 regression, exact ReLU fits, and two MLPs on (Fashion-)MNIST
//
// This notebook redoes a first deep-learning homework (Fall 2023) in TypeScript, with this
// repository's library in place of NumPy, SciPy and PyTorch. The original is a student's
// write-up: answers to five problems, three of them with Jupyter notebooks. We follow it problem
// by problem:
//
// 1. **P1** the gradient of $\lVert x\rVert_2^2$, and the point closest (in squared distance) to a
//    cloud of points;
// 2. **P2** the L1 loss of linear regression, and whether gradients can minimise it;
// 3. **P3** a one-input network with four ReLU units fitted *exactly* to two small data sets, the
//    gradient of the squared error, and a forward and backward pass by hand;
// 4. **P4** a 784-256-128-64-10 ReLU network trained on Fashion-MNIST with SGD (PyTorch in the
//    original);
// 5. **P5** a 784-32-32-10 sigmoid network on MNIST with hand-written backpropagation and
//    per-sample SGD (NumPy in the original).
//
// Where the homework's numbers can be recomputed exactly, they are (the evaluated parameter
// tables of P3, the forward pass of P3 C, the untrained P5 network, whose weights come from a
// bit-exact port of NumPy's `default_rng(80085)`). Where they cannot (PyTorch's unseeded random
// streams in P4; the chaotic per-sample training of P5, whose outcome moves by several points
// with the summation order of a dot product), we say so, compare with NumPy runs of the same
// code, and check the behaviour within ranges. Two answers of the write-up are wrong, and we
// correct them where they come up (P2 C and P3 D).
//
// `NOTEBOOK_QUICK=1` shrinks the two training problems (P4: 6,400 images for 2 epochs; P5: one
// pass over 5,000 images); by default everything runs as in the homework.

// %%
import {
  argmax,
  type ByteImages,
  DataLoader,
  defaultRng,
  FASHION_MNIST_CLASSES,
  format,
  imageGrid,
  Linear,
  linePlot,
  loadFashionMnist,
  loadMnist,
  MNIST_CLASSES,
  progress,
  ReLU,
  repr,
  reshape,
  runOnnx,
  saveOnnx,
  saveOnnxSamples,
  Sequential,
  SGD,
  slice,
  Softmax,
  SoftmaxCrossEntropyLoss,
  sprintf,
  sum,
  Tensor,
  tensor,
  toOnnx,
} from "../lib/mod.ts";
import { type Expectation, openNotebook } from "./support.ts";

const nb = openNotebook("03_gradients_relu_fits_and_mnist_mlps");
/** Quick mode (`NOTEBOOK_QUICK=1`): P4 and P5 train on a slice of the data. */
const QUICK = nb.quick;

/** Throws when a check fails. */
function assert(condition: boolean, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

/** Largest absolute value of a list. */
function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

// %% [markdown]
// ## Problem 1: two gradients
//
// ### Part A: the gradient of the squared norm
//
// $F(x) = \lVert x\rVert_2^2 = \sum_{i=1}^n x_i^2$: the square root of the norm and the square
// cancel. Each term depends on one coordinate only, so $\partial F / \partial x_i = 2x_i$ and
//
// $$\nabla F(x) = 2x .$$
//
// (The write-up drops the sum "as n is 1"; no such restriction is needed: the formula holds
// coordinate by coordinate for every $n$.) We check it with central differences at a random
// point of $\mathbb{R}^5$.

// %%
const rng0 = defaultRng(0);
const xP1 = rng0.normal(0, 1, [5]).data;
const squaredNorm = (v: ArrayLike<number>) => Array.from(v).reduce((s, vi) => s + vi * vi, 0);

/** Central differences of a scalar function of a vector, one coordinate at a time. */
function centralDifferences(
  fn: (v: Float64Array) => number,
  at: ArrayLike<number>,
  h = 1e-6,
): Float64Array {
  const grad = new Float64Array(at.length);
  for (let i = 0; i < at.length; i++) {
    const plus = Float64Array.from(at);
    const minus = Float64Array.from(at);
    plus[i] += h;
    minus[i] -= h;
    grad[i] = (fn(plus) - fn(minus)) / (2 * h);
  }
  return grad;
}

const gradP1 = xP1.map((v) => 2 * v);
const fdP1 = centralDifferences(squaredNorm, xP1);
const p1Error = maxAbs(gradP1.map((g, i) => g - fdP1[i]));
console.log("x          :", Array.from(xP1, (v) => v.toFixed(6)).join(" "));
console.log("2x         :", Array.from(gradP1, (v) => v.toFixed(6)).join(" "));
console.log("differences:", Array.from(fdP1, (v) => v.toFixed(6)).join(" "));
console.log(`max |2x - finite differences| = ${p1Error.toExponential(2)}`);

// %% [markdown]
// ### Part B: the point closest to a set of points
//
// Minimise $G(\mu) = \sum_{i=1}^n \lVert x_i - \mu\rVert_2^2$ over $\mu$. By Part A and the chain
// rule (the inner map $\mu \mapsto x_i - \mu$ has derivative $-I$), each term contributes
// $-2(x_i - \mu)$. The write-up writes $2(x_i - \mu)$; the sign is lost, but it does not matter
// once the sum is set to zero:
//
// $$\nabla G(\mu) = -2\sum_{i=1}^n (x_i - \mu) = 0
//   \quad\Longrightarrow\quad \mu = \frac{1}{n}\sum_{i=1}^n x_i ,$$
//
// the mean. $G$ is a convex quadratic, so this stationary point is the global minimum. Gradient
// descent on $G$ from the origin lands on the mean of 20 random points of $\mathbb{R}^3$:

// %%
const points = defaultRng(1).normal(0, 1, [20, 3]);
function gradG(mu: Float64Array): Float64Array {
  const g = new Float64Array(3);
  for (let i = 0; i < 20; i++) {
    for (let d = 0; d < 3; d++) g[d] += -2 * (points.data[i * 3 + d] - mu[d]);
  }
  return g;
}
let mu = new Float64Array(3);
for (let step = 0; step < 200; step++) {
  const g = gradG(mu);
  mu = mu.map((m, d) => m - 0.01 * g[d]);
}
const pointsMean = new Float64Array(3);
for (let i = 0; i < 20; i++) {
  for (let d = 0; d < 3; d++) pointsMean[d] += points.data[i * 3 + d] / 20;
}
console.log("gradient descent:", Array.from(mu, (v) => v.toFixed(8)).join(" "));
console.log("mean of points  :", Array.from(pointsMean, (v) => v.toFixed(8)).join(" "));

// %% [markdown]
// ## Problem 2: the L1 loss of linear regression
//
// ### Part A
//
// With data $X \in \mathbb{R}^{n\times c}$ ($n$ samples, $c$ features), weights
// $w \in \mathbb{R}^{c}$ and targets $y \in \mathbb{R}^{n}$, the L1 loss sums the absolute
// residuals:
//
// $$L(w) = \lVert Xw - y\rVert_1 = \sum_{i=1}^n \lvert x_i^\top w - y_i\rvert .$$

// %%
/** The L1 regression loss sum |Xw - y| for X [n, c], w [c], y [n]. */
function l1Loss(X: Tensor, w: ArrayLike<number>, y: ArrayLike<number>): number {
  const [n, c] = X.shape;
  if (w.length !== c || y.length !== n) {
    throw new Error(
      `l1Loss: shapes X [${X.shape}], w [${w.length}], y [${y.length}] do not align`,
    );
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let r = -y[i];
    for (let j = 0; j < c; j++) r += X.data[i * c + j] * w[j];
    loss += Math.abs(r);
  }
  return loss;
}

// 50 noisy samples of y = 1.5 x1 - 2 x2 + 0.5 x3, every tenth one shifted by +5 (outliers).
const rng2 = defaultRng(2);
const XP2 = rng2.normal(0, 1, [50, 3]);
const noiseP2 = rng2.normal(0, 1, [50]).data;
const wTrue = [1.5, -2, 0.5];
const yP2 = new Float64Array(50);
for (let i = 0; i < 50; i++) {
  yP2[i] = XP2.data[i * 3] * wTrue[0] + XP2.data[i * 3 + 1] * wTrue[1] +
    XP2.data[i * 3 + 2] * wTrue[2] + 0.5 * noiseP2[i] + (i % 10 === 0 ? 5 : 0);
}
console.log("L(0)      =", repr(l1Loss(XP2, [0, 0, 0], yP2)));
console.log("L(w_true) =", repr(l1Loss(XP2, wTrue, yP2)));

// %% [markdown]
// ### Parts B and C: can gradients minimise it?
//
// The write-up answers **no**: $\lvert\cdot\rvert$ has no derivative at 0, so (it says) the loss
// is "non-convex there", has "no unique global minimum" and "can't be minimized". Only the first
// half is right.
//
// * $L$ is **convex**: each $\lvert x_i^\top w - y_i\rvert$ is the absolute value (convex) of an
//   affine function of $w$, and sums of convex functions are convex. Every local minimum is
//   global.
// * $L$ is differentiable everywhere except on the hyperplanes where some residual is exactly
//   0. Away from them $\nabla L(w) = X^\top \operatorname{sign}(Xw - y)$; on them any vector
//   in the convex hull of the one-sided gradients is a **subgradient**.
// * So gradient-type methods do work: **subgradient descent** with a decreasing step converges
//   to the minimum (slowly), and the problem is also a linear programme
//   ($\min \sum_i t_i$ subject to $-t_i \le x_i^\top w - y_i \le t_i$), solved exactly by
//   `scipy.optimize.linprog`. What is true is that there is no closed form as for least
//   squares, and the minimiser need not be unique (the loss is piecewise linear).
//
// In the course's "3-step recipe" (model, loss, optimiser) the difficulty belongs to the
// optimiser step, not to the loss. Subgradient descent on our 50 samples reaches the linear
// programme's optimum (SciPy's `linprog` on the same data finds an L1 loss of 40.1617), and its
// $w$ stays closer to the true weights than least squares, which the outliers pull away:

// %%
function subgradientDescent(X: Tensor, y: Float64Array, steps: number) {
  const [n, c] = X.shape;
  let w = new Float64Array(c);
  let best = { w: w.slice(), loss: l1Loss(X, w, y) };
  for (let t = 0; t < steps; t++) {
    const g = new Float64Array(c);
    for (let i = 0; i < n; i++) {
      let r = -y[i];
      for (let j = 0; j < c; j++) r += X.data[i * c + j] * w[j];
      const s = Math.sign(r); // sign(0) = 0 is a valid subgradient choice
      for (let j = 0; j < c; j++) g[j] += s * X.data[i * c + j];
    }
    const eta = 0.05 / Math.sqrt(t + 1); // diminishing, non-summable steps
    w = w.map((wj, j) => wj - eta * g[j]);
    const loss = l1Loss(X, w, y);
    if (loss < best.loss) best = { w: w.slice(), loss };
  }
  return best;
}

/** Least squares by the normal equations (3 x 3), for comparison. */
function leastSquares(X: Tensor, y: Float64Array): Float64Array {
  const [n, c] = X.shape;
  const A = Array.from({ length: c }, () => new Float64Array(c + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      for (let k = 0; k < c; k++) A[j][k] += X.data[i * c + j] * X.data[i * c + k];
      A[j][c] += X.data[i * c + j] * y[i];
    }
  }
  return solveLinear(A);
}

/** Solves the square system given as an augmented matrix [A | b] (Gaussian elimination). */
function solveLinear(aug: Float64Array[]): Float64Array {
  const n = aug.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(aug[r][col]) > Math.abs(aug[pivot][col])) pivot = r;
    }
    [aug[col], aug[pivot]] = [aug[pivot], aug[col]];
    for (let r = col + 1; r < n; r++) {
      const factor = aug[r][col] / aug[col][col];
      for (let k = col; k <= n; k++) aug[r][k] -= factor * aug[col][k];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = aug[r][n];
    for (let k = r + 1; k < n; k++) s -= aug[r][k] * x[k];
    x[r] = s / aug[r][r];
  }
  return x;
}

const l1Fit = subgradientDescent(XP2, yP2, 20000);
const lsFit = leastSquares(XP2, yP2);
const fmtW = (w: ArrayLike<number>) => Array.from(w, (v) => v.toFixed(4)).join(", ");
console.log(`subgradient descent: w = [${fmtW(l1Fit.w)}], L1 loss ${l1Fit.loss.toFixed(6)}`);
console.log(
  `least squares      : w = [${fmtW(lsFit)}], L1 loss ${l1Loss(XP2, lsFit, yP2).toFixed(6)}`,
);
console.log(`true weights       : w = [${fmtW(wTrue)}]`);

// %% [markdown]
// ## Problem 3: how much can four ReLU units express?
//
// The network has one input, one hidden layer of four ReLU units and one linear output:
//
// $$f(x;\theta) = b_o + \sum_{k=1}^{4} W_{o,k}\,\max(0,\; W_{h,k}\,x + b_{h,k}) .$$
//
// Its 13 parameters are kept in one vector in the write-up's order:
// `p = [W_h1..W_h4, b_h1..b_h4, W_o1..W_o4, b_o]`. Each unit contributes a "hinge" with its kink
// at $x = -b_{h,k}/W_{h,k}$, so $f$ is piecewise linear with at most four kinks.

// %%
/** f(x; p) with p = [Wh1..4, bh1..4, Wo1..4, bo]; also the pre-activations z and ReLUs. */
function reluNet(p: ArrayLike<number>, x: number) {
  const z = [0, 1, 2, 3].map((k) => p[k] * x + p[4 + k]);
  const relu = z.map((v) => Math.max(0, v));
  // the same order of additions as the write-up's formula: b_o + W_o1 h1 + ... + W_o4 h4
  let out = p[12];
  for (let k = 0; k < 4; k++) out += p[8 + k] * relu[k];
  return { z, relu, out };
}

const D1 = {
  x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  y: [8, 6, 4, 2, 0, 2, 4, 2, 0, 2, 4, 6, 8],
};
const D2 = { x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], y: [0, 1, 2, 3, 2, 1, 2, 3, 4, 5, 6] };

/** Residuals f(x_i) - y_i. */
function residuals(p: ArrayLike<number>, data: { x: number[]; y: number[] }): Float64Array {
  return Float64Array.from(data.x, (x, i) => reluNet(p, x).out - data.y[i]);
}

// %% [markdown]
// ### Part A: an exact fit of both data sets
//
// Data set 1 has 13 points with slopes −2, +2, −2, +2 between kinks at 4, 6 and 8; data set 2
// has 11 points with slopes +1, −1, +1 and kinks at 3 and 5. Both are piecewise linear with at
// most three kinks, so four hinges can fit them **exactly**. The write-up treats the fit as a
// system of equations $f(x_i;\theta) - y_i = 0$, one per point, and hands it to
// `scipy.optimize.fsolve` from standard-normal random starts until every residual passes
// `np.isclose(r, 0)`, i.e. $\lvert r\rvert \le 10^{-8}$. fsolve needs as many equations as
// unknowns (13), so for data set 2 the last equation is repeated twice.
//
// The write-up printed the two solutions it found and an Excel sheet evaluating them for
// $x = 0..12$. Evaluating the printed digits reproduces every Excel column: pre-activations
// $Z_k$, ReLU outputs and predictions (the printed digits are rounded, so the residuals are
// about $10^{-8}$ to $10^{-7}$ instead of fsolve's $10^{-11}$).

// %%
const printedD1 = [
  -7.82455998e-01,
  -5.16665284e-01,
  1.32120087e+00,
  -3.55189485e+00,
  6.25964798e+00,
  3.09863545e+00,
  -1.05696070e+01,
  1.42169031e+01,
  2.55605428e+00,
  -7.76233237e+00,
  1.51377436e+00,
  1.12912342e+00,
  2.69958647e-11,
];
const printedD2 = [
  -0.35614338,
  0.05176055,
  0.04679073,
  4.26739128,
  1.06854914,
  0.69438611,
  0.33182292,
  -21.3355306,
  -5.61759265,
  -20.45828289,
  1.24519253,
  0.46882705,
  19.79543786,
];

/** The Excel sheet: Z1..Z4, ReLU1..ReLU4 and the prediction for x = 0..12. */
function excelTable(p: number[], title: string): number[] {
  console.log(title);
  console.log(
    "Input" + ["Z1", "Z2", "Z3", "Z4", "ReLU1", "ReLU2", "ReLU3", "ReLU4", "Prediction"]
      .map((h, i) => h.padStart(i < 8 ? 16 : 17)).join(""),
  );
  const predictions: number[] = [];
  for (let x = 0; x <= 12; x++) {
    const { z, relu, out } = reluNet(p, x);
    predictions.push(out);
    console.log(
      String(x).padStart(5) + [...z, ...relu].map((v) => sprintf("%16.9g", v)).join("") +
        sprintf("%17.10g", out),
    );
  }
  return predictions;
}

const excelD1 = excelTable(printedD1, "Data set 1, the printed solution:");
console.log();
const excelD2 = excelTable(
  printedD2,
  "Data set 2, the printed solution (x = 11, 12 lie outside it):",
);
const printedFit = {
  d1: residuals(printedD1, D1),
  d2: residuals(printedD2, D2),
};
console.log();
console.log(
  `max |residual|: data set 1 ${maxAbs(printedFit.d1).toExponential(2)}, ` +
    `data set 2 ${maxAbs(printedFit.d2).toExponential(2)}`,
);

// %% [markdown]
// The fit can also be written down by hand. Reading the slopes off the data, with each hinge
// placed at a kink:
//
// * data set 1: $f(x) = -16 + 2\,\mathrm{ReLU}(12 - x) + 4\,\mathrm{ReLU}(x-4)
//   - 4\,\mathrm{ReLU}(x-6) + 4\,\mathrm{ReLU}(x-8)$ (slope −2 left of 4 from the first hinge,
//   each later hinge changes the slope by ±4);
// * data set 2: $f(x) = \mathrm{ReLU}(x) - 2\,\mathrm{ReLU}(x-3) + 2\,\mathrm{ReLU}(x-5)$ (the
//   fourth unit is switched off with zero weights).
//
// Both have residual exactly 0. They also show why the answer is far from unique: a kink can sit
// anywhere strictly between the right pair of integers (only integer $x$ are constrained), a
// unit can be rescaled by $(cW_h, cb_h, W_o/c)$ for any $c > 0$, and the units can be permuted.
// A check of a fit must therefore look at its residuals, never compare its parameters with the
// write-up's.

// %%
const exactD1 = [-1, 1, 1, 1, 12, -4, -6, -8, 2, 4, -4, 4, -16];
const exactD2 = [1, 1, 1, 0, 0, -3, -5, 0, 1, -2, 2, 0, 0];
const exactFit = { d1: maxAbs(residuals(exactD1, D1)), d2: maxAbs(residuals(exactD2, D2)) };
console.log(
  `hand-made fits: max |residual| = ${exactFit.d1} (data set 1), ${exactFit.d2} (data set 2)`,
);

// %% [markdown]
// #### Solving the system ourselves
//
// SciPy's `fsolve` (MINPACK's Powell hybrid method) is rarely successful here: from
// standard-normal starts, units whose ReLU is off at every data point have zero gradient and
// never come back, and the solver stalls. The write-up's loop hides this: it simply restarts
// until a start succeeds. In a SciPy run of the write-up's loop with 300 seeded starts per data
// set, fsolve succeeded **0 times** for data set 1 and **once** for data set 2; the
// homework's run probably restarted hundreds of times (its two RuntimeWarnings come from failed
// attempts).
//
// We solve the same 13 equations with **Levenberg–Marquardt**, a damped Gauss–Newton method
// for least squares: with the residual vector $r(\theta)$ and its Jacobian $J$ (exact, from
// Part B below), each step solves $(J^\top J + \lambda I)\,\delta = -J^\top r$, accepts
// $\theta + \delta$ when the sum of squares drops (and then trusts the linear model more,
// $\lambda \leftarrow \lambda/3$), and otherwise damps harder ($\lambda \leftarrow 4\lambda$).
// We accept a result by the write-up's own test: every $\lvert r_i\rvert \le 10^{-8}$.
//
// From standard-normal starts LM shares fsolve's problem. A start that places each unit's kink
// inside the data range (random kink position, random direction, normal output weights) is
// what makes the method work: a "kink-aware" start.

// %%
/** Gradient of f(x; p) with respect to the 13 parameters (Part B's formulas). */
function gradF(p: ArrayLike<number>, x: number): Float64Array {
  const g = new Float64Array(13);
  for (let k = 0; k < 4; k++) {
    const z = p[k] * x + p[4 + k];
    const on = z > 0 ? 1 : 0;
    g[k] = p[8 + k] * on * x; // dW_h,k
    g[4 + k] = p[8 + k] * on; // db_h,k
    g[8 + k] = Math.max(0, z); // dW_o,k
  }
  g[12] = 1; // db_o
  return g;
}

/** The write-up's padding: repeat the last point until there are 13 equations. */
function padTo13(data: { x: number[]; y: number[] }) {
  const x = [...data.x];
  const y = [...data.y];
  while (x.length < 13) {
    x.push(x[x.length - 1]);
    y.push(y[y.length - 1]);
  }
  return { x, y };
}

/** Levenberg-Marquardt on the residuals f(x_i; p) - y_i; stops when all |r| <= 1e-10. */
function levenbergMarquardt(start: ArrayLike<number>, data: { x: number[]; y: number[] }) {
  let p = Float64Array.from(start);
  let r = residuals(p, data);
  let sse = r.reduce((s, v) => s + v * v, 0);
  let lambda = 1e-3;
  let iterations = 0;
  for (; iterations < 400 && maxAbs(r) > 1e-10 && lambda < 1e12; iterations++) {
    const J = data.x.map((x) => gradF(p, x));
    const A = Array.from({ length: 13 }, () => new Float64Array(14));
    for (let a = 0; a < 13; a++) {
      for (let b = 0; b < 13; b++) {
        let s = 0;
        for (let i = 0; i < J.length; i++) s += J[i][a] * J[i][b];
        A[a][b] = s + (a === b ? lambda : 0);
      }
      let g = 0;
      for (let i = 0; i < J.length; i++) g += J[i][a] * r[i];
      A[a][13] = -g;
    }
    const delta = solveLinear(A);
    const trial = p.map((v, i) => v + delta[i]);
    const rTrial = residuals(trial, data);
    const sseTrial = rTrial.reduce((s, v) => s + v * v, 0);
    if (sseTrial < sse) {
      [p, r, sse] = [trial, rTrial, sseTrial];
      lambda = Math.max(lambda / 3, 1e-15);
    } else {
      lambda *= 4;
    }
  }
  return { p, r, maxAbsResidual: maxAbs(r), iterations, ok: maxAbs(r) <= 1e-8 };
}

// %% [markdown]
// Two kinds of random start, each restarted 300 times per data set with its own seeded
// generator: standard-normal parameters, as the write-up draws them, and the kink-aware start.

// %%
type Start = (rng: ReturnType<typeof defaultRng>, data: { x: number[] }) => Float64Array;
const normalStart: Start = (rng) => rng.normal(0, 1, [13]).data as Float64Array;
const kinkAwareStart: Start = (rng, data) => {
  const p = new Float64Array(13);
  const [lo, hi] = [data.x[0], data.x[data.x.length - 1]];
  for (let k = 0; k < 4; k++) {
    const slope = (rng.random() < 0.5 ? -1 : 1) * rng.uniform(0.5, 2);
    const kink = rng.uniform(lo, hi);
    p[k] = slope;
    p[4 + k] = -slope * kink;
    p[8 + k] = rng.normal();
  }
  p[12] = rng.normal();
  return p;
};

/** Restarts LM from random starts; returns the first success and the success rate. */
function fitWithRestarts(
  data: { x: number[]; y: number[] },
  start: Start,
  maxStarts: number,
  onStart: () => void = () => {},
) {
  const rng = defaultRng(5);
  const padded = padTo13(data);
  let successes = 0;
  let first: ReturnType<typeof levenbergMarquardt> | null = null;
  let firstAttempt = 0;
  for (let attempt = 1; attempt <= maxStarts; attempt++) {
    const result = levenbergMarquardt(start(rng, data), padded);
    if (result.ok) {
      successes++;
      if (first === null) [first, firstAttempt] = [result, attempt];
    }
    onStart();
  }
  return { first, firstAttempt, successes, starts: maxStarts };
}

const lm: Record<string, Record<string, ReturnType<typeof fitWithRestarts>>> = {};
const lmBar = progress(4 * 300, { label: "start" });
let startsDone = 0;
const tick = () => lmBar.update(++startsDone);
for (const [name, data] of [["d1", D1], ["d2", D2]] as const) {
  lm[name] = {
    normal: fitWithRestarts(data, normalStart, 300, tick),
    kinkAware: fitWithRestarts(data, kinkAwareStart, 300, tick),
  };
  for (const [how, r] of Object.entries(lm[name])) {
    console.log(
      `data set ${name.slice(1)}, ${how.padEnd(9)} starts: ${r.successes}/${r.starts} succeed` +
        (r.first ? ` (first at start ${r.firstAttempt})` : ""),
    );
  }
}

// %% [markdown]
// The first successful kink-aware fit of each data set, printed as the write-up printed
// fsolve's (`solution`, then the residuals `f(solution)`), and the kink of each unit:

// %%
const solutions: Record<string, Float64Array> = {};
for (const [name, data] of [["d1", D1], ["d2", D2]] as const) {
  const fit = lm[name].kinkAware.first;
  assert(fit !== null, `no exact fit found for ${name}`);
  solutions[name] = fit.p;
  const r = residuals(fit.p, padTo13(data));
  assert(r.every((v) => Math.abs(v) <= 1e-8), `${name}: not every residual is close to 0`);
  console.log(`Data set ${name.slice(1)}: solution after ${fit.iterations} LM iterations`);
  console.log(repr(tensor(Array.from(fit.p))));
  console.log(repr(Array.from(r)));
  const kinks = [0, 1, 2, 3].map((k) => -fit.p[4 + k] / fit.p[k]);
  console.log("kinks -b/W:", kinks.map((v) => v.toFixed(4)).join(" "), "\n");
}

// %% [markdown]
// The figure draws the data and three exact fits of each data set: the write-up's printed
// solution, ours, and the hand-made one. They agree at every integer and differ in between,
// which is exactly the freedom described above.

// %%
function fitFigure(
  data: { x: number[]; y: number[] },
  fits: [string, ArrayLike<number>][],
  title: string,
) {
  const grid = Array.from({ length: 241 }, (_, i) => -0.5 + (data.x.length) * i / 240);
  return linePlot(
    [
      ...fits.map(([name, p], i) => ({
        name,
        x: grid,
        y: grid.map((x) => reluNet(p, x).out),
        dash: i === 2 ? "6,3" : false,
      })),
      { name: "data", x: data.x, y: data.y, marker: true, strokeWidth: 0, color: "black" },
    ],
    { title, xLabel: "x", yLabel: "f(x)", width: 460, height: 320 },
  );
}
await nb.show(
  fitFigure(
    D1,
    [["printed", printedD1], ["LM (ours)", solutions.d1], ["by hand", exactD1]],
    "Data set 1",
  ),
  "f1_fit_d1",
);
await nb.show(
  fitFigure(
    D2,
    [["printed", printedD2], ["LM (ours)", solutions.d2], ["by hand", exactD2]],
    "Data set 2",
  ),
  "f2_fit_d2",
);

// %% [markdown]
// ### Part B: the gradient of the squared-error loss
//
// For $L(\theta) = \sum_i \bigl(y_i - f(x_i;\theta)\bigr)^2$ the chain rule gives the write-up's
// answer
//
// $$\nabla L(\theta) = -2\sum_{i=1}^n \bigl(y_i - f(x_i;\theta)\bigr)\,\nabla f(x_i;\theta).$$
//
// To use it we also need $\nabla f$. With $z_k = W_{h,k}x + b_{h,k}$ and
// $\mathbb{1}[z_k > 0]$ the ReLU's derivative:
//
// $$\frac{\partial f}{\partial b_o} = 1,\quad
//   \frac{\partial f}{\partial W_{o,k}} = \max(0, z_k),\quad
//   \frac{\partial f}{\partial b_{h,k}} = W_{o,k}\,\mathbb{1}[z_k>0],\quad
//   \frac{\partial f}{\partial W_{h,k}} = W_{o,k}\,\mathbb{1}[z_k>0]\,x .$$
//
// This is `gradF` above. We check $\nabla L$ against central differences at a random
// $\theta$ on data set 1.

// %%
const thetaB = defaultRng(3).normal(0, 1, [13]).data;
const lossL = (p: ArrayLike<number>) => residuals(p, D1).reduce((s, r) => s + r * r, 0);
const gradL = new Float64Array(13);
D1.x.forEach((x, i) => {
  const r = D1.y[i] - reluNet(thetaB, x).out;
  gradF(thetaB, x).forEach((g, j) => (gradL[j] += -2 * r * g));
});
const fdL = centralDifferences(lossL, thetaB);
const gradLError = maxAbs(gradL.map((g, i) => (g - fdL[i]) / Math.max(1, Math.abs(fdL[i]))));
console.log(`L(theta) = ${repr(lossL(thetaB))}`);
console.log("analytic:", Array.from(gradL, (v) => v.toFixed(5)).join(" "));
console.log("numeric :", Array.from(fdL, (v) => v.toFixed(5)).join(" "));
console.log(`largest relative difference ${gradLError.toExponential(2)}`);

// %% [markdown]
// ### Part C: a forward pass at $x = 2$
//
// The problem's parameters are lost with the problem statement; the write-up's sheet shows the
// hidden weights $W_h = (-1, 1, 1, -1)$ and four rows, from which the rest follows: the row
// $x = 0$ gives $b_h = (1, 1, -1, 1)$; the predictions give $b_o = 1$, $W_{o,2} = W_{o,3} = -1$
// and $W_{o,1} + W_{o,4} = 0$, and the hand calculation (unit 1 and unit 4 contribute 0 at
// $x=2$) points to $W_o = (0, -1, -1, 0)$. At $x = 2$: $z = (-1, 3, 1, -1)$, after the ReLU
// $(0, 3, 1, 0)$, weighted sum $-4$, plus the bias: **$f(2) = -3$**.

// %%
const partC = [-1, 1, 1, -1, 1, 1, -1, 1, 0, -1, -1, 0, 1];
console.log("Input   Z1  Z2  Z3  Z4   ReLU1 ReLU2 ReLU3 ReLU4   Prediction");
for (let x = 0; x <= 3; x++) {
  const { z, relu, out } = reluNet(partC, x);
  console.log(
    String(x).padStart(5) + z.map((v) => String(v).padStart(4)).join("") + "  " +
      relu.map((v) => String(v).padStart(6)).join("") + String(out).padStart(13),
  );
}
const partCPreds = [0, 1, 2, 3].map((x) => reluNet(partC, x).out);
const atTwo = reluNet(partC, 2);
const weightedSum = atTwo.out - partC[12];
console.log(
  `x = 2: z = [${atTwo.z}], ReLU = [${atTwo.relu}], sum ${weightedSum}, output ${atTwo.out}`,
);

// %% [markdown]
// ### Part D: the derivatives by backpropagation
//
// The write-up gives chain-rule formulas but no numbers, and the formulas are wrong in three
// ways: $\partial L/\partial f$ has the wrong sign (for $L = (y - f)^2$ it is $2(f - y)$, not
// $2(y - f)$); $\partial f/\partial W_{o,k}$ is the output of unit $k$ alone, not the sum of all
// four; and the hidden-layer derivatives are per unit, $W_{o,k}\mathbb{1}[z_k>0]$ (times $x$ for
// the weight), not $\sum_k W_{o,k}$ times $\max(0, x)$.
//
// Backpropagation at $x = 2$ with the Part C parameters, from the output back:
// $\partial f/\partial b_o = 1$; $\partial f/\partial W_o$ = the ReLU outputs $(0, 3, 1, 0)$;
// the gradient reaching $z$ is $W_o \odot \mathbb{1}[z > 0] = (0, -1, -1, 0)$, which is
// $\partial f/\partial b_h$; multiplied by $x = 2$ it is $\partial f/\partial W_h = (0, -2, -2, 0)$.
// Units 1 and 4 are off, so the unknown split of $W_{o,1} + W_{o,4} = 0$ does not matter. For a
// target $y$ (not given) the loss gradient is $2(f - y) = 2(-3 - y)$ times these.

// %%
const gradC = gradF(partC, 2);
const fdC = centralDifferences((p) => reluNet(p, 2).out, partC);
console.log("dW_h =", Array.from(gradC.slice(0, 4)), " db_h =", Array.from(gradC.slice(4, 8)));
console.log("dW_o =", Array.from(gradC.slice(8, 12)), " db_o =", gradC[12]);
console.log(
  `max |backprop - finite differences| = ${
    maxAbs(gradC.map((g, i) => g - fdC[i])).toExponential(2)
  }`,
);

// %% [markdown]
// ## Problem 4: a Fashion-MNIST classifier (PyTorch in the original)
//
// Fashion-MNIST has 60,000 training and 10,000 test images of 28×28 grey pixels in ten clothing
// classes. As torchvision's `ToTensor()`, we divide the bytes by 255 (no further
// normalisation). The loaders use batches of 64, the training one shuffled every epoch; the
// last batches hold 32 and 16 images.
//
// The model is PyTorch's `Linear(784, 256) → ReLU → Linear(256, 128) → ReLU → Linear(128, 64)
// → ReLU → Linear(64, 10)` on flattened images, with PyTorch's default initialisation
// ($W$ and $b$ uniform in $\pm 1/\sqrt{\text{fan-in}}$), the cross-entropy of the logits
// (averaged over the batch), and plain SGD with learning rate 0.01, in float32 as PyTorch.
//
// **Reproducibility.** The original seeds nothing, so its initial weights and batch order
// cannot be recreated. We draw both from `defaultRng(1)` (uniform weights layer by layer, then
// one permutation per epoch), which makes the run repeatable and lets a NumPy version of the same
// model with seed 1 follow the same weights and batches. The homework's numbers are then matched
// within ranges taken from two such NumPy runs (seeds 1 and 2).

// %%
const P4 = QUICK
  ? { nTrain: 6400, nTest: 1000, epochs: 2 }
  : { nTrain: 60000, nTest: 10000, epochs: 10 };
const fashion = await loadFashionMnist({ scale: "unit", dtype: "float32" });
console.log(fashion.train.labels.length);
console.log(fashion.test.labels.length);
const xTrainF = slice(fashion.train.images, 0, P4.nTrain);
const yTrainF = fashion.train.labels.subarray(0, P4.nTrain);
const xTestF = slice(fashion.test.images, 0, P4.nTest);
const yTestF = fashion.test.labels.subarray(0, P4.nTest);
const rngP4 = defaultRng(1);
const model = new Sequential([
  new Linear(784, 256, { init: "pytorch", rng: rngP4, dtype: "float32" }),
  new ReLU(),
  new Linear(256, 128, { init: "pytorch", rng: rngP4, dtype: "float32" }),
  new ReLU(),
  new Linear(128, 64, { init: "pytorch", rng: rngP4, dtype: "float32" }),
  new ReLU(),
  new Linear(64, 10, { init: "pytorch", rng: rngP4, dtype: "float32" }),
]);
const trainLoader = new DataLoader(xTrainF, yTrainF, { batchSize: 64, shuffle: true, rng: rngP4 });
const testLoader = new DataLoader(xTestF, yTestF, { batchSize: 64 });
// The shapes of a batch, from the test loader: drawing a shuffled training batch here would take
// a permutation from rngP4 and shift every later draw of the seed-1 stream.
const firstBatch = testLoader[Symbol.iterator]().next().value!;
console.log(`torch.Size([${[firstBatch.x.shape[0], 1, 28, 28].join(", ")}])`);
console.log(`torch.Size([${firstBatch.y.length}])`);
console.log(`${trainLoader.length} training batches, ${testLoader.length} test batches`);
console.log(model.toString());

// %% [markdown]
// The loop mirrors the original: in each epoch the **test pass comes first** (so "epoch $e$"'s
// test loss belongs to the model after $e$ epochs, and epoch 0 is the untrained model, about
// $\ln 10 \approx 2.303$ per batch), then one pass of SGD over the training batches. The printed
// losses are the **sums** of the per-batch means; the curves use them divided by the number of
// batches. We also measure the test accuracy after each epoch, which the original does not.

// %%
const lossP4 = new SoftmaxCrossEntropyLoss();
const optimizer = new SGD(model.parameters(), { lr: 0.01 });
const trainLossSum: number[] = [];
const testLossSum: number[] = [];
const testAccAfter: number[] = [];
let lastBatch: { x: Tensor; y: Int32Array; predicted: Int32Array } = {
  x: xTestF,
  y: yTestF,
  predicted: new Int32Array(0),
};
const bar = progress(P4.epochs, { label: "epoch" });
const p4Start = performance.now();
for (let epoch = 0; epoch < P4.epochs; epoch++) {
  let testLoss = 0;
  for (const { x, y } of testLoader) testLoss += lossP4.forward(model.forward(x), y);
  let trainLoss = 0;
  for (const { x, y } of trainLoader) {
    const logits = model.forward(x);
    trainLoss += lossP4.forward(logits, y);
    lastBatch = { x, y, predicted: argmax(logits, { axis: 1 }) };
    model.backward(lossP4.backward(logits, y), { inputGrad: false });
    optimizer.step();
  }
  trainLossSum.push(trainLoss);
  testLossSum.push(testLoss);
  testAccAfter.push(accuracyOf(model.forward(xTestF), yTestF));
  console.log(`Epoch ${epoch}, Train loss ${repr(trainLoss)}, Test loss ${repr(testLoss)}`);
  bar.update(epoch + 1, {
    train: trainLoss / trainLoader.length,
    test: testLoss / testLoader.length,
  });
}
const p4Seconds = (performance.now() - p4Start) / 1000;
console.log(`test accuracy after each epoch: ${testAccAfter.map((a) => a.toFixed(4)).join(" ")}`);

/** Fraction of rows whose largest logit is the label. */
function accuracyOf(logits: Tensor, labels: Int32Array): number {
  const predicted = argmax(logits, { axis: 1 });
  return predicted.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / labels.length;
}

// %%
const trainLossAvg = trainLossSum.map((s) => s / trainLoader.length);
const testLossAvg = testLossSum.map((s) => s / testLoader.length);
await nb.show(
  linePlot([{ name: "Train error", y: trainLossAvg }, { name: "Test error", y: testLossAvg }], {
    xLabel: "Epoch",
    yLabel: "Loss",
    width: 560,
    height: 360,
  }),
  "f3_fashion_loss",
);

// %% [markdown]
// A NumPy run of the same model with seed 1 (float32, the same initial weights and batches)
// ends epoch 9 with a training loss sum of 409.65, a test loss sum of 74.94 and 82.15% test
// accuracy: the full run here agrees to about three digits, the rest being float32 summation
// order. The homework printed 416.11 and 79.38 (no accuracy).
//
// The legend keeps the original's labels, although the curves show the cross-entropy loss, not
// an error rate. Train and test loss fall together. The test curve lies above the training
// curve, and not because of overfitting: the test loss of epoch $e$ is measured *before* that
// epoch's updates, while the training loss averages over them, so the test curve lags by
// about one epoch of learning (the largest gap is at epoch 0). The original's test loss went up in
// epochs 5 and 8: with plain SGD at this learning rate, single epochs can get worse.
//
// ### Inspecting predictions
//
// Like the original we look at the last training batch (32 images; the logits were computed
// just before the last update), print the predicted and true classes in PyTorch's format, and
// show the images at positions 30, 20, 10 and 1 with matplotlib's default colour map (viridis).

// %%
/** A 1-D integer tensor printed as PyTorch prints it (80 columns). */
function torchTensor(values: ArrayLike<number>): string {
  const items = Array.from(values, String);
  const width = Math.max(...items.map((s) => s.length));
  const perLine = Math.max(1, Math.floor((80 - 8) / (width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) {
    lines.push(items.slice(i, i + perLine).map((s) => s.padStart(width)).join(", "));
  }
  return `tensor([${lines.join(",\n        ")}])`;
}
const nLast = lastBatch.y.length;
const lastCorrect = lastBatch.predicted.reduce((s, p, i) => s + (p === lastBatch.y[i] ? 1 : 0), 0);
console.log("Predicted:", torchTensor(lastBatch.predicted));
console.log("Labels:", torchTensor(lastBatch.y));
console.log(`${lastCorrect} of ${nLast} correct (${(100 * lastCorrect / nLast).toFixed(1)}%)`);
const shown = [30, 20, 10, 1].filter((i) => i < nLast);
for (const i of shown) {
  console.log(
    `item ${i}: Predicted: ${lastBatch.predicted[i]} (${
      FASHION_MNIST_CLASSES[lastBatch.predicted[i]]
    }), ` +
      `Labels: ${lastBatch.y[i]} (${FASHION_MNIST_CLASSES[lastBatch.y[i]]})`,
  );
}
await nb.show(
  imageGrid(shown.map((i) => reshape(slice(lastBatch.x, i, i + 1), [28, 28])), {
    titles: shown.map((i) =>
      `${i}: ${FASHION_MNIST_CLASSES[lastBatch.predicted[i]]} / ${
        FASHION_MNIST_CLASSES[lastBatch.y[i]]
      }`
    ),
    colormap: "viridis",
    columns: 4,
    scale: 5,
    title: "predicted / label",
  }),
  "f4_fashion_items",
);

// %% [markdown]
// The write-up names its four items "shoe" (class 7, Sneaker), "shirt" (6, Shirt), "I do not
// know what it is" (5, Sandal) and "dress" (3, Dress); all four were predicted correctly, with
// 27 of the 32 in its last batch (84%). Our batch is a different random one, so its items
// differ; the printed labels and the images above can be compared in the same way.
//
// ### The model in ONNX
//
// The trained network is exported to ONNX (float32, one `Gemm` per layer, dynamic batch) and run
// in ONNX Runtime on the test images. The file takes what a web page has, 28×28 pixel values 0
// to 255 (its first node divides by 255), and ends in a softmax, so that it outputs class
// probabilities; its metadata names the classes. Thirty-two test images are saved beside it for
// the model page in `notebooks/web/`.

// %%
const onnxP4 = `${nb.out}/03_fashion_mlp.onnx`;
await saveOnnx(model, onnxP4, {
  docString: "homework 1, problem 4: Fashion-MNIST 784-256-128-64-10 ReLU MLP, SGD lr 0.01, " +
    `batch 64, ${P4.epochs} epochs; input: 28x28 pixels 0..255; output: class probabilities`,
  pixels: { shape: [28, 28], divideBy: 255 },
  softmax: true,
  classNames: FASHION_MNIST_CLASSES,
  dataset: "Fashion-MNIST",
});
// The test images as a page has them: pixel values 0..255.
const pixelsP4 = new Tensor(
  Float64Array.from(xTestF.data, (v) => Math.round(v * 255)),
  [P4.nTest, 28, 28],
);
await saveOnnxSamples(onnxP4, {
  values: slice(pixelsP4, 0, 32),
  labels: Array.from(yTestF.subarray(0, 32)),
  source: "the first 32 test images",
});
const oursP4 = new Softmax().forward(model.forward(xTestF));
const ortP4 = await runOnnx(onnxP4, pixelsP4);
const onnxP4Check = {
  file: "03_fashion_mlp.onnx",
  max_abs_diff: maxAbs(ortP4.data.map((v, i) => v - oursP4.data[i])),
  same_argmax: argmax(ortP4, { axis: 1 }).reduce(
    (s, p, i) => s + (p === argmax(oursP4, { axis: 1 })[i] ? 1 : 0),
    0,
  ),
  n: yTestF.length,
  accuracy: accuracyOf(ortP4, yTestF),
};
console.log(
  `ONNX Runtime: max |onnx - ours| = ${onnxP4Check.max_abs_diff.toExponential(2)}, ` +
    `same class for ${onnxP4Check.same_argmax} of ${onnxP4Check.n}, accuracy ${onnxP4Check.accuracy}`,
);

// %% [markdown]
// ## Problem 5: an MNIST network from scratch (NumPy in the original)
//
// The last problem trains a small network on MNIST's handwritten digits with every derivative
// written by hand. The homework loads MNIST through Keras; we read the same IDX files (same
// images, same order). The pixels are used **raw**, 0 to 255, without scaling: the write-up
// never divides by 255, and the homework's printed initial accuracy is reproduced only this way.
// The first training image is a 5:

// %%
const mnist = await loadMnist();
const mnistTrain = mnist.train.images as ByteImages;
const mnistTest = mnist.test.images as ByteImages;
const first = tensor(Array.from(mnistTrain.data.subarray(0, 784)), { shape: [28, 28] });
await nb.show(
  imageGrid([first], { colormap: "gray", titles: [`label ${mnist.train.labels[0]}`] }),
  "f5_mnist_first",
);

// %% [markdown]
// ### Helpers
//
// The hidden layers use the sigmoid in its stable form (for $x \ge 0$ use $1/(1 + e^{-x})$, for
// $x < 0$ the equal $e^x/(1 + e^x)$, after clipping $x$ to ±500); the output layer uses the
// softmax with its maximum subtracted; the loss is the cross-entropy
// $-\sum_k y_k \log \hat y_k$ with the one-hot label $y$. Sums follow NumPy's pairwise order so
// that averages round like NumPy's.

// %%
function sigmoid(v: number): number {
  const x = Math.min(500, Math.max(-500, v));
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** `np.sum` of a float64 vector: the library's `sum` adds in NumPy's (pairwise) order. */
function pairwiseSum(a: Float64Array): number {
  return sum(new Tensor(a, [a.length]));
}

/** Softmax of a vector in place, max subtracted first. */
function softmaxInPlace(z: Float64Array): void {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  for (let k = 0; k < z.length; k++) z[k] = Math.exp(z[k] - m);
  const s = pairwiseSum(z);
  for (let k = 0; k < z.length; k++) z[k] /= s;
}

// %% [markdown]
// ### Q1: initialisation
//
// Layers 784 → 32 → 32 → 10. The template asks for normal weights with mean 0 and variance
// $1/\max(n_{in}, n_{out})$, i.e. standard deviations $1/28$, $1/\sqrt{32}$ and $1/\sqrt{32}$;
// biases start at 0. The weights are stored as $(n_{in}, n_{out})$ matrices and a layer
// computes $a W + b$. They are drawn from `default_rng(80085)` in the write-up's order, with
// our bit-exact port of NumPy's generator, so they are the homework's weights to the last bit.

// %%
const rngP5 = defaultRng(80085);
const sizes = [784, 32, 32, 10];
const weights: Float64Array[] = [];
const biases: Float64Array[] = [];
for (let l = 0; l < 3; l++) {
  weights.push(
    rngP5.normal(0, 1 / Math.sqrt(Math.max(sizes[l], sizes[l + 1])), [sizes[l], sizes[l + 1]])
      .data as Float64Array,
  );
  biases.push(new Float64Array(sizes[l + 1]));
}
const initWeightSums = weights.map((w) => pairwiseSum(w));
console.log("W1[0, :3] =", Array.from(weights[0].slice(0, 3), (v) => v.toFixed(8)).join(" "));
console.log("W3[0, :3] =", Array.from(weights[2].slice(0, 3), (v) => v.toFixed(8)).join(" "));
console.log("weight sums:", initWeightSums.map(repr).join(" "));

// %% [markdown]
// ### Q2: the forward pass
//
// One sample goes through the three layers ($z = aW + b$, then the sigmoid, or the softmax for
// the last layer). The loss is $-\log \hat y_{\text{label}}$ and the guess is the arg-max (first
// index on ties). Over a whole data set we print the average loss rounded as `np.round(., 2)`
// and the number of correct guesses, as the write-up prints them. The activations live in
// preallocated buffers, and the first layer skips zero pixels (about 80% of MNIST): adding
// $0 \cdot w$ changes nothing.

// %%
const acts = sizes.slice(1).map((n) => new Float64Array(n));

/** Forward pass of image `i` of `images`; leaves the layer outputs in `acts`. */
function forwardSample(images: ByteImages, i: number): Float64Array {
  const base = i * 784;
  let input: ArrayLike<number> = images.data.subarray(base, base + 784);
  for (let l = 0; l < 3; l++) {
    const [nIn, nOut] = [sizes[l], sizes[l + 1]];
    const w = weights[l];
    const z = acts[l];
    z.fill(0);
    for (let r = 0; r < nIn; r++) {
      const a = input[r];
      if (a === 0) continue;
      for (let c = 0; c < nOut; c++) z[c] += a * w[r * nOut + c];
    }
    for (let c = 0; c < nOut; c++) z[c] += biases[l][c];
    if (l === 2) softmaxInPlace(z);
    else for (let c = 0; c < nOut; c++) z[c] = sigmoid(z[c]);
    input = z;
  }
  return acts[2];
}

interface Evaluation {
  avg_loss: number;
  correct: number;
  n: number;
}

/** Loss and accuracy of the first n images, printed as the write-up prints them. */
function feedForwardDataset(images: ByteImages, labels: Int32Array, n: number): Evaluation {
  const losses = new Float64Array(n);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const out = forwardSample(images, i);
    losses[i] = -Math.log(out[labels[i]]);
    let best = 0;
    for (let k = 1; k < 10; k++) if (out[k] > out[best]) best = k;
    if (best === labels[i]) correct++;
  }
  const avg = pairwiseSum(losses) / n;
  console.log("\nAverage loss:", repr(npRound2(avg)));
  console.log(
    "Accuracy (# of correct guesses):",
    repr(correct),
    "/",
    String(n),
    "(",
    format((correct / n) * 100, ".2f"),
    "%)",
  );
  return { avg_loss: avg, correct, n };
}

/** NumPy's np.round(x, 2): scale, round half to even, scale back. */
function npRound2(x: number): number {
  const y = x * 100;
  let r = Math.round(y);
  if (Math.abs(y - Math.trunc(y)) === 0.5) r = 2 * Math.round(y / 2);
  return r / 100;
}

const P5 = QUICK ? { nTrain: 5000, epochs: 1 } : { nTrain: 60000, epochs: 3 };
function feedForwardTrainingData(): Evaluation {
  console.log("Feeding forward all training data...");
  const e = feedForwardDataset(mnistTrain, mnist.train.labels, P5.nTrain);
  console.log("");
  return e;
}
function feedForwardTestData(): Evaluation {
  console.log("Feeding forward all test data...");
  const e = feedForwardDataset(mnistTest, mnist.test.labels, 10000);
  console.log("");
  return e;
}
const initTest = feedForwardTestData();

// %% [markdown]
// The untrained network gets 880 of 10,000 test digits right (8.80%, about chance) with an
// average loss of 2.37: the homework's numbers exactly. (Python's `print` separates its
// arguments with spaces, so the real output reads `( 8.80 %)`; the exported text lost that
// space.)
//
// ### Q3: backpropagation for one sample
//
// With the softmax and the cross-entropy together, the gradient at the output pre-activation
// is simply $\hat y - y$. Going back one layer, $\partial L/\partial a^{(l)} = W^{(l+1)}\,
// \delta^{(l+1)}$, and the sigmoid's derivative $a(1-a)$ turns it into
// $\delta^{(l)} = \partial L/\partial z^{(l)}$. A layer's weight gradient is the outer product
// of its input with $\delta^{(l)}$, its bias gradient $\delta^{(l)}$ itself. All gradients use the
// weights *before* the update; then every parameter moves by $-0.003$ times its gradient. No
// minibatches, no shuffling: one sample, one step.

// %%
const deltas = sizes.slice(1).map((n) => new Float64Array(n));

/** The input of each layer for image i: its raw pixels, then the two hidden activations. */
function layerInputs(images: ByteImages, i: number): ArrayLike<number>[] {
  return [images.data.subarray(i * 784, i * 784 + 784), acts[0], acts[1]];
}

/** Forward and backward pass of one sample: leaves dL/dz of every layer in `deltas`. */
function backpropSample(images: ByteImages, i: number, label: number): void {
  forwardSample(images, i);
  const [h1, h2, p] = acts;
  const [d1, d2, d3] = deltas;
  for (let k = 0; k < 10; k++) d3[k] = p[k] - (k === label ? 1 : 0); // softmax + cross-entropy
  for (let r = 0; r < 32; r++) {
    let s = 0; // (W3 @ d3)[r], with the weights before the update
    for (let c = 0; c < 10; c++) s += weights[2][r * 10 + c] * d3[c];
    d2[r] = s * (h2[r] * (1 - h2[r]));
  }
  for (let r = 0; r < 32; r++) {
    let s = 0;
    for (let c = 0; c < 32; c++) s += weights[1][r * 32 + c] * d2[c];
    d1[r] = s * (h1[r] * (1 - h1[r]));
  }
}

function trainOneSample(images: ByteImages, i: number, label: number, learningRate = 0.003): void {
  backpropSample(images, i, label);
  const inputs = layerInputs(images, i);
  // W -= (input_r * delta_c) * lr, as NumPy's W -= outer(a, delta) * lr; zero inputs skip a row
  for (let l = 0; l < 3; l++) {
    const [nIn, nOut] = [sizes[l], sizes[l + 1]];
    const w = weights[l];
    const d = deltas[l];
    const a = inputs[l];
    for (let r = 0; r < nIn; r++) {
      const ar = a[r];
      if (ar === 0) continue;
      for (let c = 0; c < nOut; c++) w[r * nOut + c] -= ar * d[c] * learningRate;
    }
    for (let c = 0; c < nOut; c++) biases[l][c] -= d[c] * learningRate;
  }
}

// %% [markdown]
// Two checks before training. First, finite differences on the first training image: for the
// two weights of each layer with the largest gradient $a_r\,\delta_c$, we nudge the weight by
// $\pm 10^{-6}$ and compare the change of the loss with the backpropagated value. Second, we
// take 20 SGD steps and keep the weights they produce (then restore the initial ones): they agree
// to about 12 digits with the weights of the homework's NumPy code after the same 20 steps.
// (Over hundreds of steps the rounding differences of the two programs grow until the runs part
// ways; see Q4.)

// %%
function lossOfSample(i: number): number {
  return -Math.log(forwardSample(mnistTrain, i)[mnist.train.labels[i]]);
}
backpropSample(mnistTrain, 0, mnist.train.labels[0]);
const inputs0 = layerInputs(mnistTrain, 0).map((a) => Float64Array.from(a));
const deltas0 = deltas.map((d) => d.slice());
let backpropError = 0;
for (let l = 0; l < 3; l++) {
  const nOut = sizes[l + 1];
  const grad = (j: number) => inputs0[l][Math.floor(j / nOut)] * deltas0[l][j % nOut];
  const largest = [...weights[l].keys()].sort((p, q) => Math.abs(grad(q)) - Math.abs(grad(p)));
  for (const j of largest.slice(0, 2)) {
    const h = 1e-6;
    const old = weights[l][j];
    weights[l][j] = old + h;
    const up = lossOfSample(0);
    weights[l][j] = old - h;
    const down = lossOfSample(0);
    weights[l][j] = old;
    const numeric = (up - down) / (2 * h);
    const rel = Math.abs(numeric - grad(j)) / Math.abs(grad(j));
    backpropError = Math.max(backpropError, rel);
    console.log(
      `layer ${l + 1}, W[${Math.floor(j / nOut)}, ${j % nOut}]: backprop ${
        grad(j).toExponential(6)
      }, finite differences ${numeric.toExponential(6)}`,
    );
  }
}
console.log(`largest relative difference: ${backpropError.toExponential(2)}`);

const saved = { w: weights.map((w) => w.slice()), b: biases.map((b) => b.slice()) };
for (let j = 0; j < 20; j++) trainOneSample(mnistTrain, j, mnist.train.labels[j]);
const after20Steps = {
  w1_sum_squares: weights[0].reduce((s, v) => s + v * v, 0),
  w2: Array.from(weights[1]),
  w3: Array.from(weights[2]),
  b: biases.map((b) => Array.from(b)),
};
weights.forEach((w, l) => w.set(saved.w[l]));
biases.forEach((b, l) => b.set(saved.b[l]));
console.log(`after 20 steps: sum of W1^2 = ${repr(after20Steps.w1_sum_squares)}`);

// %% [markdown]
// ### Q4: three epochs of per-sample SGD
//
// Each epoch visits the 60,000 training images in their stored order, one SGD step each, then
// evaluates the whole training set and the test set, printing as the homework does.

// %%
const p5Epochs: { train: Evaluation; test: Evaluation }[] = [];
const p5Start = performance.now();
const p5Bar = progress(P5.epochs * P5.nTrain, { label: "step" });
function trainOneEpoch(): Evaluation {
  console.log("Training for one epoch over the training dataset...");
  for (let j = 0; j < P5.nTrain; j++) {
    trainOneSample(mnistTrain, j, mnist.train.labels[j], 0.003);
    if ((j + 1) % 1000 === 0) p5Bar.update(p5Epochs.length * P5.nTrain + j + 1);
  }
  const e = feedForwardTrainingData();
  console.log("Finished training.\n");
  return e;
}
for (let epoch = 0; epoch < P5.epochs; epoch++) {
  const train = trainOneEpoch();
  const test = feedForwardTestData();
  p5Epochs.push({ train, test });
}
const p5Seconds = (performance.now() - p5Start) / 1000;
console.log(
  `(${
    p5Seconds.toFixed(1)
  } s for ${P5.epochs} epoch(s) of ${P5.nTrain} steps and their evaluations)`,
);

// %% [markdown]
// The homework printed 65.11%, 72.91% and 69.11% training accuracy and 65.05%, 73.30% and 69.94%
// test accuracy, and expected "about 70%". Our run lands in the same region but not on the same
// numbers, and no run can: per-sample SGD on raw 0-255 pixels drives the first layer's sigmoids
// into saturation, and the trajectory is chaotic. Two NumPy runs of the homework's exact code
// with its seed give 63.75%, 59.40% and 68.63% test accuracy (NumPy 1.24) and 70.26%, 69.14% and
// 67.14% (NumPy 2.4, whose dot products add in another order); changing only the summation order
// of the forward dot products moves the first epoch by two points. Our code and NumPy's take the
// same steps at first (the weights after 20 steps agree to about 12 digits), but a difference of
// one rounding unit in a dot product doubles every few steps: after 100 steps the first layer's
// weights differ in the 7th digit, after a few hundred the two runs are different samples of
// the same random process. What is reproducible is the behaviour: from ~10% to ~60-70% in one
// epoch, with average losses near 1, and no steady improvement after that. The homework's second
// epoch (73.30% test, average loss 0.83) is better than any of these runs, ours included; the
// reproduction table marks it *differs*.
//
// ### The network in ONNX
//
// The trained network (raw pixels in, sigmoid, sigmoid, softmax) is exported as an ONNX chain
// and run in ONNX Runtime on the test set. We store it in float64: with raw pixels up to 255
// the first layer's sums reach the hundreds, and float32 weights would move the output
// probabilities by up to about $10^{-4}$ (measured), instead of rounding noise.

// %%
const layerSpecs = [0, 1, 2].flatMap((l) => [
  {
    kind: "linear" as const,
    weight: tensor(weights[l], { shape: [sizes[l], sizes[l + 1]] }),
    bias: tensor(biases[l]),
  },
  { kind: l === 2 ? "softmax" as const : "sigmoid" as const },
]);
const onnxP5 = `${nb.out}/03_mnist_sigmoid_mlp.onnx`;
await Deno.writeFile(
  onnxP5,
  toOnnx(layerSpecs, {
    dtype: "float64",
    docString: "homework 1, problem 5: MNIST 784-32-32-10, sigmoid hidden layers, softmax " +
      "output, per-sample SGD lr 0.003; input: raw pixels 0..255; output: class probabilities",
    pixels: { shape: [28, 28] },
    classNames: MNIST_CLASSES,
    dataset: "MNIST",
  }),
);
const testPixels = tensor(Float64Array.from(mnistTest.data), {
  shape: [10000, 28, 28],
  dtype: "float64",
});
await saveOnnxSamples(onnxP5, {
  values: slice(testPixels, 0, 32),
  labels: Array.from(mnist.test.labels.subarray(0, 32)),
  source: "the first 32 test images",
});
const ortP5 = await runOnnx(onnxP5, testPixels);
let p5MaxDiff = 0;
let p5Same = 0;
for (let i = 0; i < 10000; i++) {
  const ours = forwardSample(mnistTest, i);
  let best = 0;
  for (let k = 0; k < 10; k++) {
    p5MaxDiff = Math.max(p5MaxDiff, Math.abs(ortP5.data[i * 10 + k] - ours[k]));
    if (ours[k] > ours[best]) best = k;
  }
  if (argmax(slice(ortP5, i, i + 1)) === best) p5Same++;
}
const onnxP5Check = {
  file: "03_mnist_sigmoid_mlp.onnx",
  max_abs_diff: p5MaxDiff,
  same_argmax: p5Same,
  n: 10000,
};
console.log(
  `ONNX Runtime: max |onnx - ours| = ${p5MaxDiff.toExponential(2)} (probabilities), ` +
    `same class for ${p5Same} of 10000`,
);

// %% [markdown]
// ## Reproduction table
//
// Every number the homework printed that can be recomputed, next to ours, in one of three
// states. **Exact**: the same to the printed digits. **In range**: from runs whose random streams
// (P4) or chaotic dynamics (P5 training) cannot be replayed, checked against a range that says
// where it comes from (NumPy runs of the same code). **Differs**: with the reason, for the
// write-up's wrong answers (P2 C, P3 D) and for the one P5 epoch that no run of the same code
// reaches. In quick mode only the rows that do not need the full training runs are compared.

// %%
const EXPECTED = await nb.readData<Record<"rows" | "full_run", Record<string, Expectation>>>(
  "03_reproduction.json",
);
const table = nb.table(QUICK ? EXPECTED.rows : { ...EXPECTED.rows, ...EXPECTED.full_run });
const yesNo = (ok: boolean) => (ok ? "yes" : "no");
const fit = (name: "d1" | "d2") => lm[name].kinkAware.first!;
table.row("P1A gradient of ‖x‖²", p1Error < 1e-6 ? "2x" : "not 2x", {
  shown: `2x; finite differences agree to ${p1Error.toExponential(1)}`,
});
const muIsMean = maxAbs(mu.map((m, d) => m - pointsMean[d])) < 1e-10;
table.row("P1B minimiser of Σ ‖x_i − μ‖²", muIsMean ? "the mean" : "not the mean", {
  shown: `gradient descent ends at [${Array.from(mu, (v) => v.toFixed(6)).join(", ")}], the mean`,
});
table.row("P2B/C can gradient methods minimise the L1 loss?", "yes", {
  shown: `yes: it is convex; subgradient descent reaches L1 = ${l1Fit.loss.toFixed(4)}`,
});
table.row("P2 L1 loss reached by subgradient descent", l1Fit.loss);
table.row("P3A Excel predictions x = 0..12, data set 1", excelD1);
table.row("P3A Excel predictions x = 0..12, data set 2", excelD2);
for (const name of ["d1", "d2"] as const) {
  table.row(`P3A exact fit of data set ${name[1]} (every |residual| ≤ 1e-8)`, yesNo(fit(name).ok), {
    shown: `LM: max |r| ${fit(name).maxAbsResidual.toExponential(1)}`,
  });
}
table.row("P3B ∇L = −2 Σ (y_i − f) ∇f agrees with finite differences", yesNo(gradLError < 1e-6));
table.row("P3C predictions x = 0..3", partCPreds);
table.row("P3C x = 2: z, ReLU, weighted sum, output", [
  ...atTwo.z,
  ...atTwo.relu,
  weightedSum,
  atTwo.out,
]);
table.row("P3D ∂f/∂(W_h, b_h, W_o, b_o) at x = 2", gradC);
table.row("P3D the write-up's chain-rule formulas", "∂L/∂f = 2(f − y); ∂f/∂W_o,k = ReLU_k");
table.row(
  "P4 training / test images",
  `${fashion.train.labels.length} / ${fashion.test.labels.length}`,
);
table.row(
  "P4 first batch shapes",
  `torch.Size([${firstBatch.x.shape[0]}, 1, 28, 28]) torch.Size([${firstBatch.y.length}])`,
);
table.row("P5 initial weights W1[0, :3]", saved.w[0].slice(0, 3));
table.row("P5 untrained test: average loss", initTest.avg_loss);
table.row("P5 untrained test: correct guesses of 10000", initTest.correct);
if (!QUICK) {
  table.row("P4 batches per epoch (train / test)", `${trainLoader.length} / ${testLoader.length}`);
  table.row("P4 epoch 0 test loss sum (untrained)", testLossSum[0]);
  table.row("P4 epoch 0 train loss sum", trainLossSum[0]);
  table.row("P4 epoch 9 train loss sum", trainLossSum[9]);
  table.row("P4 epoch 9 test loss sum", testLossSum[9]);
  table.row("P4 last training batch accuracy", (100 * lastCorrect) / nLast, {
    shown: `${lastCorrect} of ${nLast}: ${((100 * lastCorrect) / nLast).toFixed(1)}%`,
  });
  p5Epochs.forEach((e, i) => {
    for (const split of ["train", "test"] as const) {
      table.row(`P5 epoch ${i + 1} ${split}: average loss`, e[split].avg_loss);
      table.row(`P5 epoch ${i + 1} ${split}: accuracy`, (100 * e[split].correct) / e[split].n);
    }
  });
}
await table.show();

// %% [markdown]
// ## Summary file
//
// The key numbers of every problem, the ONNX checks and the reproduction table go to
// `summary.json` next to the figures and the two ONNX files.

// %%
const evaluation = (e: Evaluation) => ({ avg_loss: e.avg_loss, correct: e.correct, n: e.n });
await nb.writeSummary(
  {
    p1: {
      x: Array.from(xP1),
      grad: Array.from(gradP1),
      fd_error: p1Error,
      mu: Array.from(mu),
      mean: Array.from(pointsMean),
    },
    p2: {
      loss_at_zero: l1Loss(XP2, [0, 0, 0], yP2),
      loss_at_true: l1Loss(XP2, wTrue, yP2),
      w_subgradient: Array.from(l1Fit.w),
      loss_subgradient: l1Fit.loss,
      w_least_squares: Array.from(lsFit),
      loss_at_least_squares: l1Loss(XP2, lsFit, yP2),
    },
    p3: {
      printed_d1: { pred_0_12: excelD1, residuals: Array.from(printedFit.d1) },
      printed_d2: { pred_0_12: excelD2, residuals: Array.from(printedFit.d2) },
      exact_d1_max_abs: exactFit.d1,
      exact_d2_max_abs: exactFit.d2,
      lm: Object.fromEntries(
        Object.entries(lm).map(([name, byStart]) => [
          name,
          Object.fromEntries(
            Object.entries(byStart).map(([how, r]) => [how, {
              successes: r.successes,
              starts: r.starts,
              first_attempt: r.firstAttempt,
              solution: r.first ? Array.from(r.first.p) : null,
              max_abs_residual: r.first?.maxAbsResidual ?? null,
            }]),
          ),
        ]),
      ),
      part_c: {
        pred_0_3: partCPreds,
        z_x2: atTwo.z,
        relu_x2: atTwo.relu,
        grad_f_x2: Array.from(gradC),
      },
      grad_L_random_theta: {
        theta: Array.from(thetaB),
        loss: lossL(thetaB),
        grad: Array.from(gradL),
        fd_error: gradLError,
      },
    },
    p4: {
      config: P4,
      seed: 1,
      train_loss_sum: trainLossSum,
      test_loss_sum: testLossSum,
      train_loss_avg: trainLossAvg,
      test_loss_avg: testLossAvg,
      test_acc_after: testAccAfter,
      n_batches: [trainLoader.length, testLoader.length],
      last_batch_pred: Array.from(lastBatch.predicted),
      last_batch_labels: Array.from(lastBatch.y),
      seconds: p4Seconds,
    },
    p5: {
      config: P5,
      init: {
        w_sums: initWeightSums,
        w1_first3: Array.from(saved.w[0].slice(0, 3)),
        w3_first3: Array.from(saved.w[2].slice(0, 3)),
      },
      init_test: evaluation(initTest),
      epochs: p5Epochs.map((e) => ({ train: evaluation(e.train), test: evaluation(e.test) })),
      w_sums_after: weights.map((w) => pairwiseSum(w)),
      b_sums_after: biases.map((b) => pairwiseSum(b)),
      backprop_fd_error: backpropError,
      after_20_steps: after20Steps,
      seconds: p5Seconds,
    },
    onnx: { p4: onnxP4Check, p5: onnxP5Check },
  },
  `P4 ${(100 * testAccAfter[testAccAfter.length - 1]).toFixed(1)}% test accuracy; P5 ${
    (p5Epochs[p5Epochs.length - 1].test.correct / 100).toFixed(2)
  }% test accuracy after ${P5.epochs} epoch(s)`,
);
