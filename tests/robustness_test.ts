/**
 * Bad input and faults, as a user might hit them (issue 15's table, rows 1 to 16, plus what was
 * found on the way): each probe asserts a named error (the function, the value, what to do) or
 * the correct result. The cases that used to crash the process (a Uint8Array handed to native
 * BLAS, a stub BLAS, a write killed by a file-size limit, a download killed midway) run in a
 * subprocess, so that a regression fails a test instead of killing the test runner.
 *
 * The notebook runner's cases (rows 4 and 14) are in `run_notebooks_test.ts`.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  accuracy,
  Adagrad,
  Adam,
  arrayToString,
  clipGradNorm,
  DataLoader,
  decodeModel,
  defaultRng,
  Dropout,
  EarlyStopping,
  encodeModel,
  ExponentialLR,
  format,
  Linear,
  linePlot,
  loadDigits,
  loadMnist,
  loadOnnx,
  matmul,
  MSELoss,
  oneHot,
  type Parameter,
  parseDigitsCsv,
  readIdx,
  ReduceLROnPlateau,
  ReLU,
  RMSprop,
  saveOnnx,
  scaleImages,
  Sequential,
  setPrintOptions,
  SGD,
  SoftmaxCrossEntropyLoss,
  sprintf,
  StepLR,
  Tensor,
  tensor,
  toOnnx,
  trainTestSplit,
  writeFileAtomic,
  zeros,
} from "../lib/mod.ts";
import { BCELoss } from "../lib/nn/mod.ts";
import { AttributeType, type ModelProto } from "../lib/onnx/mod.ts";
import { downloadFile } from "../lib/data/download.ts";
import { gunzip } from "../lib/data/io.ts";
import { toPath } from "../lib/files/mod.ts";
import { gemm, type GemmCall } from "../kernels/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Probes run in this file (reported by the last test). */
let probes = 0;

/** One probe: `fn` throws an error whose message matches `pattern`. */
function refuses(fn: () => unknown, pattern: RegExp): void {
  probes++;
  assert.throws(fn, pattern);
}

/** One probe: the promise rejects with a message matching `pattern`. */
async function rejects(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  probes++;
  await assert.rejects(fn, pattern);
}

/** One probe of a correct result. */
function holds(value: unknown, message: string): void {
  probes++;
  assert.ok(value, message);
}

/** Runs TypeScript code in a fresh Deno with the repository's configuration. */
async function runScript(
  code: string,
  options: { env?: Record<string, string>; shell?: string } = {},
): Promise<{ code: number; signal: string | null; out: string; pid: number }> {
  const dir = await Deno.makeTempDir({ prefix: "robustness-" });
  const file = join(dir, "probe.ts");
  await Deno.writeTextFile(file, code.replaceAll("$ROOT/", new URL("..", import.meta.url).href));
  // No V8 code cache: Deno would write it while the script runs (row 2 limits file sizes).
  const deno = [
    "run",
    "-A",
    "--quiet",
    "--no-code-cache",
    "--config",
    join(ROOT, "deno.json"),
    file,
  ];
  const command = options.shell
    ? new Deno.Command("bash", {
      args: ["-c", `${options.shell}; exec "$0" "$@"`, Deno.execPath(), ...deno],
      env: options.env,
      stdout: "piped",
      stderr: "piped",
      cwd: ROOT,
    })
    : new Deno.Command(Deno.execPath(), {
      args: deno,
      env: options.env,
      stdout: "piped",
      stderr: "piped",
      cwd: ROOT,
    });
  const child = command.spawn();
  const out = await child.output();
  await Deno.remove(dir, { recursive: true });
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, signal: out.signal, out: text, pid: child.pid };
}

function param(name: string, values: number[]): Parameter {
  return {
    name,
    value: new Tensor(new Float64Array(values.length), [values.length]),
    grad: new Tensor(Float64Array.from(values), [values.length]),
  };
}

// ------------------------------------------------------------------ row 1: foreign typed arrays

Deno.test("row 1: Tensor refuses typed arrays other than Float32Array/Float64Array, naming the fix", () => {
  const bytes = new Uint8Array(12);
  refuses(
    () => new Tensor(bytes as never, [3, 4]),
    /Tensor: data must be a Float64Array or Float32Array, got a Uint8Array; for image bytes use scaleImages/,
  );
  refuses(() => new Tensor(new Int32Array(4) as never, [4]), /got a Int32Array/);
  refuses(() => new Tensor(new BigInt64Array(4) as never, [4]), /got a BigInt64Array/);
  refuses(() => new Tensor([1, 2] as never, [2]), /got a plain Array; use tensor\(values\)/);
  refuses(() => new Tensor(null as never, [0]), /got a null/);
  refuses(() => new Tensor(new Float64Array(6), 6 as never), /shape must be an array of sizes/);
  const t = new Tensor(new Float32Array(6), [2, 3]);
  holds(t.dtype === "float32" && t.size === 6, "a Float32Array still makes a float32 tensor");
});

Deno.test("row 1: the gemm dispatch checks element types and sizes before any backend sees them", () => {
  const call = (over: Partial<GemmCall>): GemmCall => ({
    transA: false,
    transB: false,
    m: 2,
    n: 2,
    k: 2,
    alpha: 1,
    a: new Float64Array(4),
    b: new Float64Array(4),
    beta: 0,
    c: new Float64Array(4),
    ...over,
  });
  refuses(
    () => gemm(call({ a: new Uint8Array(32) as never })),
    /gemm: A is a Uint8Array; kernels take Float32Array or Float64Array/,
  );
  refuses(() => gemm(call({ c: new Int16Array(4) as never })), /gemm: C is a Int16Array/);
  refuses(() => gemm(call({ b: [1, 2, 3, 4] as never })), /gemm: B is a object/);
  refuses(
    () => gemm(call({ a: new Float32Array(4) })),
    /mixed element types A float32, B float64, C float64/,
  );
  refuses(() => gemm(call({ a: new Float64Array(3) })), /A has 3 elements, needs m\*k = 2\*2 = 4/);
  refuses(
    () => gemm(call({ m: 2 ** 31 })),
    /gemm: m = 2147483648 is too large: sizes are at most 2\^31 - 1/,
  );
  refuses(() => gemm(call({ alpha: "2" as never })), /alpha must be a number/);
  const ok = call({ a: Float64Array.from([1, 2, 3, 4]), b: Float64Array.from([1, 0, 0, 1]) });
  gemm(ok);
  holds(ok.c.join() === "1,2,3,4", "a valid product still computes A @ I = A");
});

Deno.test("row 1: MNIST bytes handed to a Linear layer on blas fail by name in a subprocess (no crash)", async () => {
  const r = await runScript(`
    import { setBackend, tryBackend } from "$ROOT/kernels/mod.ts";
    import { Tensor } from "$ROOT/lib/tensor/mod.ts";
    import { Linear } from "$ROOT/lib/nn/mod.ts";
    const blas = tryBackend("blas");
    if (blas) setBackend("blas");
    const bytes = new Uint8Array(10000 * 784).fill(255);
    try {
      new Linear(784, 100).forward(new Tensor(bytes as never, [10000, 784]));
    } catch (e) { console.log("tensor:", (e as Error).message); }
    if (blas) {
      try {
        blas.gemm({ transA: false, transB: false, m: 10000, n: 100, k: 784, alpha: 1, beta: 0,
          a: bytes as never, b: new Float64Array(78400), c: new Float64Array(1000000) });
      } catch (e) { console.log("blas:", (e as Error).message); }
    }
    console.log(blas ? "survived with blas" : "survived without blas");
  `);
  probes++;
  assert.equal(r.code, 0, `the subprocess died (signal ${r.signal}):\n${r.out}`);
  assert.match(
    r.out,
    /tensor: Tensor: data must be a Float64Array or Float32Array, got a Uint8Array/,
  );
  if (r.out.includes("with blas")) assert.match(r.out, /blas: gemm: A is a Uint8Array/);
  assert.match(r.out, /survived/);
});

// --------------------------------------------------------------- row 2: a write that fails midway

Deno.test({
  name:
    "row 2: Figure.save killed by a file-size limit leaves the previous file whole; the leftover goes next time",
  ignore: Deno.build.os !== "linux",
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "robustness-fig-" });
  const path = join(dir, "fig.svg");
  const small = linePlot({ a: [1, 2, 3] });
  await small.save(path);
  const before = await Deno.readTextFile(path);
  // The limit is set inside the process (setrlimit through FFI) just before the save, so that
  // Deno itself starts normally; the figure is far larger than the 64 KiB allowed.
  const r = await runScript(`
    import { linePlot } from "$ROOT/lib/plot/mod.ts";
    const y = Array.from({ length: 20000 }, (_, i) => Math.sin(i / 7));
    const fig = linePlot({ y });
    const libc = Deno.dlopen("libc.so.6", { setrlimit: { parameters: ["i32", "buffer"], result: "i32" } });
    const RLIMIT_FSIZE = 1;
    console.log("saving", fig.svg().length, libc.symbols.setrlimit(RLIMIT_FSIZE, new BigUint64Array([65536n, 65536n])));
    try { await fig.save(${JSON.stringify(path)}); console.log("saved"); }
    catch (e) { console.log("failed:", (e as Error).message); }
  `);
  probes++;
  assert.match(r.out, /saving \d+ 0/, `the subprocess did not reach the save:\n${r.out}`);
  assert.doesNotMatch(r.out, /^saved$/m, "the write should have hit the limit");
  assert.equal(await Deno.readTextFile(path), before, "the previous figure must be unchanged");
  const leftovers = () =>
    [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n !== "fig.svg");
  // Killed by SIGXFSZ: a temporary file stays until the next write; or the error was caught.
  holds(
    leftovers().length > 0 || /Figure\.save: cannot write .*fig\.svg/.test(r.out),
    `either a leftover or a named error (signal ${r.signal}, files ${
      [...Deno.readDirSync(dir)].map((e) => e.name)
    }):\n${r.out}`,
  );
  await small.save(path);
  holds(leftovers().length === 0, `leftovers of the killed write are removed: ${leftovers()}`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("atomic writes: a failed write names the file and keeps the old one; only dead processes' leftovers go", async () => {
  const dir = await Deno.makeTempDir({ prefix: "robustness-atomic-" });
  const path = join(dir, "a.txt");
  await writeFileAtomic(path, "old");
  await rejects(
    () => writeFileAtomic(join(dir, "missing", "a.txt"), "x"),
    /writeFileAtomic: cannot write .*missing\/a\.txt \(the previous file, if any, is unchanged\)/,
  );
  const dead = new Deno.Command("true").spawn();
  await dead.status;
  await Deno.writeTextFile(`${path}.part-${dead.pid}-0123abcd`, "half");
  await Deno.writeTextFile(`${path}.part-${Deno.pid}-0123abcd`, "ours, under way");
  await Deno.writeTextFile(`${path}.${dead.pid}.0123abcd.tmp`, "old saveOnnx leftover");
  await writeFileAtomic(path, "new");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  holds(
    names.join() === ["a.txt", `a.txt.part-${Deno.pid}-0123abcd`].join(),
    `only the dead process's leftovers are removed: ${names}`,
  );
  holds((await Deno.readTextFile(path)) === "new", "the new content is in place");
  await Deno.remove(dir, { recursive: true });
});

// ------------------------------------------------------------------------------- row 3: URLs

Deno.test("row 3: file URLs are decoded (%20 is a space) and other URLs are refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "robustness sp ace-" });
  const net = new Sequential([new Linear(4, 2, { rng: defaultRng(0) })]);
  const url = new URL(`file://${dir.split("/").map(encodeURIComponent).join("/")}/m.onnx`);
  holds(url.href.includes("%20"), "the URL is percent-encoded");
  await saveOnnx(net, url);
  holds(Deno.statSync(join(dir, "m.onnx")).isFile, "saveOnnx wrote to the decoded path");
  holds(loadOnnx(url).forward(tensor([[1, 2, 3, 4]])).shape.join() === "1,2", "loadOnnx reads it");
  await linePlot({ a: [1, 2] }).save(new URL("f.svg", url));
  holds(Deno.statSync(join(dir, "f.svg")).isFile, "Figure.save takes a file URL");
  await rejects(
    () => saveOnnx(net, new URL("https://example.com/m.onnx")),
    /saveOnnx: cannot use https:\/\/example\.com\/m\.onnx: only file paths and file: URLs/,
  );
  await rejects(
    () => linePlot({ a: [1] }).save(new URL("https://example.com/f.png")),
    /Figure\.save: cannot use https:/,
  );
  await rejects(
    () => linePlot({ a: [1] }).save("https://example.com/f.png"),
    /Figure\.save: "https:\/\/example\.com\/f\.png" is a https: URL/,
  );
  refuses(() => loadOnnx(new URL("https://example.com/m.onnx")), /loadOnnx: cannot use https:/);
  refuses(
    () => toPath("op", 42 as never),
    /op: expected a path \(string\) or a file: URL, got number/,
  );
  holds(toPath("op", "file:///tmp/a%20b") === "/tmp/a b", "a file: URL string is decoded too");
  await Deno.remove(dir, { recursive: true });
});

// ----------------------------------------------------------------- row 5: a diverging training

Deno.test("row 5: a diverging training names the prediction (not the target) and the call", () => {
  const rng = defaultRng(0);
  const net = new Sequential([new Linear(3, 1, { rng })]);
  const x = rng.normal(0, 1, [16, 3]);
  const y = rng.normal(0, 1, [16, 1]);
  const loss = new MSELoss();
  const opt = new SGD(net.parameters(), { lr: 1e3 });
  let error: Error | undefined;
  for (let step = 0; step < 2000 && !error; step++) {
    try {
      const p = net.forward(x);
      loss.forward(p, y);
      net.backward(loss.backward(p, y));
      opt.step();
    } catch (e) {
      error = e as Error;
    }
  }
  probes++;
  assert.ok(error, "the loss must overflow and be reported");
  assert.match(
    error.message,
    /MSELoss\.forward \(call \d+ of this loss\): the loss is (Infinity|NaN): (the prediction has|the prediction and the target are finite, but the squared errors overflow)/,
  );
  assert.doesNotMatch(error.message, /target has/);
  refuses(
    () => new MSELoss().forward(tensor([[1e200], [2]]), tensor([[0], [2]])),
    /MSELoss\.forward \(call 1 of this loss\): the loss is Infinity: .*overflow float64 \(largest \|prediction - target\| 1e\+200\).*lower the/,
  );
  refuses(
    () => new MSELoss().forward(tensor([[1], [2]]), tensor([[NaN], [2]])),
    /the target has 1 NaN and 0 infinite value\(s\); the prediction is finite/,
  );
  refuses(
    () => new MSELoss().forward(tensor([[Infinity], [2]]), tensor([[1], [2]])),
    /the prediction has 1 infinite value\(s\) \(of 2\): the model's parameters or its input are not finite/,
  );
  const empty = new Tensor(new Float64Array(0), [0, 10]);
  refuses(
    () => new SoftmaxCrossEntropyLoss().forward(empty, []),
    /SoftmaxCrossEntropyLoss\.forward \(call 1 of this loss\): the loss is NaN: the batch is empty \(prediction shape \[0,10\]\)/,
  );
  refuses(
    () => new MSELoss().forward(new Tensor(new Float64Array(0), [0, 1]), []),
    /the batch is empty/,
  );
  holds(
    new SoftmaxCrossEntropyLoss({ reduction: "sum" }).forward(empty, []) === 0,
    "an empty batch summed is 0",
  );
  refuses(
    () => new SoftmaxCrossEntropyLoss().forward(tensor([[1e308, -1e308]]), [1]),
    /the logits and the target are finite, but a term overflowed|the loss is Infinity/,
  );
});

Deno.test("training guard: checkFinite names the parameter and the step; it is off by default", () => {
  const w = param("0.weight", [1, 2, 3]);
  const opt = new SGD([w], { lr: 0.1, checkFinite: true });
  opt.step();
  w.grad.data[1] = NaN;
  w.grad.data[2] = -Infinity;
  refuses(
    () => opt.step(),
    /SGD\.step: at step 1 \(counting from 0\) the gradient of parameter "0\.weight" \[3\] holds 1 NaN and 1 infinite value\(s\)/,
  );
  holds(w.value.data.every(Number.isFinite), "the weights are untouched by the refused step");
  for (const make of [Adam, Adagrad, RMSprop]) {
    refuses(
      () => new make([w], { checkFinite: true }).step(),
      new RegExp(`${make.name}\\.step: at step 0`),
    );
  }
  const quiet = new SGD([param("b", [NaN])], { lr: 0.1 });
  quiet.step();
  holds(
    quiet.checkFinite === false,
    "off by default (its cost is measured by tests/bench/check_finite.ts)",
  );
});

// ------------------------------------------------------------------------------- row 6: BCE

Deno.test("row 6: BCELoss refuses probabilities and targets outside [0, 1]", () => {
  refuses(
    () => new BCELoss().forward(tensor([[1.5]]), tensor([[1]])),
    /BCELoss: prediction 1\.5 at flat index 0 is outside \[0, 1\]: BCELoss takes probabilities \(apply a Sigmoid first/,
  );
  refuses(() => new BCELoss().forward(tensor([[-0.1]]), tensor([[1]])), /prediction -0\.1/);
  refuses(
    () => new BCELoss().forward(tensor([[0.5]]), tensor([[2]])),
    /BCELoss: target 2 at flat index 0/,
  );
  const v = new BCELoss().forward(tensor([[0.5]]), tensor([[1]]));
  holds(Math.abs(v - Math.LN2) < 1e-15, `BCE(0.5, 1) = ln 2, got ${v}`);
});

// ---------------------------------------------------------------- row 7: optimizer settings

Deno.test("row 7: optimizer and scheduler settings are checked on construction and on assignment", () => {
  const params = [param("w", [1, 2])];
  const opt = new SGD(params, { lr: 0.1 });
  refuses(() => (opt.lr = NaN), /SGD\.lr: lr must be a finite number >= 0, got NaN/);
  refuses(() => (opt.lr = -1), /SGD\.lr: lr must be a finite number >= 0, got -1/);
  refuses(() => (opt.lr = Infinity), /got Infinity/);
  opt.lr = 0.05;
  holds(opt.lr === 0.05, "a valid rate is accepted");
  refuses(
    () => new ExponentialLR(opt, { gamma: NaN }),
    /ExponentialLR: gamma must be a finite number > 0, got NaN/,
  );
  refuses(
    () => new ExponentialLR(opt, {} as never),
    /ExponentialLR: pass the factor per step, e\.g\. \{gamma: 0\.95\}/,
  );
  refuses(() => new ExponentialLR(opt, undefined as never), /ExponentialLR: pass the factor/);
  refuses(
    () => new StepLR(opt, { stepSize: 2, gamma: -2 }),
    /StepLR: gamma must be a finite number > 0, got -2/,
  );
  refuses(
    () => new StepLR(opt, { stepSize: NaN }),
    /StepLR: stepSize must be an integer >= 1, got NaN/,
  );
  refuses(() => new Adam(params, { eps: 0 }), /Adam: eps must be a finite number > 0, got 0/);
  refuses(() => new Adam(params, { eps: -1 }), /Adam: eps must be a finite number > 0, got -1/);
  refuses(() => new RMSprop(params, { eps: 0 }), /RMSprop: eps must be/);
  refuses(() => new Adagrad(params, { eps: NaN }), /Adagrad: eps must be/);
  refuses(
    () => new Adam(params, { betas: [NaN, 0.9] }),
    /Adam: betas must be in \[0, 1\), got NaN/,
  );
  refuses(
    () => new SGD(params, { lr: 0.1, momentum: NaN }),
    /SGD: momentum must be in \[0, 1\), got NaN/,
  );
  refuses(
    () => new ReduceLROnPlateau(opt, { minLr: NaN }),
    /ReduceLROnPlateau: minLr must be a finite number >= 0, got NaN/,
  );
  refuses(
    () => new ReduceLROnPlateau(opt, { patience: 1.5 }),
    /ReduceLROnPlateau: patience must be an integer >= 0, got 1\.5/,
  );
  refuses(
    () => new ReduceLROnPlateau(opt, { threshold: NaN }),
    /threshold must be a finite number >= 0/,
  );
  refuses(() => new ReduceLROnPlateau(opt, { cooldown: -1 }), /cooldown must be an integer >= 0/);
  refuses(
    () => new ReduceLROnPlateau(opt, { thresholdMode: "max" as "rel" }),
    /thresholdMode must be "rel" or "abs", got "max"/,
  );
  refuses(
    () => new EarlyStopping({ patience: NaN }),
    /EarlyStopping: patience must be an integer >= 1, got NaN/,
  );
  refuses(
    () => new EarlyStopping({ minDelta: -0.1 }),
    /EarlyStopping: minDelta must be a finite number >= 0, got -0\.1/,
  );
  const sched = new ExponentialLR(opt, { gamma: 0.5 });
  sched.step();
  holds(opt.lr === 0.025, "a valid schedule still multiplies the rate");
});

// --------------------------------------------------------------------- row 8: a stub BLAS

Deno.test({
  name: "row 8: a library exporting stub cblas_?gemm is reported unavailable, not used",
  ignore: !hasCompiler(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "robustness-blas-" });
    await Deno.writeTextFile(
      join(dir, "stub.c"),
      "void cblas_sgemm(void){}\nvoid cblas_dgemm(void){}\n",
    );
    const cc = await new Deno.Command("cc", {
      args: ["-shared", "-fPIC", "-o", join(dir, "libstub.so"), join(dir, "stub.c")],
    }).output();
    assert.equal(cc.code, 0, new TextDecoder().decode(cc.stderr));
    const r = await runScript(
      `
      import { setBackend, tryBackend } from "$ROOT/kernels/mod.ts";
      console.log("loaded:", tryBackend("blas") !== undefined);
      try { setBackend("blas"); } catch (e) { console.log((e as Error).message); }
    `,
      { env: { DENO_BLAS_PATH: join(dir, "libstub.so") } },
    );
    probes++;
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /loaded: false/);
    assert.match(
      r.out,
      /backend "blas" is unavailable: .*libstub\.so: cblas_dgemm computed \[1, 1, 1, 1\] for a 2x3 by 3x2 test product whose answer is \[116\.5, 128\.5, 278\.5, 308\.5\]: not a working CBLAS/,
    );
    await Deno.remove(dir, { recursive: true });
  },
});

function hasCompiler(): boolean {
  try {
    return new Deno.Command("cc", { args: ["--version"] }).outputSync().code === 0;
  } catch {
    return false;
  }
}

// ----------------------------------------------------------------------- row 9: clipGradNorm

Deno.test("row 9: clipGradNorm refuses NaN/Inf gradients by name and survives overflow", () => {
  const bad = [param("a", [1, 2]), param("b", [NaN, 1, Infinity])];
  refuses(
    () => clipGradNorm(bad, 1),
    /clipGradNorm: the gradient of parameter "b" \[3\] holds 1 NaN and 1 infinite value\(s\)/,
  );
  holds(bad[0].grad.data.join() === "1,2", "gradients are left alone when refused");
  const huge = [param("w", [3e200, 4e200])];
  const norm = clipGradNorm(huge, 1);
  holds(Math.abs(norm / 5e200 - 1) < 1e-15, `the norm of [3e200, 4e200] is 5e200, got ${norm}`);
  holds(
    Math.abs(huge[0].grad.data[0] - 0.6) < 1e-12 && Math.abs(huge[0].grad.data[1] - 0.8) < 1e-12,
    `rescaled to [0.6, 0.8], got ${huge[0].grad.data}`,
  );
  const small = [param("w", [3, 4])];
  holds(
    clipGradNorm(small, 10) === 5 && small[0].grad.data.join() === "3,4",
    "no clip below maxNorm",
  );
});

// -------------------------------------------------------------------- row 10: decompression

async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function idxHeader(shape: number[], typeCode = 0x08): Uint8Array {
  const h = new Uint8Array(4 + 4 * shape.length);
  const v = new DataView(h.buffer);
  h[2] = typeCode;
  h[3] = shape.length;
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  return h;
}

Deno.test("row 10: decompression stops at the IDX header's size, at a cap, and on a lying trailer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "robustness-gz-" });
  // A header for 10 images of 28x28 followed by 20 MB of zeros: a 20 KB file.
  const header = idxHeader([10, 28, 28]);
  const body = new Uint8Array(header.length + 20 * 2 ** 20);
  body.set(header);
  const bomb = join(dir, "bomb-idx3-ubyte.gz");
  await Deno.writeFile(bomb, await gzip(body));
  await rejects(
    () => readIdx(bomb),
    /Cannot read .*bomb-idx3-ubyte\.gz: it decompresses to more than the 7856 bytes its header declares/,
  );
  const zeros = await gzip(new Uint8Array(8 * 2 ** 20));
  await rejects(
    () => gunzip(zeros, "zeros.gz", { maxBytes: 2 ** 20 }),
    /Cannot read zeros\.gz: it decompresses to more than the limit of 1048576 bytes/,
  );
  const liar = (await gzip(new Uint8Array(4096).fill(7))).slice();
  liar.set([0xff, 0xff, 0xff, 0xff], liar.length - 4); // the trailer claims 4 GiB
  await rejects(
    () => gunzip(liar, "liar.gz"),
    /Cannot read liar\.gz: the gzip data is truncated or corrupt/,
  );
  const good = new Uint8Array(header.length + 7840);
  good.set(header);
  good.fill(3, header.length);
  await Deno.writeFile(join(dir, "good.gz"), await gzip(good));
  const read = await readIdx(join(dir, "good.gz"));
  holds(read.shape.join() === "10,28,28" && read.data[7839] === 3, "a valid gzip IDX still reads");
  await Deno.remove(dir, { recursive: true });
});

// ---------------------------------------------------------------------- row 11: digits CSV

Deno.test("row 11: the digits CSV refuses empty cells and out-of-range pixels and labels", async () => {
  const row = (pixels: string[], label: string) => [...pixels, label].join(",");
  const zeros = Array.from({ length: 64 }, () => "0");
  const withPixel = (j: number, v: string) => zeros.map((p, i) => (i === j ? v : p));
  refuses(
    () => parseDigitsCsv(row(withPixel(5, ""), "3")),
    /loadDigits: digits CSV line 1: column 6 is "", not an integer/,
  );
  refuses(() => parseDigitsCsv(row(zeros, "")), /column 65 is "", not an integer/);
  refuses(() => parseDigitsCsv(row(zeros, "-1")), /line 1: label is -1, outside 0\.\.9/);
  refuses(() => parseDigitsCsv(row(zeros, "12")), /line 1: label is 12, outside 0\.\.9/);
  refuses(
    () => parseDigitsCsv(row(withPixel(0, "1e9"), "1")),
    /pixel 0 is 1000000000, outside 0\.\.16/,
  );
  refuses(() => parseDigitsCsv(row(withPixel(0, "17"), "1")), /pixel 0 is 17, outside 0\.\.16/);
  refuses(
    () => parseDigitsCsv(row(withPixel(0, "1.5"), "1")),
    /column 1 is "1\.5", not an integer/,
  );
  refuses(() => parseDigitsCsv(zeros.join(",")), /line 1: 64 columns, expected 65/);
  refuses(() => parseDigitsCsv(""), /has no rows/);
  const parsed = parseDigitsCsv(`${row(withPixel(2, "16"), "9")}\n${row(zeros, "1")}\n`, 5);
  holds(parsed.labels.join() === "1" && parsed.pixels.length === 64, "nClass still filters");
  const digits = await loadDigits();
  holds(digits.images.shape.join() === "1797,64", "the shipped asset passes every check");
});

// ------------------------------------------------------------------------- row 12: loadMnist

Deno.test("row 12: loadMnist refuses images that are not 28x28 and a file given as the folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "robustness-mnist-" });
  const images = (n: number) => {
    const h = idxHeader([n, 5, 7]);
    const out = new Uint8Array(h.length + n * 35);
    out.set(h);
    return out;
  };
  const labels = (n: number) => {
    const h = idxHeader([n]);
    const out = new Uint8Array(h.length + n);
    out.set(h);
    return out;
  };
  await Deno.writeFile(join(dir, "train-images-idx3-ubyte"), images(3));
  await Deno.writeFile(join(dir, "train-labels-idx1-ubyte"), labels(3));
  await Deno.writeFile(join(dir, "t10k-images-idx3-ubyte"), images(2));
  await Deno.writeFile(join(dir, "t10k-labels-idx1-ubyte"), labels(2));
  await rejects(
    () => loadMnist({ path: dir, download: false }),
    /images-idx3-ubyte: expected uint8 images \[N,28,28\] \(MNIST's format\), got uint8 \[\d,5,7\]; for other images use readIdx/,
  );
  await rejects(
    () => loadMnist({ path: join(dir, "train-images-idx3-ubyte"), download: false }),
    /MNIST: the path option .*train-images-idx3-ubyte is a file; give the folder that holds the data set's files/,
  );
  await Deno.remove(dir, { recursive: true });
});

// --------------------------------------------------------------------------- row 13: sprintf

Deno.test("row 13: huge widths and precisions fail fast by name", () => {
  const t0 = performance.now();
  refuses(
    () => sprintf("%.1000000000f", 1),
    /sprintf: precision 1000000000 in '%\.1000000000f' is out of range: use an integer from 0 to 10000/,
  );
  refuses(
    () => sprintf("%1000000000d", 1),
    /sprintf: width 1000000000 in '%1000000000d' is out of range/,
  );
  refuses(() => sprintf("%*d", 1e9, 1), /sprintf: width 1000000000 in '%\*d'/);
  refuses(() => sprintf("%.*f", 1e9, 1), /sprintf: precision 1000000000 in '%\.\*f'/);
  refuses(
    () => format(1, ".1000000000f"),
    /format: precision 1000000000 in '\.1000000000f' is out of range/,
  );
  refuses(() => format(1, "1000000000"), /format: width 1000000000/);
  refuses(() => setPrintOptions({ precision: 1e9 }), /setPrintOptions: precision 1000000000/);
  holds(performance.now() - t0 < 1000, "the refusals are immediate");
  holds(sprintf("%.*f", -3, 1.0) === "1", "a negative * precision means 0, as in Python");
  holds(sprintf("%.10000f", 1).length === 10002, "the cap itself still formats");
});

// ------------------------------------------------------------------------------ row 15: ONNX

function modelBytes(): Uint8Array {
  const rng = defaultRng(1);
  return toOnnx(
    new Sequential([
      new Linear(4, 3, { rng }),
      new ReLU(),
      new Dropout(0.2),
      new Linear(3, 2, { rng }),
    ]),
  );
}

function edited(edit: (m: ModelProto) => void): Uint8Array {
  const model = decodeModel(modelBytes());
  edit(model);
  return encodeModel(model);
}

Deno.test("row 15: loadOnnx refuses NaN weights and attributes, negative dims, mismatched widths and unknown opsets", () => {
  holds(
    loadOnnx(modelBytes()).forward(tensor([[1, 2, 3, 4]])).shape.join() === "1,2",
    "the untouched file loads",
  );
  const nanWeight = edited((m) => {
    const raw = m.graph!.initializer[0].rawData!;
    new DataView(raw.buffer, raw.byteOffset).setFloat32(8, NaN, true);
  });
  refuses(
    () => loadOnnx(nanWeight),
    /loadOnnx: node 0 "dense_0" \(Gemm\): initializer "dense_0\.weight" holds the non-finite value NaN at flat index 2/,
  );
  const alpha = edited((m) => {
    m.graph!.node[0].attribute.push({ name: "alpha", f: NaN, type: AttributeType.FLOAT });
  });
  refuses(
    () => loadOnnx(alpha),
    /loadOnnx: node 0 "dense_0" \(Gemm\) has alpha = NaN; expected a finite number/,
  );
  const dims = edited((m) => {
    m.graph!.initializer[0].dims = [-4, -3];
  });
  refuses(
    () => loadOnnx(dims),
    /initializer "dense_0\.weight" has dims \[-4,-3\]: sizes must be integers >= 0/,
  );
  const inputDims = edited((m) => {
    m.graph!.input[0].type!.tensorType!.shape!.dim[1].dimValue = -4;
  });
  refuses(
    () => loadOnnx(inputDims),
    /loadOnnx: input "input" has shape \[batch,-4\]; expected \[batch, fixed sizes > 0\.\.\.\]/,
  );
  const width = edited((m) => {
    m.graph!.input[0].type!.tensorType!.shape!.dim[1].dimValue = 7;
  });
  refuses(
    () => loadOnnx(width),
    /loadOnnx: layer 0 \(Linear 4→3\) takes 4 features per sample but the input "input" \[batch,7\] gives 7/,
  );
  for (const version of [1, 99]) {
    const opset = edited((m) => {
      m.opsetImport[0].version = version;
    });
    refuses(
      () => loadOnnx(opset),
      new RegExp(`loadOnnx: the model uses opset ${version}; this reader knows opsets 7 to 25`),
    );
  }
  const ratio = edited((m) => {
    const init = m.graph!.initializer.find((t) => t.name?.endsWith(".ratio"))!;
    new DataView(init.rawData!.buffer, init.rawData!.byteOffset).setFloat32(0, 1.5, true);
  });
  refuses(() => loadOnnx(ratio), /\(Dropout\) has dropout ratio 1\.5; expected \[0, 1\)/);
});

Deno.test("row 15: toOnnx refuses NaN/Inf weights and float64 values beyond float32", () => {
  const net = new Sequential([new Linear(2, 2, { rng: defaultRng(0) })]);
  net.parameters()[0].value.data[3] = NaN;
  refuses(
    () => toOnnx(net),
    /toOnnx: layer 0 \(Linear 2→2\) has a non-finite weight value NaN at flat index 3: the model diverged/,
  );
  net.parameters()[0].value.data[3] = 0;
  net.parameters()[1].value.data[0] = -Infinity;
  refuses(() => toOnnx(net), /has a non-finite bias value -Infinity at flat index 0/);
  net.parameters()[1].value.data[0] = 1e39;
  refuses(
    () => toOnnx(net),
    /has a bias value 1e\+39 at flat index 0 beyond float32's range \(±3\.4e38\): export with \{dtype: "float64"\}/,
  );
  const back = loadOnnx(toOnnx(net, { dtype: "float64" }));
  holds(back.parameters()[1].value.data[0] === 1e39, "float64 export keeps the value");
});

// --------------------------------------------------------------- row 16: a killed download

Deno.test({
  name: "row 16: a download killed mid-stream leaves a .part file that the next download removes",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "robustness-dl-" });
    const payload = new Uint8Array(256 * 1024).fill(42);
    let requests = 0;
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => {
      requests++;
      if (requests > 1) return new Response(payload);
      // First request: half the bytes, then nothing more (the client is killed meanwhile).
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(payload.subarray(0, 128 * 1024));
        },
      });
      return new Response(body, { headers: { "content-length": String(payload.length) } });
    });
    const url = `http://127.0.0.1:${server.addr.port}/f.bin`;
    const dest = join(dir, "f.bin");
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { downloadFile } from "${new URL("../lib/data/download.ts", import.meta.url).href}";
         await downloadFile(${JSON.stringify(url)}, ${JSON.stringify(dest)}, { progress: false });`,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const parts = () => [...Deno.readDirSync(dir)].filter((e) => e.name.includes(".part-"));
    for (
      let i = 0;
      i < 200 && !parts().some((e) => Deno.statSync(join(dir, e.name)).size > 0);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    holds(parts().length === 1, "the download was under way in a .part file");
    child.kill("SIGKILL");
    await child.status;
    holds(parts().length === 1, "the killed download left its .part file");
    await downloadFile(url, dest, { progress: false });
    holds(parts().length === 0, "the next download removed the dead process's .part file");
    holds((await Deno.readFile(dest)).length === payload.length, "and completed the file");
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  },
});

// ------------------------------------------------------------------ found on the way

Deno.test("other bad input is refused by name (a sweep of constructors and entry points)", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "zeros beyond memory",
      () => zeros([1e6, 1e6]),
      /allocate: cannot allocate 1000000000000 float64 elements \(8000000000000 bytes\)/,
    ],
    [
      "an unknown dtype",
      () => zeros([2], { dtype: "int8" as "float64" }),
      /allocate: dtype must be "float64" or "float32", got "int8"/,
    ],
    [
      "scaleImages to int8",
      () =>
        scaleImages({ data: new Uint8Array(4), shape: [1, 2, 2] }, { dtype: "int8" as "float64" }),
      /dtype must be "float64" or "float32"/,
    ],
    [
      "a number as a layer",
      () => new Sequential([1 as never]),
      /Sequential: layer 0 is 1, not a module with forward and backward/,
    ],
    ["a ragged nested array", () => tensor([[1, 2], [3]] as never), /tensor: ragged nested array/],
    [
      "a negative size",
      () => zeros([-1]),
      /invalid shape \[-1\]: dimensions must be integers >= 0/,
    ],
    [
      "a fractional reshape",
      () => zeros([6]).reshape([1.5, 4]),
      /reshape: invalid shape \[1\.5,4\]/,
    ],
    ["Linear(NaN, 3)", () => new Linear(NaN, 3), /sizes must be positive integers, got \[NaN,3\]/],
    [
      "DataLoader batchSize 0",
      () => new DataLoader(zeros([4, 2]), Int32Array.from([0, 1, 0, 1]), { batchSize: 0 }),
      /DataLoader: batchSize must be a positive integer, got 0/,
    ],
    [
      "DataLoader x/y mismatch",
      () => new DataLoader(zeros([4, 2]), Int32Array.from([0, 1]), { batchSize: 2 }),
      /x has 4 samples \(shape \[4,2\]\) but y has 2/,
    ],
    [
      "oneHot label 12 of 10",
      () => oneHot([12], 10 as never),
      /oneHot: label 12 at position 0 is not in \[0, 10\)/,
    ],
    ["Dropout p NaN", () => new Dropout(NaN), /Dropout: p must be in \[0, 1\), got NaN/],
    [
      "trainTestSplit testSize 1.5",
      () => trainTestSplit(zeros([4, 2]), Int32Array.from([0, 1, 0, 1]), { testSize: 1.5 }),
      /trainTestSplit: testSize=1\.5/,
    ],
    ["accuracy on no samples", () => accuracy(zeros([0, 2]), []), /accuracy: no samples/],
    [
      "matmul misaligned",
      () => matmul(zeros([2, 3]), zeros([2, 3])),
      /matmul: cannot multiply shapes \[2,3\] and \[2,3\]/,
    ],
    [
      "normal with scale -1",
      () => defaultRng(0).normal(0, -1, [2]),
      /normal: scale must be >= 0, got -1/,
    ],
    [
      "arrayToString precision NaN",
      () => arrayToString(zeros([2]), { precision: NaN }),
      /arrayToString: precision NaN/,
    ],
    ["sprintf %d of NaN", () => sprintf("%d", NaN), /sprintf: cannot convert float NaN to integer/],
  ];
  for (const [what, fn, pattern] of cases) {
    probes++;
    assert.throws(fn, pattern, what);
  }
});

Deno.test("probe count", () => {
  console.log(`  ${probes} probes in this file`);
  assert.ok(probes > 0);
});
