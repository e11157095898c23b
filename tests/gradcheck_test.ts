/**
 * lib/gradcheck against scipy.optimize.check_grad (tests/gen/gradcheck_reference.py), analytic
 * gradients, and assignment 001's finite-difference checks.
 */
import assert from "node:assert/strict";
import {
  CHECK_GRAD_EPS,
  checkGrad,
  checkModuleGradients,
  numericalGrad,
  relativeError,
} from "../lib/gradcheck/mod.ts";
import { BCELoss, Layer, Linear, Sigmoid } from "../lib/nn/mod.ts";
import { defaultRng } from "../lib/random/mod.ts";
import { Tensor, tensor } from "../lib/tensor/mod.ts";

// deno-lint-ignore no-explicit-any
const scipy: any = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/gradcheck_scipy.json", import.meta.url)),
);

/** The fixture's function, with the same operations in the same order as the Python one. */
function f(x: Tensor): number {
  const v = x.data;
  let s = 0;
  for (let i = 0; i < v.length; i++) s = s + (i + 1) * v[i] * v[i] * v[i];
  s = s - v[0] * v[1];
  s = s + 0.5 * v[2] * v[2];
  return s;
}

function grad(x: Tensor): Float64Array {
  const v = x.data;
  const g = Float64Array.from(v, (xi, i) => 3 * (i + 1) * xi * xi);
  g[0] -= v[1];
  g[1] -= v[0];
  g[2] += v[2];
  return g;
}

Deno.test("checkGrad equals scipy.optimize.check_grad, including a wrong gradient and its step fallback", () => {
  assert.equal(CHECK_GRAD_EPS, 1.4901161193847656e-8);
  for (const c of scipy.cases) {
    const g = c.grad === "wrong"
      ? (x: Tensor) => {
        const out = grad(x);
        out[1] += 1e-3;
        return out;
      }
      : grad;
    const options = c.epsilon === null ? {} : { eps: c.epsilon };
    const err = checkGrad(f, g, c.x0, options);
    assert.ok(
      Math.abs(err - c.err) <= 1e-12 * Math.abs(c.err),
      `${c.name}: got ${err}, SciPy ${c.err}`,
    );
  }
});

Deno.test("numericalGrad's central differences agree with the analytic gradient to 1e-9 and restore x", () => {
  const x = tensor([0.3, -1.2, 2.5, 0.7, -0.4]);
  const before = x.clone();
  const numeric = numericalGrad(f, x);
  assert.ok(relativeError(numeric, grad(x)) < 1e-9);
  assert.deepEqual([...x.data], [...before.data]);
  assert.throws(() => numericalGrad(f, x, { eps: 0 }), /eps must be > 0/);
});

Deno.test("centred differences of the sigmoid are off by about 1.7e-9 (eps 1e-3) and below 1e-10 (eps 1e-5), as in 001", () => {
  // 001 section 1.2(c): x = default_rng(12345).uniform(-10, 10, 5), (f(x + e/2) - f(x - e/2)) / e.
  const x = defaultRng(12345).uniform(-10, 10, [5]);
  const sig = new Sigmoid();
  const total = (v: Tensor) => {
    let s = 0;
    for (const y of sig.forward(v).data) s += y;
    return s;
  };
  const exact = x.data.map((v) => Math.exp(-v) / (1 + Math.exp(-v)) ** 2);
  const maxDiff = (eps: number) => {
    const n = numericalGrad(total, x, { eps: eps / 2 });
    return Math.max(...n.data.map((v, i) => Math.abs(v - exact[i])));
  };
  const coarse = maxDiff(1e-3), fine = maxDiff(1e-5);
  assert.ok(coarse > 1e-9 && coarse < 3e-9, `eps 1e-3: ${coarse}`);
  assert.ok(fine < 1e-10, `eps 1e-5: ${fine}`);
});

Deno.test("assignment 001's one-layer model: loss 1.7534151108388047 and gradient equal to central differences", () => {
  // 001 section 1.3: w = rng.normal(size=5), b = rng.normal(); re-seeded x = rng.uniform(size=5); y = 1.
  let rng = defaultRng(12345);
  const layer = new Linear(5, 1, { init: "zeros" });
  layer.weight = rng.normal(0, 1, [5]).reshape([5, 1]);
  layer.bias = tensor([rng.normal()]);
  rng = defaultRng(12345);
  const x = rng.uniform(0, 1, [1, 5]);
  const sig = new Sigmoid(), bce = new BCELoss({ reduction: "sum" });
  const loss = (v: Tensor) => bce.forward(sig.forward(layer.forward(v)), [1]);
  const value = loss(x);
  assert.ok(Math.abs(value - 1.7534151108388047) < 1e-14, `loss ${value}`);
  const p = sig.forward(layer.forward(x));
  const dx = layer.backward(sig.backward(bce.backward(p, [1])));
  const printed = [1.177245, -1.044874, 0.719879, 0.214289, 0.062295];
  dx.data.forEach((v, i) => assert.ok(Math.abs(v - printed[i]) < 5e-7, `grad[${i}] ${v}`));
  const numeric = numericalGrad(loss, x, { eps: 0.5e-5 });
  const worst = Math.max(...numeric.data.map((v, i) => Math.abs(v - dx.data[i])));
  assert.ok(worst < 1e-9, `largest difference ${worst}`);
});

Deno.test("checkModuleGradients reports a backward pass that ignores dy", () => {
  class Doubler extends Layer {
    forward(x: Tensor): Tensor {
      return new Tensor(x.data.map((v) => 2 * v), x.shape);
    }
    backward(dy: Tensor): Tensor {
      return new Tensor(new Float64Array(dy.size).fill(2), dy.shape); // wrong: forgets dy
    }
  }
  const x = defaultRng(0).uniform(-1, 1, [3, 4]);
  assert.ok(checkModuleGradients(new Doubler(), x).input > 0.1);
  const good = checkModuleGradients(new Linear(4, 2, { rng: defaultRng(1) }), x);
  assert.ok(good.input < 1e-9 && good.params.weight < 1e-9 && good.params.bias < 1e-9);
});

Deno.test("relativeError is scale-free, zero for equal inputs, and checks lengths", () => {
  assert.equal(relativeError([1, 2], [1, 2]), 0);
  assert.equal(relativeError([0, 0], [0, 0]), 0);
  assert.ok(Math.abs(relativeError([3, 4], [3, 4.5]) - 0.5 / Math.sqrt(9 + 20.25)) < 1e-15);
  assert.equal(relativeError([3e9, 4e9], [3e9, 4.5e9]), relativeError([3, 4], [3, 4.5]));
  assert.throws(() => relativeError([1], [1, 2]), /1 values against 2/);
  assert.throws(
    () => checkGrad(f, () => [1, 2], [1, 2, 3]),
    /grad returned 2 values for x0 of shape \[3\]/,
  );
});
