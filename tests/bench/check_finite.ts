/**
 * The cost of the optimizers' `checkFinite` option: the time of `step()` with and without it on a
 * 784-256-10 MLP (203,530 parameters), and that difference as a share of a full training step
 * (forward, loss, backward, step) on a batch of 64. Run:
 * `deno run -A tests/bench/check_finite.ts`.
 *
 * @module
 */
import {
  Adam,
  defaultRng,
  Linear,
  ReLU,
  Sequential,
  SGD,
  SoftmaxCrossEntropyLoss,
} from "../../lib/mod.ts";
const rng = defaultRng(0);
const net = new Sequential([
  new Linear(784, 256, { rng }),
  new ReLU(),
  new Linear(256, 10, { rng }),
]);
const x = rng.random([64, 784]);
const y = Array.from({ length: 64 }, (_, i) => i % 10);
const loss = new SoftmaxCrossEntropyLoss();
function time(opt: { step(): void }, n: number, full: boolean): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    if (full) {
      const z = net.forward(x);
      loss.forward(z, y);
      net.backward(loss.backward(z, y));
    }
    opt.step();
  }
  return (performance.now() - t) / n;
}
for (
  const make of [
    (c: boolean) => new SGD(net.parameters(), { lr: 1e-6, checkFinite: c }),
    (c: boolean) => new Adam(net.parameters(), { lr: 1e-6, checkFinite: c }),
  ]
) {
  const a = make(false), b = make(true);
  time(a, 50, true);
  time(b, 50, true);
  const r: number[][] = [];
  for (let rep = 0; rep < 5; rep++) r.push([time(a, 300, false), time(b, 300, false)]);
  const best = (k: number) => Math.min(...r.map((v) => v[k]));
  const full = Math.min(time(a, 50, true), time(a, 50, true));
  console.log(
    a.toString().split("(")[0],
    `step ${best(0).toFixed(3)} ms, with checkFinite ${best(1).toFixed(3)} ms (+${
      (best(1) - best(0)).toFixed(3)
    } ms); full training step ${full.toFixed(3)} ms → +${
      (100 * (best(1) - best(0)) / full).toFixed(1)
    }%`,
  );
}
