/**
 * Runs notebook 00 (the lab "classifiers_step_by_step": a linear classifier trained with batch and
 * stochastic gradient descent on make_classification data, then a softmax classifier and MLPs for
 * images) headless through Jupyter in quick mode, and checks the numbers it writes to
 * `out/<notebook>/summary.json` against independent references:
 *
 * - `tests/fixtures/notebook_00.json`, written by `tests/gen/notebook_00.py`, which runs the lab's
 *   own NumPy code with scikit-learn 1.2 (seeded with np.random.seed(0) as the notebook is), the
 *   zero-init and binary variants, the CIFAR-shaped surrogate and the plateau example;
 * - `tests/fixtures/reference/000_*.json` (the course's reference numbers: the lab's printed
 *   values, the exact synthetic data and zero-init runs, the surrogate's losses; each file's
 *   `_source` says where it came from).
 *
 * CIFAR-10 is not available offline. In quick mode the notebook then runs its image sections on
 * 200 formula images with pattern weights (the "surrogate"), whose losses, parameter sums and
 * clipping counts NumPy computed exactly (`ref.surrogate`); a full run uses Fashion-MNIST instead,
 * and with CIFAR-10 present the notebook uses it and the formula steps are skipped.
 *
 * Jupyter (nbconvert) must be installed; `run_notebooks.ts` says how when it is not.
 */
import assert from "node:assert/strict";
import { assertClose, type Json, readJson, runQuickNotebook } from "./notebook_support.ts";

const NAME = "00_classifiers_step_by_step";
const FIXTURE = new URL("fixtures/notebook_00.json", import.meta.url);
const REFERENCE = new URL("fixtures/reference/", import.meta.url);

/** Reads one of the course's reference files copied into tests/fixtures/reference/. */
function reference(name: string): Promise<Json> {
  return readJson(new URL(name, REFERENCE));
}

const RUNS = ["batch_seed0", "sgd_seed0", "batch_zero", "sgd_zero"];
const BINARY_RUNS = ["binary_batch_zero", "binary_sgd_zero"];

Deno.test({
  name: "notebook 00 runs headless and reproduces classifiers_step_by_step (quick mode)",
  // The notebook's kernel keeps ONNX Runtime's native threads; the test only waits for it.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const s: Json = await runQuickNotebook(NAME);
    const ref: Json = await readJson(FIXTURE);

    await t.step("the synthetic data and split are scikit-learn's, bit for bit", () => {
      assert.deepEqual(s.data.shapes, [[160, 3], [160, 4], [40, 3], [40, 4]]);
      assertClose(s.data.X_first_rows, ref.data.X_first_rows, "X_syn[:3]", 0);
      assertClose(s.data.X_train, ref.data.X_train, "X_train_syn", 0);
      assert.deepEqual(s.data.y_train_labels, ref.data.y_train_labels);
      assert.deepEqual(s.data.y_test_labels, ref.data.y_test_labels);
      assert.deepEqual(s.data.train_counts, [39, 40, 44, 37]);
      assert.deepEqual(s.data.test_counts, [11, 9, 7, 13]);
    });

    await t.step("batch GD and SGD, seeded and from zero, follow NumPy every iteration", () => {
      for (const name of [...RUNS, ...BINARY_RUNS]) {
        const [a, e] = [s[name], ref[name]];
        // randn * 0.01 from the same MT19937 stream: exact
        assertClose(a.theta_init, e.theta_init, `${name}.theta_init`, 0);
        assert.equal(a.losses.length, 1000, `${name}: 1000 iterations`);
        assertClose(a.losses, e.losses, `${name}.losses`, 0, 1e-10);
        assertClose(a.theta_final, e.theta_final, `${name}.theta_final`, 0, 1e-9);
        assert.equal(a.test_accuracy, e.test_accuracy, `${name} test accuracy`);
        assert.equal(a.train_accuracy, e.train_accuracy, `${name} train accuracy`);
      }
      assert.equal(s.batch_seed0.test_accuracy, 0.9);
      assert.equal(s.sgd_seed0.test_accuracy, 0.925);
    });

    await t.step("the printed log lines use the lab's format", () => {
      const log: string[] = s.batch_seed0.log;
      assert.equal(log.length, 10);
      log.forEach((line, k) => {
        assert.equal(
          line,
          `Iteration ${100 * k}/1000, Loss: ${s.batch_seed0.losses[100 * k].toFixed(4)}`,
        );
      });
    });

    await t.step(
      "losses are within the spec's tolerances of the lab's printed numbers",
      async () => {
        const printed = await reference("000_notebook_printed_numbers.json");
        const batch = printed.synthetic_multiclass_batch_gd.printed_every_100;
        const sgd = printed.synthetic_multiclass_sgd.printed_every_100;
        const tol = (it: number) => (it === 0 ? 0.03 : it < 300 ? 0.01 : it < 900 ? 0.003 : 0.001);
        for (let k = 0; k < 10; k++) {
          const it = 100 * k;
          const b = s.batch_seed0.losses[it];
          assert.ok(
            Math.abs(b - batch[k]) <= tol(it) + 5e-5,
            `batch it ${it}: ${b} vs ${batch[k]}`,
          );
          const g = s.sgd_seed0.losses[it];
          if (it === 0) assert.ok(Math.abs(g - sgd[0]) <= 0.03, `SGD it 0: ${g}`);
          else assert.equal(g.toFixed(4), sgd[k].toFixed(4), `SGD it ${it}`);
        }
        assert.equal(printed.synthetic_multiclass_batch_gd.test_accuracy_pct, 90);
        assert.equal(printed.synthetic_multiclass_sgd.test_accuracy_pct, 92.5);
        assert.ok(s.timing_s.sgd > s.timing_s.batch, "SGD takes longer than batch GD");
      },
    );

    await t.step("zero-init runs match the spec's synthetic fixture", async () => {
      const fx = await reference("000_synthetic_fixture.json");
      const m = fx.multiclass;
      assertClose(s.data.X_train, m.X_train, "X_train vs spec", 0);
      assert.deepEqual(s.data.y_train_labels, m.y_train_labels);
      for (
        const [name, key] of [["batch_zero", "batch_zero_init"], ["sgd_zero", "sgd_zero_init"]]
      ) {
        const every10 = s[name].losses.filter((_: number, i: number) => i % 10 === 0);
        assertClose(every10, m[key].losses_every_10, `${name} every 10`, 0, 1e-10);
        assertClose(s[name].losses[999], m[key].loss_999, `${name} loss 999`, 0, 1e-10);
        assertClose(s[name].theta_final, m[key].theta_final, `${name} theta`, 0, 1e-9);
        assert.equal(s[name].test_accuracy, m[key].test_accuracy);
        assert.equal(s[name].train_accuracy, m[key].train_accuracy);
      }
      for (
        const [name, key] of [["binary_batch_zero", "batch_zero_init"], [
          "binary_sgd_zero",
          "sgd_zero_init",
        ]]
      ) {
        const every10 = s[name].losses.filter((_: number, i: number) => i % 10 === 0);
        assertClose(every10, fx.binary[key].losses_every_10, `${name} every 10`, 0, 1e-10);
        assert.equal(s[name].test_accuracy, fx.binary[key].test_accuracy);
      }
    });

    await t.step(
      "image models on the formula images match NumPy (losses, parameters, clipping)",
      () => {
        if (s.cifar_present) {
          console.warn(
            "  (skipped: CIFAR-10 is present, the notebook did not use the formula images)",
          );
          return;
        }
        assert.equal(
          s.image_source,
          "formula images",
          "quick mode runs the image sections on them",
        );
        const sur = ref.surrogate;
        assertClose(s.formula_x_sum, sur.X_sum, "formula images X sum", 1e-12);
        const params = (a: Json, e: Json, what: string) => {
          for (const k of Object.keys(e)) {
            // sums of near-zero biases: compare absolutely
            assertClose(a[k].sum, e[k].sum, `${what}.${k}.sum`, 1e-9, 1e-12);
            assertClose(a[k].abs_sum, e[k].abs_sum, `${what}.${k}.abs_sum`, 1e-9, 1e-12);
          }
        };
        assertClose(s.image.linear.losses, sur.A_linear.losses, "linear losses", 1e-9);
        params(s.image.linear.params, sur.A_linear.final_params, "linear");
        for (const k of ["scale0.01", "scale0.1"]) {
          assertClose(s.image.mlp1[k].losses, sur[`B_mlp1_${k}`].losses, `mlp1 ${k}`, 1e-9);
          params(s.image.mlp1[k].params, sur[`B_mlp1_${k}`].final_params, `mlp1 ${k}`);
        }
        for (const [k, key] of [["clip1", "C_mlp2_clip1.0"], ["clip0.01", "C_mlp2_clip0.01"]]) {
          const [a, e] = [s.image.mlp2[k], sur[key]];
          assertClose(a.batchLosses, e.batch_losses, `mlp2 ${k} batch losses`, 1e-9);
          assert.deepEqual(a.epochLosses, [a.batchLosses[3], a.batchLosses[7], a.batchLosses[11]]);
          assert.equal(a.clipped, e.clipped, `mlp2 ${k} clipped entries`);
          params(a.params, e.final_params, `mlp2 ${k}`);
        }
      },
    );

    await t.step("surrogate numbers agree with the spec's surrogate fixture", async () => {
      const fx = await reference("000_cifar_surrogate_fixture.json");
      if (s.cifar_present) return;
      assertClose(s.formula_x_sum, fx.data_check.X_sum, "X sum", 1e-12);
      assertClose(s.image.linear.losses, fx.A_linear.losses, "A", 1e-9);
      assertClose(s.image.mlp1["scale0.1"].losses, fx["B_mlp1_scale0.1"].losses, "B", 1e-9);
      assertClose(
        s.image.mlp2.clip1.batchLosses,
        fx["C_mlp2_scale0.1_clip1.0"].batch_losses,
        "C clip 1.0",
        1e-9,
      );
      assert.equal(
        s.image.mlp2["clip0.01"].clipped,
        fx["C_mlp2_scale0.1_clip0.01"].gradient_entries_clipped_total,
      );
    });

    await t.step("the plateau schedule follows the spec's worked example", () => {
      const e = ref.plateau_example;
      assert.deepEqual(s.plateau_example.counters, e.counters);
      assert.deepEqual(s.plateau_example.lr_changes, e.lr_changes);
      assert.equal(s.plateau_example.stopped_at, e.stopped_at);
    });

    await t.step("the ONNX exports run in ONNX Runtime with our predictions", () => {
      for (const model of ["00_synthetic_softmax", "00_mlp2"]) {
        for (const backend of ["ort-node", "ort-wasm"]) {
          const r = s.onnx[model]?.[backend];
          assert.ok(r, `no ${backend} result for ${model}`);
          assert.ok(r.max_abs_diff < 1e-5, `${model}/${backend}: difference ${r.max_abs_diff}`);
          assert.equal(r.same_argmax, r.n, `${model}/${backend}: predicted classes differ`);
        }
      }
    });

    await t.step("the reproduction table: every row as expected, only CIFAR-10 rows differ", () => {
      const rows: Json[] = s.reproduction.rows;
      const worse = rows.filter((r) => !r.asExpected);
      assert.deepEqual(worse, [], "rows worse than expected");
      const differ = rows.filter((r) => r.state === "differs");
      if (!s.cifar_present) {
        assert.equal(differ.length, 7, "the CIFAR-10 rows");
        for (const r of differ) assert.match(r.quantity, /^C\d /);
      } else {
        for (const r of differ) assert.match(r.note, /quick mode/);
      }
      // every other row of the lab's printed numbers (the formula images' exact losses are
      // checked above, more tightly than a table row could)
      assert.equal(rows.length, 32, "rows in the table");
      assert.equal(rows.filter((r) => r.state !== "differs").length, s.cifar_present ? 29 : 25);
      const c = s.reproduction.counts;
      assert.equal(c.exact + c.inRange + c.differs, rows.length);
      assert.equal(
        s.reproduction.line,
        `${c.exact} exact, ${c.inRange} in range, ${c.differs} differ`,
      );
      assert.ok(s.headline.includes(s.reproduction.line), s.headline);
    });
  },
});
