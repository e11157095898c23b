/**
 * Runs notebook 02 (EE5179 assignment 1: an MNIST MLP from scratch, then in "PyTorch") headless
 * through Jupyter in quick mode and checks what it reports in `out/<notebook>/summary.json`
 * against independent references:
 *
 * - `tests/fixtures/notebook_02.json`, written by `tests/gen/notebook_02.py`, which redoes the
 *   quick mode with the assignment's NumPy code (from-scratch part) and with PyTorch 1.13 itself
 *   (tanh / ReLU / weight-decay part), from the same `default_rng(0)` draws;
 * - the numbers the assignment printed and the exact facts its specification derives (data
 *   sizes, class counts, 938 batches, the zero-initialisation result, the counter arithmetic).
 *
 * Jupyter (nbconvert) must be installed; `run_notebooks.ts` says how when it is not.
 */
import assert from "node:assert/strict";
import { assertClose, type Tolerance } from "./assert_close.ts";
import { type Json, readJson, runQuickNotebook } from "./notebook_support.ts";

const ROOT = new URL("..", import.meta.url);
const NAME = "02_mnist_mlp_from_scratch";
const FIXTURE = new URL("fixtures/notebook_02.json", import.meta.url);

/** The tolerance of this file: |actual - expected| <= tol * max(1, |expected|). */
function relative(tol: number): Tolerance {
  return { rtol: tol, atol: tol, combine: "max" };
}

/** Number of cells where two confusion matrices differ, and by how much in all. */
function confusionDistance(a: number[][], b: number[][]): number {
  let d = 0;
  a.forEach((row, i) => row.forEach((v, j) => (d += Math.abs(v - b[i][j]))));
  return d;
}

Deno.test({
  name: "notebook 02 runs headless and reproduces EE5179 assignment 1 (quick mode)",
  // The notebook's kernel keeps ONNX Runtime's native threads; the test only waits for it.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const summary: Json = await runQuickNotebook(NAME);
    const ref: Json = await readJson(FIXTURE);
    const expected: Json = await readJson(new URL("notebooks/data/02_reproduction.json", ROOT));

    await t.step("quick mode uses the fixture's configuration", () => {
      assert.equal(summary.config.n_train, ref.config.n_train_quick);
      assert.equal(summary.config.epochs, ref.config.epochs_quick);
      assert.equal(summary.config.record_every, ref.config.record_every_quick);
      assert.equal(summary.config.log_every, ref.config.log_every_quick);
      assert.equal(summary.config.seed, ref.config.seed);
      assert.equal(summary.config.cost_clip, ref.config.cost_clip);
    });

    await t.step("data: sizes, class counts, sample 10, 938 batches (assignment and NumPy)", () => {
      const d = summary.data;
      assert.deepEqual(d.train_counts, ref.data.train_counts);
      assert.deepEqual(d.test_counts, ref.data.test_counts);
      // the assignment's confusion matrices have these row sums
      assert.deepEqual(d.test_counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
      assert.equal(d.train_label_10, 3, "image index 10 label 3");
      assert.equal(d.batches, 938);
      assert.equal(d.last_batch, 32);
      assertClose(d.pixel_sum_train_10, ref.data.pixel_sum_train_10, "pixel sum", relative(1e-12));
    });

    await t.step("Glorot bounds and the uniform-output cost 3.2508...", () => {
      assertClose(summary.glorot_bounds, ref.glorot_bounds, "Glorot bounds", relative(1e-15));
      assertClose(summary.uniform_cost, ref.uniform_cost, "uniform cost (NumPy)", relative(1e-15));
      // the closed form -ln 0.1 - 9 ln 0.9 (the specification's R3)
      assertClose(
        summary.uniform_cost,
        3.250829733914482,
        "uniform cost (closed form)",
        relative(1e-14),
      );
    });

    await t.step("backProp agrees with finite differences; the unused biases do not", () => {
      const g = summary.gradient_check;
      for (const k of ["W1", "b1", "W2", "W3", "W4"]) assert.ok(g[k] < 1e-8, `${k}: ${g[k]}`);
      for (const k of ["b2", "b3", "b4"]) assert.ok(g[k] > 1e-3, `${k}: ${g[k]}`);
    });

    await t.step(
      "the untrained Glorot network matches NumPy (init, batch, output, accuracy)",
      () => {
        const [a, e] = [summary.untrained, ref.untrained];
        assert.deepEqual(a.first_batch, e.first_batch, "first shuffled batch");
        assertClose(a.W1_corner, e.W1_corner, "W1[:2, :3]", relative(1e-15));
        assert.equal(a.sample_label, e.sample_label);
        assertClose(
          a.sample_output,
          e.sample_output,
          "softmax output of sample 10",
          relative(1e-12),
        );
        assert.equal(a.sample_prediction, e.sample_prediction);
        assertClose(a.first_batch_cost, e.first_batch_cost, "first batch cost", relative(1e-12));
        assert.equal(a.test_acc, e.test_acc);
        assert.equal(a.train_acc, e.train_acc);
        assert.deepEqual(a.confusion_test, e.confusion_test);
        // the assignment: about 10 %, collapsed onto one or two classes
        assert.ok(a.test_acc > 0.08 && a.test_acc < 0.13, `untrained accuracy ${a.test_acc}`);
        assert.ok(a.predicted_classes_test.length <= 2);
      },
    );

    await t.step("the eight from-scratch runs follow NumPy step by step", () => {
      for (const name of ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8"]) {
        const [a, e] = [summary.runs[name], ref.runs[name]];
        assert.ok(a, `run ${name} missing from the summary`);
        assert.equal(a.init, e.init, `${name} init`);
        assert.equal(a.lr, e.lr, `${name} learning rate`);
        // only summation order differs from NumPy, over 202 SGD steps
        assertClose(a.costs, e.costs, `${name} recorded costs`, relative(1e-9));
        assertClose(a.epoch_costs, e.epoch_costs, `${name} printed costs`, relative(1e-9));
        assert.ok(Math.abs(a.test_acc - e.test_acc) <= 2e-4, `${name} test ${a.test_acc}`);
        assert.ok(Math.abs(a.train_acc - e.train_acc) <= 2e-4, `${name} train ${a.train_acc}`);
        const d = confusionDistance(a.confusion_test, e.confusion_test);
        assert.ok(d <= 4, `${name}: confusion matrices differ in ${d} counts`);
        a.confusion_test.forEach((row: number[], k: number) =>
          assert.equal(row.reduce((s, v) => s + v, 0), summary.data.test_counts[k])
        );
      }
    });

    await t.step("zero initialisation predicts class 1 for every image: 11.35 % exactly", () => {
      const m1 = summary.runs.M1;
      assert.deepEqual(m1.predicted_classes_test, [1]);
      assert.equal(m1.test_acc, 0.1135);
      assert.deepEqual(ref.runs.M1.predicted_classes_test, [1]);
    });

    await t.step("PyTorch part: ReLU and the continued weight-decay run match torch", () => {
      for (const k of ["relu", "relu_wd"]) {
        const [a, e] = [summary.torch[k], ref.torch[k]];
        assertClose(a.loss_log, e.loss_log, `${k} loss log`, relative(1e-7));
        assert.ok(Math.abs(a.test_correct - e.test_correct) <= 3, `${k}: ${a.test_correct}`);
        assert.ok(Math.abs(a.train_acc - e.train_acc) <= 5e-4, `${k} train ${a.train_acc}`);
      }
    });

    await t.step("PyTorch part: tanh matches torch until Adam's chaos sets in", () => {
      // Adam divides by sqrt(v): rounding differences of 1e-16 in tiny gradients grow tenfold
      // every 20 steps with tanh at lr 0.01, so only the first epoch is compared tightly.
      const [a, e] = [summary.torch.tanh, ref.torch.tanh];
      assert.equal(a.loss_log.length, e.loss_log.length);
      assertClose(
        a.loss_log.slice(0, 5),
        e.loss_log.slice(0, 5),
        "tanh loss, epoch 1",
        relative(1e-7),
      );
      assert.ok(Math.abs(a.test_acc - e.test_acc) <= 0.03, `tanh test ${a.test_acc}`);
    });

    await t.step("the table's ranges contain the assignment's values and PyTorch's spread", () => {
      for (
        const [quantity, e] of Object.entries<Json>({ ...expected.rows, ...expected.full_run })
      ) {
        if (!e.range || (e.range.low === undefined && e.range.high === undefined)) continue;
        const original = parseFloat(e.original);
        assert.ok(
          original >= e.range.low && original <= e.range.high,
          `${quantity}: the range ${e.range.low}-${e.range.high} excludes the original ${original}`,
        );
      }
      // the one-pass accuracy inferred from the counters: PyTorch's seeds 0-2 (fixture) ± 1 point
      const wd = expected.full_run["ReLU + weight decay: one pass, inferred from the counters"];
      const spread = ref.torch_spread.relu_wd.map((v: number) => 100 * v);
      assert.ok(wd.range.low <= Math.min(...spread) - 1, `low ${wd.range.low}`);
      assert.ok(wd.range.high >= Math.max(...spread) + 1, `high ${wd.range.high}`);
      assert.ok(wd.range.high - wd.range.low <= 4.5, "the range is no wider than the evidence");
    });

    await t.step("the printed PyTorch accuracies are the never-reset counters", () => {
      const rows = summary.reproduction.rows.filter((r: Json) => r.quantity.includes("counter"));
      assert.equal(rows.length, 1);
      assert.equal(rows[0].state, "exact");
      assert.equal(100 * 53086 / 60000, 88.47666666666667);
      assert.equal(100 * 37059 / 50000, 74.118);
      assert.equal(100 * 46153 / 60000, 76.92166666666667);
    });

    await t.step("the ONNX exports run in ONNX Runtime with our predictions", () => {
      for (const model of ["scratch", "relu"]) {
        for (const backend of ["ort-node", "ort-wasm"]) {
          const r = summary.onnx[model][backend];
          assert.ok(r, `no ${model} ${backend} result`);
          assert.ok(r.max_abs_diff < 1e-4, `${model} ${backend}: ${r.max_abs_diff}`);
          assert.ok(r.same_predictions >= r.n - 2, `${model} ${backend}: predictions differ`);
        }
      }
    });

    await t.step("every quick-mode row of the reproduction table is as expected", () => {
      const rows = summary.reproduction.rows;
      assert.deepEqual(rows.map((r: Json) => r.quantity), Object.keys(expected.rows));
      const failing = rows.filter((r: Json) => !r.asExpected);
      assert.deepEqual(failing, [], "rows worse than expected");
      assert.equal(summary.reproduction.unexpected, 0);
      // without the full runs, only exact and in-range rows are compared
      const exact = rows.filter((r: Json) => r.state === "exact").length;
      assert.equal(exact, rows.filter((r: Json) => r.expected === "exact").length);
      assert.match(summary.headline, /^reproduction: \d+ exact, \d+ in range, 0 differ/);
    });
  },
});
