/**
 * Runs notebook 04 (the nnfs-style Fashion-MNIST assignment: SGD, SGD with momentum and Adam,
 * full-batch) headless through Jupyter in quick mode (21 epochs per network), and checks the
 * numbers it writes to `out/<notebook>/summary.json` against `tests/fixtures/notebook_04.json`,
 * written by `tests/gen/notebook_04.py`: the same steps in NumPy (the assignment's code with the
 * behaviour its outputs prove), seeded the same way.
 *
 * Exact: the shuffle, the initial weights (the same legacy `RandomState` stream), every logged
 * learning rate, the parameter counts. Within tolerances: accuracies and losses, because both runs
 * sum in float32 with different BLAS blocking, and full-batch steps with learning rate 1 amplify
 * those last-bit differences from step to step.
 *
 * Jupyter (nbconvert) must be installed; `run_notebooks.ts` says how when it is not.
 */
import assert from "node:assert/strict";
import { assertClose, type Json, readJson, runQuickNotebook } from "./notebook_support.ts";

const NAME = "04_neural_network_from_scratch_fashion_mnist";
const FIXTURE = new URL("fixtures/notebook_04.json", import.meta.url);
const RUNS = ["sgd", "momentum", "adam"] as const;

/** Tolerances: the untrained network (epoch 0) agrees closely, later epochs drift apart. */
const EPOCH0 = { acc: 2e-4, lossRel: 1e-5, rrRel: 1e-5 };
const LATER = { acc: 5e-3, lossRel: 5e-3, rrRel: 5e-3 };

Deno.test({
  name: "notebook 04 runs headless and agrees with the NumPy re-run (quick mode)",
  // The notebook's kernel keeps ONNX Runtime's native threads; the test only waits for it.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const s: Json = await runQuickNotebook(NAME);
    const ref: Json = await readJson(FIXTURE);

    await t.step("data: the shuffle and the sample image follow np.random.seed(0)", () => {
      assert.equal(s.seed, ref.seed);
      assert.equal(s.epochs, ref.epochs);
      assert.deepEqual(s.keysAfterShuffle, ref.keys_after_shuffle);
      assert.equal(s.sampleLabel, ref.sample_label);
    });

    await t.step("the pieces pass their checks (hand values, finite differences, lib/)", () => {
      assert.ok(s.checks.dense < 1e-12, `dense layer: ${s.checks.dense}`);
      for (const [k, v] of Object.entries(s.checks.softmax)) {
        assert.ok((v as number) < 1e-9, `softmax/cross-entropy ${k}: ${v}`);
      }
      assert.ok(s.checks.networkGradient < 1e-6, `network gradient: ${s.checks.networkGradient}`);
      for (const [k, v] of Object.entries(s.checks.optimizerLibrary)) {
        assert.ok((v as number) < 1e-14, `optimizer ${k} vs lib/optim: ${v}`);
      }
    });

    for (const run of RUNS) {
      await t.step(`${run}: parameters, initial weights and learning rates are exact`, () => {
        const here = s.runs[run], there = ref.runs[run];
        assert.equal(here.parameters, there.parameters);
        assert.equal(here.parameters, run === "sgd" ? 118282 : 55050);
        assert.deepEqual(here.init.w1First, there.init.w1_first);
        assert.deepEqual(here.init.w3Last, there.init.w3_last);
        assert.deepEqual(here.history.epochs, there.logged.map((l: Json) => l.epoch));
        assert.deepEqual(here.history.learningRates, there.logged.map((l: Json) => l.lr));
      });

      await t.step(`${run}: logged accuracy, loss and Rr agree with NumPy`, () => {
        const h = s.runs[run].history;
        for (const [i, l] of ref.runs[run].logged.entries()) {
          const tol = l.epoch === 0 ? EPOCH0 : LATER;
          const at = `${run} epoch ${l.epoch}`;
          assertClose(h.accuracies[i], l.acc, `${at} accuracy`, 0, tol.acc);
          assertClose(h.losses[i], l.loss, `${at} loss`, tol.lossRel);
          assertClose(h.regularization[i], l.rr, `${at} Rr`, tol.rrRel);
          // The printed line: the assignment's format with these values.
          const m = /^epoch: (\d+), acc: (\d\.\d{3}), loss: (\d+\.\d{3}), lr: (\S+) Rr: (\S+)$/
            .exec(h.lines[i]);
          assert.ok(m, `${at}: line ${h.lines[i]}`);
          assert.equal(Number(m[1]), l.epoch);
          assert.ok(Math.abs(Number(m[2]) - h.accuracies[i]) <= 0.0005 + 1e-12, h.lines[i]);
          assert.ok(Math.abs(Number(m[3]) - h.losses[i]) <= 0.0005 + 1e-12, h.lines[i]);
          assert.equal(m[4], l.lr);
          assert.equal(Number(m[5]), h.regularization[i], `${at}: Rr must print round-trip`);
        }
      });

      await t.step(`${run}: the test-set accuracy and loss agree with NumPy`, () => {
        const v = s.runs[run].validation, w = ref.runs[run].validation;
        assertClose(v.accuracy, w.acc, `${run} test accuracy`, 0, LATER.acc);
        assertClose(v.loss, w.loss, `${run} test loss`, LATER.lossRel);
      });
    }

    await t.step("the reproduction table has no row worse than expected", () => {
      assert.equal(s.reproduction.unexpected, 0, JSON.stringify(s.reproduction.rows, null, 1));
      const lr = s.reproduction.rows.filter((r: Json) => r.quantity.includes("learning rate"));
      assert.equal(lr.length, 9);
      for (const r of lr.filter((r: Json) => r.quantity.endsWith("at epoch 10"))) {
        assert.equal(r.state, "exact", r.quantity);
      }
    });

    await t.step("ONNX Runtime agrees with the best network on every test image", () => {
      assert.equal(s.onnx.total, 10000);
      assert.equal(s.onnx.agree, 10000);
      assert.ok(s.onnx.maxDiff < 1e-4, `largest probability difference ${s.onnx.maxDiff}`);
    });
  },
});
