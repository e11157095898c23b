/**
 * lib/onnx's options for web pages: the raw-pixel front end (`pixels`), `softmax`, `classNames`,
 * `dataset`, `preprocessPixels` and the samples file beside a model.
 *
 * References: the preprocessing written out by hand below (index arithmetic, independent of
 * `preprocessPixels`), our float64 forward pass, ONNX Runtime (node and wasm builds) running the
 * exported graph, and `onnx.checker` run by Debian's python.
 */
import assert from "node:assert/strict";
import { assertOnnxFilesCheck, hasPythonOnnx, PYTHON, softmaxRows } from "./onnx_checker.ts";
import { Tensor } from "../lib/tensor/tensor.ts";
import {
  loadOnnx,
  type OnnxSamples,
  type PixelInput,
  preprocessPixels,
  readOnnx,
  runOnnx,
  samplesPath,
  saveOnnx,
  saveOnnxSamples,
  toOnnx,
  type ToOnnxOptions,
} from "../lib/onnx/mod.ts";
import { Linear, ReLU, Sequential, Sigmoid, Softmax } from "../lib/nn/mod.ts";
import { defaultRng } from "../lib/random/mod.ts";

/** Raw pixels 0..255 (integers, as a canvas gives them), `[n, ...shape]`. */
function rawPixels(n: number, shape: number[], seed: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n * size);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s % 256;
  }
  return new Tensor(data, [n, ...shape]);
}

/**
 * The preprocessing written out for the three layouts used here, by explicit index arithmetic:
 * a grey image [h, w] transposed (pixel (r, c) becomes feature c*h + r), an RGB image [h, w, 3]
 * made channels-first (pixel (r, c), channel k becomes feature k*h*w + r*w + c), or no transpose.
 */
function byHand(raw: Tensor, layout: "transpose" | "rgb" | "none", p: PixelInput): Tensor {
  const [n, ...shape] = raw.shape;
  const size = raw.size / n;
  const out = new Float64Array(raw.size);
  const f = (v: number) => (v / (p.divideBy ?? 1) - (p.mean ?? 0)) / (p.std ?? 1);
  for (let b = 0; b < n; b++) {
    const x = raw.data.subarray(b * size, (b + 1) * size);
    const y = out.subarray(b * size, (b + 1) * size);
    if (layout === "none") {
      for (let i = 0; i < size; i++) y[i] = f(x[i]);
    } else if (layout === "transpose") {
      const [h, w] = shape;
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) y[c * h + r] = f(x[r * w + c]);
    } else {
      const [h, w] = shape;
      for (let r = 0; r < h; r++) {
        for (let c = 0; c < w; c++) {
          for (let k = 0; k < 3; k++) y[k * h * w + r * w + c] = f(x[(r * w + c) * 3 + k]);
        }
      }
    }
  }
  return new Tensor(out, [n, size]);
}

interface Case {
  label: string;
  model: Sequential;
  options: ToOnnxOptions;
  layout: "transpose" | "rgb" | "none";
  raw: Tensor;
  /** Whether the file appends a softmax that the model lacks. */
  appendSoftmax: boolean;
}

function mlp(sizes: number[], seed: number, last: "logits" | "softmax" | "sigmoid"): Sequential {
  const rng = defaultRng(seed);
  const layers = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i], sizes[i + 1], { rng }));
    if (i + 2 < sizes.length) layers.push(new ReLU());
  }
  if (last === "softmax") layers.push(new Softmax());
  if (last === "sigmoid") layers.push(new Sigmoid());
  return new Sequential(layers).eval();
}

function cases(): Case[] {
  return [
    {
      label: "grey 6x5, transposed pixel order, /255, logits + softmax",
      model: mlp([30, 8, 4], 1, "logits"),
      options: { pixels: { shape: [6, 5], perm: [1, 0], divideBy: 255 }, softmax: true },
      layout: "transpose",
      raw: rawPixels(7, [6, 5], 11),
      appendSoftmax: true,
    },
    {
      label: "RGB 4x3x3 channels last → first, /255, mean, std, softmax in the model",
      model: mlp([36, 10, 5], 2, "softmax"),
      options: {
        pixels: { shape: [4, 3, 3], perm: [2, 0, 1], divideBy: 255, mean: 0.4734, std: 0.2516 },
        classNames: ["a", "b", "c", "d", "e"],
        dataset: "made up",
      },
      layout: "rgb",
      raw: rawPixels(5, [4, 3, 3], 12),
      appendSoftmax: false,
    },
    {
      label: "8x8 digits: 0..255 to 0..16, standardised, one sigmoid unit",
      model: mlp([64, 6, 1], 3, "sigmoid"),
      options: {
        pixels: { shape: [8, 8], divideBy: 255 / 16, mean: 4.884164, std: 6.016787 },
        classNames: ["5-9", "0-4"],
      },
      layout: "none",
      raw: rawPixels(9, [8, 8], 13),
      appendSoftmax: false,
    },
  ];
}

/** Our float64 answer for raw pixels: the hand-written preprocessing, forward, the softmax. */
function ours(c: Case): Tensor {
  const y = c.model.forward(byHand(c.raw, c.layout, c.options.pixels!)).clone();
  return c.appendSoftmax ? softmaxRows(y) : y;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const backend of ["ort-node", "ort-wasm"] as const) {
  Deno.test(`toOnnx({pixels, softmax}) on raw pixels in ${backend} equals our forward pass on preprocessed pixels (1e-5)`, async () => {
    for (const c of cases()) {
      const bytes = toOnnx(c.model, c.options);
      const theirs = await runOnnx(bytes, c.raw, { backend });
      const want = ours(c);
      assert.deepEqual(theirs.shape, want.shape, c.label);
      const d = maxAbsDiff(theirs.data, want.data);
      assert.ok(d <= 1e-5, `${c.label}: max |ort - ours| = ${d}`);
      if (c.appendSoftmax || c.options.classNames?.length !== 2) {
        for (let i = 0; i < want.shape[0]; i++) {
          let s = 0;
          for (let j = 0; j < want.shape[1]; j++) s += theirs.data[i * want.shape[1] + j];
          assert.ok(Math.abs(s - 1) < 1e-5, `${c.label}: row ${i} sums to ${s}`);
        }
      }
    }
  });
}

Deno.test("preprocessPixels() equals the preprocessing written out by hand", () => {
  for (const c of cases()) {
    const got = preprocessPixels(c.raw, c.options.pixels!);
    const want = byHand(c.raw, c.layout, c.options.pixels!);
    assert.deepEqual(got.shape, want.shape, c.label);
    assert.deepEqual([...got.data], [...want.data], c.label);
  }
});

Deno.test("readOnnx() gives back the pixel front end; loadOnnx() the network; export again is byte-identical", () => {
  for (const c of cases()) {
    const bytes = toOnnx(c.model, c.options);
    const read = readOnnx(bytes);
    assert.deepEqual(read.options.pixels, { ...c.options.pixels }, c.label);
    const loaded = loadOnnx(bytes);
    const x = byHand(c.raw, c.layout, c.options.pixels!);
    const a = loaded.forward(x).clone();
    const b = c.model.forward(x).clone();
    // float32 weights in the file: the loaded network differs by their rounding only
    assert.ok(maxAbsDiff((c.appendSoftmax ? softmaxRows(b) : b).data, a.data) < 1e-5, c.label);
    const again = toOnnx(loaded, read.options);
    assert.deepEqual([...again], [...bytes], c.label);
  }
});

Deno.test("the metadata describes the input, the classes, the data set and the output", () => {
  const [grey, rgb, digits] = cases().map((c) => readOnnx(toOnnx(c.model, c.options)));
  assert.deepEqual(JSON.parse(grey.options.metadata!.input_shape), [6, 5]);
  assert.deepEqual(JSON.parse(grey.options.metadata!.input_range), [0, 255]);
  assert.deepEqual(JSON.parse(grey.options.metadata!.preprocessing), {
    perm: [1, 0],
    divideBy: 255,
  });
  assert.equal(grey.options.metadata!.output, "probabilities");
  assert.equal(grey.options.metadata!.class_names, undefined);
  assert.deepEqual(JSON.parse(rgb.options.metadata!.class_names), ["a", "b", "c", "d", "e"]);
  assert.equal(rgb.options.metadata!.dataset, "made up");
  assert.deepEqual(JSON.parse(rgb.options.metadata!.preprocessing), {
    perm: [2, 0, 1],
    divideBy: 255,
    mean: 0.4734,
    std: 0.2516,
  });
  assert.equal(digits.options.metadata!.output, "probability of class 1");
  assert.deepEqual(digits.inputShape, [8, 8]);
  assert.deepEqual(rgb.inputShape, [3, 4, 3]);
});

Deno.test("toOnnx() refuses bad pixel options, a second softmax and a wrong number of class names", () => {
  const model = mlp([6, 3], 4, "logits");
  assert.throws(
    () => toOnnx(model, { pixels: { shape: [3, 2], perm: [0, 0] } }),
    /toOnnx: pixels.perm \[0,0\] is not a permutation of the 2 axes of pixels.shape \[3,2\]/,
  );
  assert.throws(
    () => toOnnx(model, { pixels: { shape: [3, 0] } }),
    /toOnnx: pixels.shape \[3,0\] must be the positive sizes/,
  );
  assert.throws(
    () => toOnnx(model, { pixels: { shape: [6], divideBy: 0 } }),
    /toOnnx: pixels.divideBy is 0; it must be a finite number, not 0/,
  );
  assert.throws(
    () => toOnnx(model, { pixels: { shape: [3, 2], perm: [1, 0] }, inputShape: [3, 2] }),
    /toOnnx: inputShape \[3,2\] differs from pixels.shape \[3,2\] transposed by pixels.perm \(\[2,3\]\)/,
  );
  assert.throws(
    () => toOnnx(model, { pixels: { shape: [7] } }),
    /toOnnx: layer 0 \(Linear 6→3\) expects 6 features per sample but receives shape \[batch,7\]/,
  );
  assert.throws(
    () => toOnnx(mlp([6, 3], 4, "softmax"), { softmax: true }),
    /toOnnx: softmax: true, but the model already ends in a softmax/,
  );
  assert.throws(
    () => toOnnx(model, { classNames: ["a", "b"] }),
    /toOnnx: 2 classNames for 3 outputs/,
  );
});

Deno.test("preprocessPixels() names the shapes that do not match", () => {
  assert.throws(
    () => preprocessPixels(rawPixels(2, [5, 5], 1), { shape: [6, 5] }),
    /preprocessPixels: raw samples of shape \[2,5,5\] are not a batch of \[6,5\]/,
  );
});

Deno.test("saveOnnxSamples() writes <model>.samples.json atomically, with the values and labels", async () => {
  const dir = await Deno.makeTempDir({ prefix: "onnx_web_test_" });
  try {
    const raw = rawPixels(3, [4, 4], 5);
    const path = await saveOnnxSamples(`${dir}/m.onnx`, {
      values: raw,
      labels: [2, 0, 1],
      source: "made up",
    });
    assert.equal(path, `${dir}/m.samples.json`);
    assert.equal(samplesPath(`${dir}/m.onnx`), path);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["m.samples.json"]);
    const s: OnnxSamples = JSON.parse(await Deno.readTextFile(path));
    assert.equal(s.model, "m.onnx");
    assert.deepEqual(s.shape, [4, 4]);
    assert.deepEqual(s.labels, [2, 0, 1]);
    assert.deepEqual(s.samples.flat(), [...raw.data]);
    assert.equal(s.source, "made up");
    await assert.rejects(
      () => saveOnnxSamples(`${dir}/m.onnx`, { values: raw, labels: [1] }),
      /saveOnnxSamples: 3 samples of shape \[3,4,4\], 1 labels, sample shape \[4,4\]/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------
// onnx.checker

const havePythonOnnx = hasPythonOnnx();
Deno.test({
  name: havePythonOnnx
    ? "onnx.checker.check_model(full_check=True) accepts the models with a pixel front end"
    : `onnx.checker test NOT RUN: Debian's python3-onnx is not importable by ${PYTHON}`,
  ignore: !havePythonOnnx,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "onnx_web_test_" });
  try {
    const paths: string[] = [];
    for (const [i, c] of cases().entries()) {
      paths.push(`${dir}/model_${i}.onnx`);
      await saveOnnx(c.model, paths[i], c.options);
    }
    await assertOnnxFilesCheck(paths);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
