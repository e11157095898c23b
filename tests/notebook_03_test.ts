/**
 * Runs notebook 03 (homework 1: gradients, L1 regression, exact ReLU fits, a Fashion-MNIST MLP and
 * an MNIST MLP from scratch) headless through Jupyter in quick mode, and checks the numbers it
 * writes to `out/<notebook>/summary.json` against independent references:
 *
 * - `tests/fixtures/notebook_03.json`, written by `tests/gen/notebook_03.py`, which recomputes every
 *   quantity with NumPy/SciPy (the homework's own NumPy code for problem 5, a NumPy twin of the
 *   PyTorch model for problem 4, `linprog` for the L1 regression);
 * - `tests/fixtures/reference/003_reference_numbers.json` (the course's reference numbers, made by
 *   the scripts in `tests/gen/reference/003/`).
 *
 * Jupyter (nbconvert) must be installed; `run_notebooks.ts` says how when it is not.
 */
import assert from "node:assert/strict";
import { assertClose, type Json, readJson, runQuickNotebook } from "./notebook_support.ts";

const ROOT = new URL("..", import.meta.url);
const NAME = "03_gradients_relu_fits_and_mnist_mlps";
const FIXTURE = new URL("fixtures/notebook_03.json", import.meta.url);
const REFERENCE = new URL("fixtures/reference/003_reference_numbers.json", import.meta.url);

/** The 4-unit ReLU network, written again here so the test does not trust the notebook's. */
function reluNet(p: number[], x: number): number {
  let out = p[12];
  for (let k = 0; k < 4; k++) out += p[8 + k] * Math.max(0, p[k] * x + p[4 + k]);
  return out;
}

Deno.test({
  name: "notebook 03 runs headless and reproduces homework 1 (quick mode)",
  // The notebook's kernel keeps ONNX Runtime's native threads; the test only waits for it.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const s: Json = await runQuickNotebook(NAME);
    const ref: Json = await readJson(FIXTURE);

    await t.step(
      "P1: the gradient of ||x||^2 is 2x and the mean minimises squared distances",
      () => {
        assertClose(s.p1.x, ref.p1.x, "x (default_rng(0))", 0);
        assertClose(s.p1.grad, ref.p1.grad, "2x", 0);
        assert.ok(s.p1.fd_error < 1e-6, `finite differences: ${s.p1.fd_error}`);
        assertClose(s.p1.mu, ref.p1.points_mean, "gradient descent end point", 1e-12, 1e-14);
      },
    );

    await t.step("P2: subgradient descent reaches the L1 optimum that linprog finds", () => {
      assertClose(s.p2.loss_at_zero, ref.p2.loss_at_zero, "L(0)");
      assertClose(s.p2.loss_at_true, ref.p2.loss_at_true, "L(w_true)");
      assertClose(s.p2.w_least_squares, ref.p2.w_least_squares, "least squares w", 1e-10);
      const optimum = ref.p2.loss_l1_optimum;
      assert.ok(s.p2.loss_subgradient >= optimum - 1e-9, "below the LP optimum");
      assert.ok(s.p2.loss_subgradient <= optimum * (1 + 1e-4), `${s.p2.loss_subgradient}`);
      assertClose(s.p2.w_subgradient, ref.p2.w_l1, "L1 weights", 0, 1e-2);
      assert.ok(s.p2.loss_at_least_squares > optimum, "least squares is not L1-optimal");
    });

    await t.step("P3: printed solutions, exact fits, Part C and the loss gradient", () => {
      for (const k of ["printed_d1", "printed_d2"]) {
        assertClose(s.p3[k].pred_0_12, ref.p3[k].pred_0_12, `${k} predictions`, 1e-13, 1e-13);
        assertClose(s.p3[k].residuals, ref.p3[k].residuals, `${k} residuals`, 0, 1e-13);
      }
      assert.equal(s.p3.exact_d1_max_abs, 0);
      assert.equal(s.p3.exact_d2_max_abs, 0);
      assertClose(s.p3.part_c.pred_0_3, ref.p3.part_c.pred_0_3, "Part C predictions", 0);
      assertClose(s.p3.part_c.grad_f_x2, ref.p3.part_c.grad_f_x2, "Part C gradient", 0);
      const g = s.p3.grad_L_random_theta;
      assertClose(g.theta, ref.p3.grad_L_random_theta.theta, "theta (default_rng(3))", 0);
      assertClose(g.loss, ref.p3.grad_L_random_theta.loss, "L(theta)");
      assertClose(g.grad, ref.p3.grad_L_random_theta.grad, "grad L", 1e-12, 1e-12);
      assert.ok(g.fd_error < 1e-6, `finite differences: ${g.fd_error}`);
    });

    await t.step("P3: Levenberg-Marquardt fits pass the write-up's isclose test", () => {
      const data = {
        d1: { x: [...Array(13).keys()], y: [8, 6, 4, 2, 0, 2, 4, 2, 0, 2, 4, 6, 8] },
        d2: { x: [...Array(11).keys()], y: [0, 1, 2, 3, 2, 1, 2, 3, 4, 5, 6] },
      };
      for (const [name, { x, y }] of Object.entries(data)) {
        const fit = s.p3.lm[name].kinkAware;
        assert.ok(fit.solution, `${name}: no solution`);
        const worst = Math.max(...x.map((xi, i) => Math.abs(reluNet(fit.solution, xi) - y[i])));
        assert.ok(worst <= 1e-8, `${name}: max |residual| ${worst}`);
        assert.ok(
          fit.successes > s.p3.lm[name].normal.successes,
          `${name}: kink-aware starts help`,
        );
      }
      // fsolve from N(0, 1) starts rarely succeeds (SciPy: 0/300 and 1/300); so does LM
      assert.ok(ref.p3.fsolve_from_normal_starts.d1.successes <= 3);
      assert.ok(s.p3.lm.d1.normal.successes <= 15);
    });

    await t.step("P4: the Fashion-MNIST MLP follows its NumPy twin (same init and batches)", () => {
      const [a, e] = [s.p4, ref.p4.quick];
      assert.deepEqual(a.config, { nTrain: 6400, nTest: 1000, epochs: 2 });
      assert.deepEqual(a.n_batches, e.n_batches);
      // float32 with a different summation order: a few units of 1e-7 per step
      assertClose(a.train_loss_sum, e.train_loss_sum, "train loss sums", 1e-5);
      assertClose(a.test_loss_sum, e.test_loss_sum, "test loss sums", 1e-5);
      assertClose(a.test_acc_after, e.test_acc_after, "test accuracy", 0, 0.003);
      assert.deepEqual(a.last_batch_labels, e.last_batch_labels, "last batch labels");
      const differ = a.last_batch_pred.filter((p: number, i: number) => p !== e.last_batch_pred[i]);
      assert.ok(differ.length <= 2, `last batch predictions differ at ${differ.length} places`);
    });

    await t.step("P5: seed 80085 gives the homework's weights and its 880/10000 untrained", () => {
      const [a, e] = [s.p5, ref.p5.quick];
      assertClose(a.init.w_sums, e.init.w_sums, "initial weight sums", 1e-13);
      assertClose(a.init.w1_first3, e.init.w1_first3, "W1[0, :3]", 0);
      assertClose(a.init.w3_first3, e.init.w3_first3, "W3[0, :3]", 0);
      assertClose(a.init_test.avg_loss, e.init_test.avg_loss, "untrained test loss", 1e-13);
      assert.equal(a.init_test.correct, e.init_test.correct);
      assert.equal(a.init_test.correct, 880);
      assert.ok(a.backprop_fd_error < 1e-6, `finite differences: ${a.backprop_fd_error}`);
    });

    await t.step("P5: 20 SGD steps give NumPy's weights; 5,000 steps land in NumPy's band", () => {
      const [a, e] = [s.p5.after_20_steps, ref.p5.quick.after_20_steps];
      assertClose(a.w1_sum_squares, e.w1_sum_squares, "sum of W1^2", 1e-11);
      assertClose(a.w2, e.w2, "W2", 1e-9, 1e-12);
      assertClose(a.w3, e.w3, "W3", 1e-9, 1e-12);
      a.b.forEach((b: number[], l: number) => assertClose(b, e.b[l], `b${l + 1}`, 1e-9, 1e-12));
      // after 5,000 steps the runs have parted (chaos); both must show the same learning
      assert.deepEqual(s.p5.config, { nTrain: 5000, epochs: 1 });
      const [ours, numpy] = [s.p5.epochs[0], ref.p5.quick.epochs[0]];
      for (const split of ["train", "test"]) {
        const pa = ours[split].correct / ours[split].n;
        const pe = numpy[split].correct / numpy[split].n;
        assert.equal(ours[split].n, numpy[split].n);
        assert.ok(Math.abs(pa - pe) < 0.05, `${split} accuracy ${pa} vs NumPy ${pe}`);
        assert.ok(Math.abs(ours[split].avg_loss - numpy[split].avg_loss) < 0.15, `${split} loss`);
      }
    });

    await t.step("both ONNX exports run in ONNX Runtime with our outputs", () => {
      const { p4, p5 } = s.onnx;
      assert.ok(p4.max_abs_diff < 1e-5, `P4 logits differ by ${p4.max_abs_diff}`);
      assert.equal(p4.same_argmax, p4.n);
      // the P5 network is exported in float64: only rounding noise is left
      assert.ok(p5.max_abs_diff < 1e-12, `P5 probabilities differ by ${p5.max_abs_diff}`);
      assert.equal(p5.same_argmax, p5.n);
    });

    await t.step(
      "both ONNX files pass onnx.checker.check_model (where Python has onnx)",
      async () => {
        const files = [s.onnx.p4.file, s.onnx.p5.file].map((f: string) =>
          new URL(`out/${NAME}/${f}`, ROOT).pathname
        );
        const script =
          "import sys, onnx\nfor p in sys.argv[1:]: onnx.checker.check_model(onnx.load(p))";
        let out: Deno.CommandOutput;
        try {
          out = await new Deno.Command("/usr/bin/python3", { args: ["-c", script, ...files] })
            .output();
        } catch {
          console.warn("  (skipped: /usr/bin/python3 is not available)");
          return;
        }
        const err = new TextDecoder().decode(out.stderr);
        if (out.code !== 0 && err.includes("No module named 'onnx'")) {
          console.warn("  (skipped: Python has no onnx module)");
          return;
        }
        assert.equal(out.code, 0, err);
      },
    );

    await t.step("every quick-mode row of the reproduction table is as expected", async () => {
      const expected: Json = await readJson(new URL("notebooks/data/03_reproduction.json", ROOT));
      const rows = s.reproduction.rows;
      assert.deepEqual(rows.map((r: Json) => r.quantity), Object.keys(expected.rows));
      const failing = rows.filter((r: Json) => !r.asExpected);
      assert.deepEqual(failing, [], "rows worse than expected");
      assert.equal(s.reproduction.unexpected, 0);
      const exact = rows.filter((r: Json) => r.state === "exact").length;
      assert.equal(exact, rows.filter((r: Json) => r.expected === "exact").length);
      // the write-up's two wrong answers (P2 C, P3 D) are the rows that differ
      assert.deepEqual(
        rows.filter((r: Json) => r.state === "differs").map((r: Json) => r.quantity.slice(0, 3)),
        ["P2B", "P3D"],
      );
      // an honest range contains the homework's own value
      for (
        const [quantity, e] of Object.entries<Json>({ ...expected.rows, ...expected.full_run })
      ) {
        if (e.range?.low === undefined && e.range?.high === undefined) continue;
        const original = parseFloat(e.original);
        assert.ok(
          original >= e.range.low && original <= e.range.high,
          `${quantity}: the range ${e.range.low}-${e.range.high} excludes the original ${original}`,
        );
      }
    });

    await t.step("numbers agree with 003_reference_numbers.json", async () => {
      const shared: Json = await readJson(REFERENCE);
      const p3 = shared.p3;
      const excel1 = p3.excel_table_d1_from_printed_params.map((r: Json) => r.prediction);
      const excel2 = p3.excel_table_d2_from_printed_params.map((r: Json) => r.prediction);
      // all but the two cells where the export repeats a 9 (x = 3 of D1, x = 4 of D2)
      excel1.forEach((v: number, i: number) => {
        if (i !== 3) assertClose(s.p3.printed_d1.pred_0_12[i], v, `D1 Excel x=${i}`, 0, 5e-10);
      });
      excel2.forEach((v: number, i: number) => {
        if (i !== 4) assertClose(s.p3.printed_d2.pred_0_12[i], v, `D2 Excel x=${i}`, 0, 5e-10);
      });
      assertClose(s.p3.part_c.pred_0_3, p3.partC.table.prediction, "Part C table", 0);
      assertClose(s.p3.part_c.z_x2, p3.partC.x2.z, "Part C z at x = 2", 0);
      assertClose(s.p3.part_c.relu_x2, p3.partC.x2.relu, "Part C ReLU at x = 2", 0);
      const gd = p3.partC.grad_f_at_x2_derived;
      assertClose(s.p3.part_c.grad_f_x2, [...gd.dWh, ...gd.dbh, ...gd.dWo, gd.dbo], "Part D", 0);
      const rr = shared.p5.rng_reference;
      assertClose(s.p5.init.w_sums, [rr.W1_sum, rr.W2_sum, rr.W3_sum], "weight sums", 1e-13);
      assertClose(s.p5.init.w1_first3, rr.W1_first3, "W1[0, :3]", 0, 5e-9);
      assertClose(s.p5.init.w3_first3, rr.W3_first3, "W3[0, :3]", 0, 5e-9);
      assertClose(s.p5.init_test.avg_loss, shared.p5.init_test_avg_loss_full, "untrained loss");
      assert.equal(s.p5.init_test.correct, shared.p5.init_test.correct);
    });
  },
});
