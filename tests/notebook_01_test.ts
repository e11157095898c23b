/**
 * Runs the notebooks headless through Jupyter (quick mode) and checks the numbers they report in
 * `out/<notebook>/summary.json` against independent references:
 *
 * - `tests/fixtures/notebook_01.json`, written by `tests/gen/notebook_01.py`, which runs the
 *   assignment's own code with NumPy/SciPy/scikit-learn;
 * - `tests/fixtures/reference/001_reference_numbers.json` (the course's NumPy re-run, made by the
 *   scripts in `tests/gen/reference/001/`).
 *
 * Jupyter (nbconvert) must be installed; `run_notebooks.ts` says how when it is not.
 */
import assert from "node:assert/strict";
import { assertClose } from "./assert_close.ts";
import { type Json, readJson, runQuickNotebook } from "./notebook_support.ts";

const NAME = "01_neural_network_from_scratch";
const FIXTURE = new URL("fixtures/notebook_01.json", import.meta.url);
const REFERENCE = new URL("fixtures/reference/001_reference_numbers.json", import.meta.url);

Deno.test({
  name: "notebook 01 runs headless and reproduces assignment 1 (quick mode)",
  // The notebook's kernel keeps ONNX Runtime's native threads; the test only waits for it.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const summary: Json = await runQuickNotebook(NAME);
    const ref: Json = await readJson(FIXTURE);

    await t.step("1.1 gradient descent paths and end points match NumPy", () => {
      for (const key of ["one_step", "run_b", "run_d", "run_h"]) {
        const [a, e] = [summary.gd[key], ref.gd[key]];
        for (const v of ["x", "y", "f"]) {
          assertClose(a[v], e[v], `gd.${key}.${v}`, { decimals: 12 });
        }
        assertClose(a.x_hist, e.x_hist, `gd.${key}.x_hist`, { decimals: 12 });
        assertClose(a.y_hist, e.y_hist, `gd.${key}.y_hist`, { decimals: 12 });
      }
      assertClose(summary.gd.f_3_2, ref.gd.f_3_2, "f(3, 2)", { decimals: 12 });
      assertClose(summary.gd.contour_min, ref.gd.contour_min, "contour min", { decimals: 12 });
      assertClose(summary.gd.contour_max, ref.gd.contour_max, "contour max", { decimals: 12 });
      for (const v of ["x", "y", "f"]) {
        assertClose(summary.gd.global_min[v], ref.gd.global_min[v], `global minimum ${v}`, {
          decimals: 6,
        });
      }
    });

    await t.step("1.2 sigmoid, ReLU and BCE arrays match NumPy to 6 decimals", () => {
      const [a, e] = [summary.components, ref.components];
      for (
        const k of ["x", "sigmoid", "sigmoid_grad", "relu", "relu_grad", "relu_grad_numerical"]
      ) {
        assertClose(a[k], e[k], k, { decimals: 6 });
      }
      for (const k of ["y", "y_hat", "loss", "grad", "grad_numerical", "difference"]) {
        assertClose(a.bce[k], e.bce[k], `bce.${k}`, { decimals: 6 });
      }
    });

    await t.step("1.3 one-layer model: loss, gradient and finite differences", () => {
      const [a, e] = [summary.one_layer, ref.one_layer];
      assertClose(a.w, e.w, "w", { decimals: 12 });
      assertClose(a.b, e.b, "b", { decimals: 12 });
      assertClose(a.loss, e.loss, "loss", { decimals: 12 });
      assertClose(a.grad, e.grad, "gradient", { decimals: 6 });
      assertClose(a.check.symbolic, e.check.symbolic, "symbolic gradient", { decimals: 6 });
      assertClose(a.check.numerical, e.check.numerical, "numerical gradient", { decimals: 6 });
    });

    await t.step("1.4 layers: Linear, Sigmoid, ReLU outputs and check_grad errors", () => {
      const [a, e] = [summary.layers, ref.layers];
      for (const k of ["linear_y", "linear_dx", "sigmoid_y", "sigmoid_dx", "relu_x", "relu_y"]) {
        assertClose(a[k], e[k], k, { decimals: 6 });
      }
      assertClose(a.relu_dx, e.relu_dx, "relu_dx", { decimals: 6 });
      assert.equal(a.linear_exact_asserts, true, "exact equalities after doubling W");
      for (const [k, err] of Object.entries(a.check_grad)) {
        assert.ok((err as number) < 1e-5, `check_grad ${k}: ${err} >= 1e-5`);
      }
      assert.ok(a.check_grad.linear_dx < 1e-5 && a.check_grad.linear_dW < 1e-5);
      // the notebook's own layers against lib/nn's on the same weights: rounding only
      assert.ok(a.library_agreement < 1e-12, `notebook vs lib/nn layers: ${a.library_agreement}`);
    });

    await t.step("1.6 digits preprocessing and split match scikit-learn and NumPy", () => {
      const [a, e] = [summary.digits, ref.digits];
      assert.deepEqual(a.shape, e.shape);
      for (const k of ["raw_mean", "raw_std", "min", "max"]) {
        assertClose(a[k], e[k], k, { decimals: 13 });
      }
      for (const k of ["positives", "n_train", "n_test", "train_positives", "test_positives"]) {
        assert.equal(a[k], e[k], k);
      }
      assert.deepEqual(a.permutation, e.permutation, "the split permutation");
    });

    await t.step("1.6 every epoch of runs R1-R9 matches NumPy to 4 decimals", () => {
      for (const name of ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"]) {
        const [a, e] = [summary.runs[name], ref.runs[name]];
        assert.ok(a, `run ${name} missing from the summary`);
        assert.equal(a.epochs, Math.min(3, e.loss_train.length), `${name} epochs in quick mode`);
        for (const k of ["loss_train", "acc_train", "loss_test", "acc_test"]) {
          assertClose(a[k], e[k].slice(0, a.epochs), `${name}.${k}`, { decimals: 4 });
          // far tighter than printed: only summation order differs from NumPy
          a[k].forEach((v: number, i: number) =>
            assert.ok(Math.abs(v - e[k][i]) < 1e-9, `${name}.${k}[${i}]: ${v} vs ${e[k][i]}`)
          );
        }
      }
    });

    await t.step("the ONNX export runs in ONNX Runtime with our predictions", () => {
      for (const backend of ["ort-node", "ort-wasm"]) {
        const r = summary.onnx[backend];
        assert.ok(r, `no ${backend} result`);
        assert.ok(r.max_abs_diff < 1e-5, `${backend}: max difference ${r.max_abs_diff}`);
        assert.equal(r.same_decisions, r.n, `${backend}: decisions differ`);
      }
    });

    await t.step("the reproduction table: every row exact or in its stated range", () => {
      const rows: Json[] = summary.reproduction.rows;
      const worse = rows.filter((r) => !r.asExpected);
      assert.deepEqual(worse, [], "rows worse than expected");
      const differ = rows.filter((r) => r.state === "differs");
      assert.deepEqual(differ, [], "rows that differ");
      const c = summary.reproduction.counts;
      assert.equal(c.exact + c.inRange, rows.length);
      assert.ok(rows.length >= 65, `${rows.length} rows`);
      assert.ok(summary.headline.includes(summary.reproduction.line), summary.headline);
    });

    await t.step("numbers agree with 001_reference_numbers.json", async () => {
      const shared: Json = await readJson(REFERENCE);
      assert.deepEqual(summary.digits.permutation, shared.digits_permutation_seed12345);
      assertClose(summary.digits.min, shared.digits_checks.normalized_min, "min", { decimals: 13 });
      assertClose(summary.digits.max, shared.digits_checks.normalized_max, "max", { decimals: 13 });
      for (const name of ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"]) {
        const a = summary.runs[name];
        const e = shared.training_runs[name].per_epoch;
        for (const k of ["loss_train", "acc_train", "loss_test", "acc_test"]) {
          assertClose(a[k], e[k].slice(0, a.epochs), `${name}.${k}`, { decimals: 4 });
        }
      }
    });
  },
});
