/**
 * lib/onnx: protobuf encoding, export, import, ONNX Runtime inference, onnx.checker.
 *
 * References: files written by Python's `onnx` (tests/gen/onnx_models.py → tests/fixtures/onnx/),
 * NumPy forward passes stored next to them, ONNX Runtime (node and wasm builds), the protobuf
 * encoding examples of the protobuf documentation, and `onnx.checker` run by Debian's python.
 */
import assert from "node:assert/strict";
import { assertOnnxFilesCheck, hasPythonOnnx, PYTHON } from "./onnx_checker.ts";
import { Tensor } from "../lib/tensor/tensor.ts";
import {
  decodeModel,
  encodeModel,
  type LayerSpec,
  loadOnnx,
  ProtoReader,
  ProtoWriter,
  readOnnx,
  runOnnx,
  saveOnnx,
  toOnnx,
  type ToOnnxOptions,
} from "../lib/onnx/mod.ts";
import {
  Dropout,
  Layer,
  Linear,
  LogSoftmax,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from "../lib/nn/mod.ts";

const FIXTURES = new URL("./fixtures/onnx/", import.meta.url);

// ---------------------------------------------------------------------------------------------
// Helpers

interface FixtureLayer {
  kind: string;
  weight?: number[][];
  bias?: number[] | null;
  rate?: number;
}

interface Fixture {
  options?: ToOnnxOptions;
  layers: FixtureLayer[];
  x: unknown;
  xShape: number[];
  expected: number[][];
}

function fixtureBytes(name: string): Uint8Array {
  return Deno.readFileSync(new URL(`${name}.onnx`, FIXTURES));
}

function fixture(name: string): Fixture {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, FIXTURES)));
}

function specsOf(f: Fixture): LayerSpec[] {
  return f.layers.map((l): LayerSpec => {
    if (l.kind !== "linear") return l as LayerSpec;
    const w = l.weight!;
    return {
      kind: "linear",
      weight: new Tensor(Float64Array.from(w.flat()), [w.length, w[0].length]),
      bias: l.bias ? new Tensor(Float64Array.from(l.bias), [l.bias.length]) : null,
    };
  });
}

/** The fixture's model built with lib/nn's constructors (weights in the file's dtype). */
function modelOf(f: Fixture): Sequential {
  const dtype = f.options?.dtype ?? "float32";
  return new Sequential(f.layers.map((l): Module => {
    if (l.kind === "linear") {
      const w = l.weight!;
      const layer = new Linear(w.length, w[0].length, { init: "zeros", bias: !!l.bias, dtype });
      layer.weight = new Tensor(Float64Array.from(w.flat()), [w.length, w[0].length]);
      if (l.bias) layer.bias = new Tensor(Float64Array.from(l.bias), [l.bias.length]);
      return layer;
    }
    if (l.kind === "dropout") return new Dropout(l.rate!);
    return activation(l.kind as Activation);
  }));
}

function inputOf(f: Fixture): Tensor {
  return new Tensor(Float64Array.from((f.x as number[]).flat(4) as number[]), f.xShape);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `lengths ${a.length} and ${b.length}, first difference at byte ${i}`;
}

/** Largest |a - b| relative to the largest |b|: the error relative to the output's scale. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

/** A small seeded generator (mulberry32) so that the "random" models are the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTensor(next: () => number, shape: number[], scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = (2 * next() - 1) * scale;
  return new Tensor(data, shape);
}

/** A batch as lib/nn's Linear takes it: each sample flattened to a row (what ONNX's Flatten does). */
function rows(x: Tensor): Tensor {
  return x.reshape([x.shape[0], -1]);
}

/** lib/nn's forward pass in evaluation mode (dropout off). */
function ourForward(model: Sequential, x: Tensor): Tensor {
  return model.eval().forward(rows(x));
}

function dense(
  next: () => number,
  nIn: number,
  nOut: number,
  options: { bias: boolean; dtype: "float32" | "float64"; scale: number },
): Linear {
  const layer = new Linear(nIn, nOut, { init: "zeros", bias: options.bias, dtype: options.dtype });
  layer.weight = randomTensor(next, [nIn, nOut], options.scale);
  if (options.bias) layer.bias = randomTensor(next, [nOut], 0.5);
  return layer;
}

const ACTIVATIONS = ["relu", "sigmoid", "tanh", "softmax", "logsoftmax"] as const;
type Activation = typeof ACTIVATIONS[number];

function activation(kind: Activation): Module {
  switch (kind) {
    case "relu":
      return new ReLU();
    case "sigmoid":
      return new Sigmoid();
    case "tanh":
      return new Tanh();
    case "softmax":
      return new Softmax();
    case "logsoftmax":
      return new LogSoftmax();
  }
}

interface RandomModel {
  label: string;
  model: Sequential;
  /** The dtype of the model's own forward (its Linear layers). */
  modelDtype: "float32" | "float64";
  options: ToOnnxOptions;
  x: Tensor;
}

/**
 * Random lib/nn models covering every supported layer and option: each activation after a hidden
 * layer and at the output, bias on/off, Gemm and MatMul+Add, float32 and float64 models exported
 * in their dtype, float64 models exported as float32, image inputs (exported with a Flatten),
 * dropout, nested Sequential, a single Linear.
 */
function randomModels(): RandomModel[] {
  const next = rng(2024);
  const models: RandomModel[] = [];
  let n = 0;
  for (
    const [modelDtype, fileDtype] of [["float32", "float32"], ["float64", "float64"], [
      "float64",
      "float32",
    ]] as const
  ) {
    for (const linear of ["gemm", "matmul"] as const) {
      for (const act of ACTIVATIONS) {
        const image = n % 3 === 0;
        const inputShape = image ? [1 + (n % 2), 3, 4] : [5 + (n % 7)];
        const nIn = inputShape.reduce((a, b) => a * b, 1);
        const hidden = 3 + Math.floor(next() * 9);
        const nOut = 1 + Math.floor(next() * 6);
        const out = ACTIVATIONS[(n + 2) % ACTIVATIONS.length];
        const head = [
          dense(next, hidden, nOut, {
            bias: n % 5 !== 2,
            dtype: modelDtype,
            scale: 2 / Math.sqrt(hidden),
          }),
          activation(out),
        ];
        const model = new Sequential([
          dense(next, nIn, hidden, {
            bias: n % 4 !== 1,
            dtype: modelDtype,
            scale: 1 / Math.sqrt(nIn),
          }),
          activation(act),
          new Dropout([0.1, 0.5, 0][n % 3]),
          ...(n % 4 === 3 ? [new Sequential(head)] : head),
        ]);
        const label = `${modelDtype} model as ${fileDtype} ${linear} ${
          inputShape.join("x")
        }→${hidden}(${act})→${nOut}(${out})`;
        const options: ToOnnxOptions = { dtype: fileDtype, linear, inputShape };
        models.push({
          label,
          model,
          modelDtype,
          options,
          x: randomTensor(next, [4, ...inputShape], 2),
        });
        n++;
      }
    }
  }
  const single = new Sequential([dense(next, 3, 2, { bias: false, dtype: "float64", scale: 1 })]);
  models.push({
    label: "one Linear",
    model: single,
    modelDtype: "float64",
    options: {},
    x: randomTensor(next, [1, 3]),
  });
  return models;
}

// ---------------------------------------------------------------------------------------------
// Protobuf wire format

Deno.test("ProtoWriter encodes the protobuf documentation's examples (150 → 08 96 01)", () => {
  // https://protobuf.dev/programming-guides/encoding/: field 1 = 150 is `08 96 01`,
  // field 2 = "testing" is `12 07 74 65 73 74 69 6e 67`.
  const w = new ProtoWriter();
  w.int(1, 150);
  w.string(2, "testing");
  w.int(3, -1); // int64 -1: ten bytes of two's complement
  assert.deepEqual(
    [...w.finish()],
    [0x08, 0x96, 0x01, 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67, 0x18]
      .concat([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
  );
});

Deno.test("ProtoReader reads varints up to 2^53, negative int64 and packed repeats", () => {
  const w = new ProtoWriter();
  w.int(1, 2 ** 53 - 1);
  w.int(2, -123456789012);
  w.packedInts(3, [1, 300, -2]);
  const r = new ProtoReader(w.finish());
  const seen: number[] = [];
  while (r.next()) {
    if (r.field === 3) r.ints(seen);
    else seen.push(r.int());
  }
  assert.deepEqual(seen, [2 ** 53 - 1, -123456789012, 1, 300, -2]);
});

// ---------------------------------------------------------------------------------------------
// Against files written by Python's onnx

for (const name of ["mlp_f32_gemm", "mlp_f64_matmul"]) {
  Deno.test(`toOnnx() of a lib/nn Sequential writes the bytes Python's onnx.helper writes (${name})`, () => {
    const f = fixture(name);
    const ours = toOnnx(modelOf(f), f.options);
    const theirs = fixtureBytes(name);
    assert.ok(sameBytes(ours, theirs), firstDifference(ours, theirs));
  });
}

Deno.test("toOnnx() of layer records with an explicit flatten writes the same bytes", () => {
  const f = fixture("mlp_f32_gemm");
  const ours = toOnnx([{ kind: "flatten" }, ...specsOf(f)], f.options);
  const theirs = fixtureBytes("mlp_f32_gemm");
  assert.ok(sameBytes(ours, theirs), firstDifference(ours, theirs));
});

for (const name of ["mlp_f32_gemm", "mlp_f64_matmul", "pytorch_gemm", "unknown_op"]) {
  Deno.test(`decodeModel() then encodeModel() gives back Python's bytes (${name})`, () => {
    const bytes = fixtureBytes(name);
    const again = encodeModel(decodeModel(bytes));
    assert.ok(sameBytes(again, bytes), firstDifference(again, bytes));
  });
}

Deno.test("loadOnnx() of Python's file gives a Sequential of the same layers and weights", () => {
  const f = fixture("mlp_f32_gemm");
  const model = loadOnnx(fixtureBytes("mlp_f32_gemm"));
  assert.ok(model instanceof Sequential);
  assert.equal(model.training, false);
  // The Flatten node is a reshape: lib/nn's Linear reads [batch, 64] rows.
  assert.deepEqual(
    model.layers.map((l) => l.constructor.name),
    ["Linear", "ReLU", "Dropout", "Linear", "Sigmoid", "Linear", "Softmax"],
  );
  assert.equal((model.layers[2] as Dropout).p, 0.25);
  const linears = model.layers.filter((l) => l instanceof Linear) as Linear[];
  const want = f.layers.filter((l) => l.kind === "linear");
  linears.forEach((l, i) => {
    assert.equal(l.dtype, "float32");
    assert.deepEqual(l.weight.toArray(), want[i].weight);
    assert.deepEqual(l.bias === null ? null : [...l.bias.data], want[i].bias);
  });
  const err = relativeError(ourForward(model, inputOf(f)).data, f.expected.flat());
  assert.ok(err <= 1e-5, `relative error ${err}`);
});

Deno.test("loadOnnx() reads PyTorch's Gemm (transB=1, alpha, beta, float_data) as Linear layers", () => {
  const f = fixture("pytorch_gemm");
  const model = loadOnnx(fixtureBytes("pytorch_gemm"));
  assert.deepEqual(
    model.layers.map((l) => l.constructor.name),
    ["Linear", "ReLU", "Linear", "LogSoftmax"],
  );
  const want = f.layers.filter((l) => l.kind === "linear");
  (model.layers.filter((l) => l instanceof Linear) as Linear[]).forEach((l, i) => {
    // alpha = 0.5 and beta = 2 are powers of two: the scaled float32 values are exact.
    assert.deepEqual(l.weight.toArray(), want[i].weight);
    assert.deepEqual([...l.bias!.data], want[i].bias);
  });
  assert.deepEqual(readOnnx(fixtureBytes("pytorch_gemm")).inputShape, [6]);
  const err = relativeError(ourForward(model, inputOf(f)).data, f.expected.flat());
  assert.ok(err <= 1e-5, `relative error ${err}`);
});

for (const backend of ["ort-node", "ort-wasm"] as const) {
  Deno.test(`runOnnx() on ${backend} gives NumPy's outputs for Python's files`, async () => {
    for (const name of ["mlp_f32_gemm", "mlp_f64_matmul", "pytorch_gemm"]) {
      const f = fixture(name);
      const y = await runOnnx(fixtureBytes(name), inputOf(f), { backend });
      assert.deepEqual(y.shape, [f.expected.length, f.expected[0].length]);
      const err = relativeError(y.data, f.expected.flat());
      const tol = y.dtype === "float32" ? 1e-5 : 1e-12;
      assert.ok(err <= tol, `${name}: relative error ${err} > ${tol}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Random models: ONNX Runtime against lib/nn's forward, round trips

for (const backend of ["ort-node", "ort-wasm"] as const) {
  Deno.test(
    `runOnnx() on ${backend} equals lib/nn's forward for random models of every layer kind (float32 ≤ 1e-5, float64 ≤ 1e-12 relative)`,
    async () => {
      for (const m of randomModels()) {
        const bytes = toOnnx(m.model, m.options);
        const y = await runOnnx(bytes, m.x, { backend });
        const dtype = m.options.dtype ?? "float32";
        assert.equal(y.dtype, dtype, m.label);
        const want = ourForward(m.model, m.x);
        assert.deepEqual(y.shape, want.shape, m.label);
        const err = relativeError(y.data, want.data);
        const tol = dtype === "float32" ? 1e-5 : 1e-12;
        assert.ok(err <= tol, `${m.label}: relative error ${err} > ${tol}`);
      }
    },
  );
}

Deno.test("toOnnx() → loadOnnx() → toOnnx() is byte-identical for every random model", () => {
  for (const m of randomModels()) {
    const bytes = toOnnx(m.model, m.options);
    const again = toOnnx(loadOnnx(bytes), readOnnx(bytes).options);
    assert.ok(sameBytes(again, bytes), `${m.label}: ${firstDifference(again, bytes)}`);
  }
});

Deno.test("loadOnnx() gives a model whose forward equals the original's", () => {
  for (const m of randomModels().filter((m) => m.options.dtype === m.modelDtype)) {
    const copy = loadOnnx(toOnnx(m.model, m.options));
    const a = ourForward(m.model, m.x), b = ourForward(copy, m.x);
    assert.deepEqual([...b.data], [...a.data], m.label);
  }
});

// ---------------------------------------------------------------------------------------------
// onnx.checker

const havePythonOnnx = hasPythonOnnx();
const checkerTestName = havePythonOnnx
  ? "onnx.checker.check_model(full_check=True) accepts every exported model"
  : `onnx.checker test NOT RUN: Debian's python3-onnx is not importable by ${PYTHON} (apt-get install python3-onnx)`;

Deno.test({ name: checkerTestName, ignore: !havePythonOnnx }, async () => {
  const dir = await Deno.makeTempDir({ prefix: "onnx_test_" });
  try {
    const paths: string[] = [];
    for (const [i, m] of randomModels().entries()) {
      const path = `${dir}/model_${i}.onnx`;
      await saveOnnx(m.model, path, { ...m.options, docString: m.label, metadata: { i: `${i}` } });
      paths.push(path);
    }
    // Also ask Python to re-serialize each file: its bytes must be ours.
    await assertOnnxFilesCheck(paths);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------
// Files on disk, errors

Deno.test("saveOnnx() writes the file atomically (no temporary file left) and loadOnnx() reads it back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "onnx_test_" });
  try {
    const f = fixture("mlp_f32_gemm");
    const path = `${dir}/model.onnx`;
    await saveOnnx(modelOf(f), path, f.options);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["model.onnx"]);
    assert.ok(sameBytes(Deno.readFileSync(path), fixtureBytes("mlp_f32_gemm")));
    await saveOnnx(modelOf(f), path, f.options); // over an existing file
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["model.onnx"]);
    assert.equal(loadOnnx(path).layers.length, 7);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Byte offsets where the top-level fields of a model end. */
function topLevelFieldEnds(bytes: Uint8Array): { field: number; end: number }[] {
  const r = new ProtoReader(bytes);
  const ends: { field: number; end: number }[] = [];
  while (r.next()) {
    r.skip();
    ends.push({ field: r.field, end: r.offset });
  }
  return ends;
}

Deno.test("loadOnnx() of a truncated file says it is truncated, at every cut", () => {
  const bytes = fixtureBytes("mlp_f32_gemm");
  // A cut exactly between two top-level fields after opset_import (field 8) leaves a well-formed
  // model without some metadata: protobuf has no length or checksum that could tell. Every other
  // cut must be reported.
  const opsetEnd = topLevelFieldEnds(bytes).find((f) => f.field === 8)!.end;
  const undetectable = new Set(
    topLevelFieldEnds(bytes).filter((f) => f.end >= opsetEnd).map((f) => f.end),
  );
  let checked = 0;
  for (let cut = 0; cut < bytes.length; cut++) {
    if (undetectable.has(cut)) continue;
    assert.throws(
      () => loadOnnx(bytes.subarray(0, cut)),
      (e: Error) => /truncated/.test(e.message),
      `cut at ${cut} of ${bytes.length}`,
    );
    checked++;
  }
  assert.ok(checked > bytes.length - 5);
});

Deno.test("loadOnnx() of a file cut inside an initializer names the initializer", () => {
  const bytes = fixtureBytes("mlp_f32_gemm");
  const model = decodeModel(bytes);
  // The second initializer's raw data sits somewhere inside the file: cut in its middle.
  const bias = model.graph!.initializer[1].rawData!;
  const cut = bias.byteOffset - bytes.byteOffset + bias.length / 2;
  assert.throws(() => loadOnnx(bytes.slice(0, cut)), (e: Error) => {
    assert.match(e.message, /truncated/);
    assert.match(e.message, /graph > initializer\[1\] "dense_0\.bias"/);
    return true;
  });
});

Deno.test("loadOnnx() of a file cut inside a node names the node and its operator", () => {
  const bytes = fixtureBytes("mlp_f32_gemm");
  // The last node is Softmax "softmax_0" (node 7); its axis attribute follows the op_type.
  const at = new TextDecoder("latin1").decode(bytes).indexOf("Softmax");
  assert.throws(() => loadOnnx(bytes.slice(0, at + "Softmax".length + 4)), (e: Error) => {
    assert.match(e.message, /truncated/);
    assert.match(e.message, /graph > node\[7\] "softmax_0" \(Softmax\) > attribute\[0\]/);
    return true;
  });
});

Deno.test('loadOnnx() of a model with an Elu node names the node "act_0" and the operator', () => {
  assert.throws(() => loadOnnx(fixtureBytes("unknown_op")), (e: Error) => {
    assert.match(e.message, /node 1 "act_0" \(Elu\)/);
    assert.match(e.message, /operator "Elu" is not supported/);
    return true;
  });
});

Deno.test("toOnnx() names the layer whose input size does not match", () => {
  const layers: LayerSpec[] = [
    { kind: "linear", weight: new Tensor(new Float64Array(6), [3, 2]), bias: null },
    { kind: "relu" },
    { kind: "linear", weight: new Tensor(new Float64Array(8), [4, 2]), bias: null },
  ];
  assert.throws(
    () => toOnnx(layers),
    /toOnnx: layer 2 \(Linear 4→2\) expects 4 features per sample but receives shape \[batch,2\]/,
  );
  assert.throws(() => toOnnx(layers.slice(0, 1), { opset: 11 }), /opset 11 is not supported/);
});

Deno.test("toOnnx() names a layer it cannot export", () => {
  class Square extends Layer {
    forward(x: Tensor): Tensor {
      return x;
    }
    backward(dy: Tensor): Tensor {
      return dy;
    }
    override toString(): string {
      return "Square()";
    }
  }
  const model = new Sequential([new Linear(3, 2), new Square()]);
  assert.throws(() => toOnnx(model), /toOnnx: layer 1 \(Square\(\)\) is not supported/);
  const byColumns = new Sequential([new Linear(3, 2), new Softmax({ axis: 0 })]);
  assert.throws(() => toOnnx(byColumns), /layer 1 \(Softmax\(axis=0\)\) is not supported/);
});
