/**
 * The model page (`notebooks/web/`) in a real headless Chromium, driven through the DevTools
 * protocol (`tests/chromium.ts`), served by `notebooks/web/serve.ts`.
 *
 * The test makes its own models in a temporary folder (a digits MLP trained here for a few epochs,
 * and two seeded networks that cover the RGB channels-last and transposed-pixel front ends and
 * a one-sigmoid output), and also takes every model found under `out/` (after
 * `deno task notebooks`). For each model the page classifies every saved test sample with
 * onnxruntime-web's WebAssembly; the outputs are compared with our own forward pass here (same
 * top class, every value within 1e-5). Then a screenshot must show the probability bars, a file
 * that is not a model must give a clear message, and, where the headless browser offers a WebGPU
 * adapter (SwiftShader, with `--enable-unsafe-webgpu`), the page's WebGPU choice must agree too.
 *
 * Skipped, with a message, only where no Chromium is installed.
 */
import assert from "node:assert/strict";
import { softmaxRows } from "./onnx_checker.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Tensor } from "../lib/tensor/tensor.ts";
import {
  loadOnnx,
  type OnnxSamples,
  type PixelInput,
  preprocessPixels,
  readOnnx,
  saveOnnx,
  saveOnnxSamples,
} from "../lib/onnx/mod.ts";
import { Linear, ReLU, Sequential, Sigmoid, SoftmaxCrossEntropyLoss } from "../lib/nn/mod.ts";
import { SGD } from "../lib/optim/mod.ts";
import { DataLoader, loadDigits } from "../lib/data/mod.ts";
import { defaultRng } from "../lib/random/mod.ts";
import { listModels, serveWeb } from "../notebooks/web/serve.ts";
import { CHROMIUM_PATHS, decodePng, findChromium, launchChromium, type Page } from "./chromium.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const CHROMIUM = findChromium();
const TOLERANCE = 1e-5;
/** Each call into the page (a model's samples) must answer within this. */
const CALL_MS = 120_000;
/** Images per model on WebGPU. */
const WEBGPU_IMAGES = 3;

// ---------------------------------------------------------------------------------------------
// Models made here

/** A model, where its file is, and how we compute its answer in Deno. */
interface Subject {
  name: string;
  path: string;
  /** Our forward pass on the raw samples: the network after the preprocessing. */
  ours: (raw: Tensor) => Tensor;
}

/** The 8×8 digits MLP trained for a few epochs, exported to take pixels 0..255. */
async function digitsModel(dir: string): Promise<Subject> {
  const digits = await loadDigits(); // [1797, 64], values 0..16
  const n = digits.images.shape[0];
  const x = digits.images.data;
  let mean = 0;
  for (const v of x) mean += v / x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2 / x.length;
  const std = Math.sqrt(variance);
  const nTrain = n - 32;
  const xs = new Tensor(Float64Array.from(x.subarray(0, nTrain * 64), (v) => (v - mean) / std), [
    nTrain,
    64,
  ]);
  const ys = Int32Array.from(digits.labels.slice(0, nTrain));
  const rng = defaultRng(7);
  const net = new Sequential([
    new Linear(64, 32, { rng }),
    new ReLU(),
    new Linear(32, 10, { rng }),
  ]);
  const loss = new SoftmaxCrossEntropyLoss();
  const opt = new SGD(net.parameters(), { lr: 0.1 });
  for (let epoch = 0; epoch < 3; epoch++) {
    for (const batch of new DataLoader(xs, ys, { batchSize: 32, shuffle: true, rng })) {
      const logits = net.forward(batch.x);
      loss.forward(logits, batch.y);
      net.backward(loss.backward(logits, batch.y));
      opt.step();
    }
  }
  net.eval();
  const pixels: PixelInput = { shape: [8, 8], divideBy: 255 / 16, mean, std };
  const path = join(dir, "digits_mlp.onnx");
  await saveOnnx(net, path, {
    pixels,
    softmax: true,
    classNames: "0123456789".split(""),
    dataset: "scikit-learn digits",
  });
  // The last 32 images, as a page has them: 0..255 (the data set's 0..16 times 255/16).
  const raw = new Tensor(Float64Array.from(x.subarray(nTrain * 64), (v) => v * 255 / 16), [
    32,
    8,
    8,
  ]);
  await saveOnnxSamples(path, {
    values: raw,
    labels: digits.labels.slice(nTrain),
    source: "the last 32 digits",
  });
  return {
    name: "digits_mlp.onnx",
    path,
    ours: (r) => softmaxRows(net.forward(preprocessPixels(r, pixels)).clone()),
  };
}

/** Seeded raw pixels 0..255. */
function rawPixels(n: number, shape: number[], seed: number): Tensor {
  const rng = defaultRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = rng.integers(0, 256, n * size) as Int32Array;
  return new Tensor(Float64Array.from(values), [n, ...shape]);
}

/** A seeded RGB model (channels last → first, /255, standardised) and a one-sigmoid model. */
async function seededModels(dir: string): Promise<Subject[]> {
  const rng = defaultRng(11);
  const rgb = new Sequential([
    new Linear(192, 16, { rng }),
    new ReLU(),
    new Linear(16, 4, { rng }),
  ]).eval();
  const rgbPixels: PixelInput = {
    shape: [8, 8, 3],
    perm: [2, 0, 1],
    divideBy: 255,
    mean: 0.5,
    std: 0.25,
  };
  const rgbPath = join(dir, "rgb_mlp.onnx");
  await saveOnnx(rgb, rgbPath, {
    pixels: rgbPixels,
    softmax: true,
    classNames: ["red", "green", "blue", "grey"],
  });
  await saveOnnxSamples(rgbPath, {
    values: rawPixels(24, [8, 8, 3], 12),
    labels: Array.from({ length: 24 }, (_, i) => i % 4),
  });
  const binary = new Sequential([
    new Linear(784, 8, { rng }),
    new ReLU(),
    new Linear(8, 1, { rng }),
    new Sigmoid(),
  ]).eval();
  const binaryPixels: PixelInput = { shape: [28, 28], perm: [1, 0], divideBy: 255 };
  const binaryPath = join(dir, "binary_mlp.onnx");
  await saveOnnx(binary, binaryPath, { pixels: binaryPixels, classNames: ["no", "yes"] });
  await saveOnnxSamples(binaryPath, {
    values: rawPixels(24, [28, 28], 13),
    labels: Array.from({ length: 24 }, (_, i) => i % 2),
  });
  return [
    {
      name: "rgb_mlp.onnx",
      path: rgbPath,
      ours: (r) => softmaxRows(rgb.forward(preprocessPixels(r, rgbPixels)).clone()),
    },
    {
      name: "binary_mlp.onnx",
      path: binaryPath,
      ours: (r) => binary.forward(preprocessPixels(r, binaryPixels)).clone(),
    },
  ];
}

/** A model found under out/: our answer is its loaded network after its own front end. */
function outModel(path: string): Subject {
  const net = loadOnnx(path);
  const pixels = readOnnx(path).options.pixels;
  return {
    name: path.slice(REPO.length),
    path,
    ours: (r) => {
      const x = pixels
        ? preprocessPixels(r, pixels)
        : new Tensor(r.data, [r.shape[0], r.size / r.shape[0]]);
      return net.forward(x).clone();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Comparing the page with Deno

interface PageAnswer {
  output: number[];
  probabilities: number[];
  top: number;
  className: string;
  ms: number;
  label: number;
}

interface Comparison {
  model: string;
  images: number;
  maxDiff: number;
  sameTop: number;
  medianMs: number;
  accuracy: number;
}

function topOf(row: number[]): number {
  if (row.length === 1) return row[0] > 0.5 ? 1 : 0; // P(class 1) against 1 - P
  return row.indexOf(Math.max(...row));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Opens the listed model `index` in the page, classifies all its samples there and here. */
async function compare(
  page: Page,
  index: number,
  subject: Subject,
  limit = Infinity,
): Promise<Comparison> {
  const samples: OnnxSamples = JSON.parse(
    await Deno.readTextFile(subject.path.replace(/\.onnx$/, ".samples.json")),
  );
  samples.samples = samples.samples.slice(0, limit);
  const answers = await page.evaluate<PageAnswer[]>(
    `(async () => {
      await modelPage.open(${index});
      const out = [];
      for (let i = 0; i < ${samples.samples.length}; i++) out.push(await modelPage.classifySample(i));
      return out;
    })()`,
    CALL_MS,
  );
  const raw = new Tensor(Float64Array.from(samples.samples.flat()), [
    samples.samples.length,
    ...samples.shape,
  ]);
  const ours = subject.ours(raw);
  const k = ours.shape[1];
  let maxDiff = 0, sameTop = 0, correct = 0;
  answers.forEach((a, i) => {
    const row = Array.from(ours.data.subarray(i * k, (i + 1) * k));
    assert.equal(a.output.length, k, `${subject.name} sample ${i}: output width`);
    for (let j = 0; j < k; j++) maxDiff = Math.max(maxDiff, Math.abs(a.output[j] - row[j]));
    if (topOf(row) === a.top) sameTop++;
    if (a.top === samples.labels[i]) correct++;
  });
  return {
    model: subject.name,
    images: answers.length,
    maxDiff,
    sameTop,
    medianMs: median(answers.map((a) => a.ms)),
    accuracy: correct / answers.length,
  };
}

function report(title: string, rows: Comparison[]): void {
  console.log(`\n${title}`);
  for (const r of rows) {
    console.log(
      `  ${r.model}: ${r.images} images, same top class ${r.sameTop}/${r.images}, ` +
        `max |page - ours| = ${r.maxDiff.toExponential(2)}, median inference ${
          r.medianMs.toFixed(2)
        } ms, accuracy against the labels ${(100 * r.accuracy).toFixed(1)}%`,
    );
  }
}

function assertAgree(rows: Comparison[], where: string): void {
  for (const r of rows) {
    assert.equal(r.sameTop, r.images, `${where}, ${r.model}: top class differs`);
    assert.ok(r.maxDiff <= TOLERANCE, `${where}, ${r.model}: max diff ${r.maxDiff} > ${TOLERANCE}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The test

const BAR = [59, 130, 246]; // #3b82f6, the other classes
const TOP_BAR = [22, 163, 74]; // #16a34a, the top class

Deno.test({
  name: CHROMIUM
    ? "the model page in headless Chromium: every model's samples equal our forward pass, bars drawn, WebGPU where offered"
    : `browser test NOT RUN: no Chromium in ${
      CHROMIUM_PATHS.join(", ")
    } (apt-get install chromium)`,
  ignore: !CHROMIUM,
  sanitizeResources: false, // the WebSocket of the DevTools protocol closes asynchronously
  sanitizeOps: false,
}, async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "browser_test_" });
  const stop = new AbortController();
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  try {
    const subjects = [await digitsModel(dir), ...(await seededModels(dir))];
    const outDir = join(REPO, "out");
    const modelDirs = [dir, outDir];
    const listed = await listModels(modelDirs);
    for (const m of listed) {
      if (!m.url.startsWith("/models/1/")) continue;
      const path = join(outDir, m.url.slice("/models/1/".length));
      if (m.samples === null) {
        console.log(`  ${path.slice(REPO.length)}: no samples file beside it, not compared`);
        continue;
      }
      subjects.push(outModel(path));
    }
    const indexOf = (s: Subject) =>
      listed.findIndex((m) =>
        join(m.url.startsWith("/models/0/") ? dir : outDir, m.url.slice(10)) === s.path
      );
    console.log(
      `  ${subjects.length} models: ${subjects.length - 3} from out/, 3 made by the test`,
    );

    let port = 0;
    server = serveWeb({ port: 0, modelDirs, signal: stop.signal, onListen: (a) => port = a.port });
    const headers = (await fetch(`http://127.0.0.1:${port}/`)).headers;
    assert.equal(headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(headers.get("cross-origin-embedder-policy"), "require-corp");

    browser = await launchChromium({ flags: ["--enable-unsafe-webgpu"], timeoutMs: 30_000 });
    console.log(`  ${await browser.version()}`);
    const page = await browser.newPage(`http://127.0.0.1:${port}/`);
    // The page module defines modelPage once onnxruntime-web is imported, which may be after
    // the load event.
    await page.evaluate(`new Promise((resolve) => {
      const wait = () => globalThis.modelPage ? resolve(modelPage.ready) : setTimeout(wait, 50);
      wait();
    })`);
    assert.equal(
      await page.evaluate("crossOriginIsolated"),
      true,
      "the page is cross-origin isolated",
    );
    const pageModels = await page.evaluate<{ url: string }[]>("modelPage.models()");
    assert.deepEqual(pageModels.map((m) => m.url), listed.map((m) => m.url));

    const wasm: Comparison[] = [];
    await t.step("WebAssembly: every model on every saved sample", async () => {
      for (const s of subjects) wasm.push(await compare(page, indexOf(s), s));
      report("WebAssembly (onnxruntime-web in Chromium) against our forward pass:", wasm);
      assertAgree(wasm, "WebAssembly");
    });

    await t.step("the screenshot shows the probability bars of the last answer", async () => {
      await page.evaluate(
        `modelPage.open(${indexOf(subjects[0])}).then(() => modelPage.classifySample(0))`,
      );
      const bars = await page.evaluate<
        {
          x: number;
          y: number;
          width: number;
          height: number;
          track: number;
          p: number;
          top: boolean;
        }[]
      >(`[...document.querySelectorAll(".bar")].map((b) => {
        const r = b.getBoundingClientRect(), t = b.parentElement.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height, track: t.width,
                 p: Number(b.dataset.probability), top: b.classList.contains("top") };
      })`);
      assert.equal(bars.length, 10, "one bar per digit");
      const img = await decodePng(await page.screenshot());
      await Deno.writeFile(join(dir, "page.png"), await page.screenshot());
      const colourAt = (x: number, y: number) => {
        const i = (Math.round(y) * img.width + Math.round(x)) * 4;
        return [img.data[i], img.data[i + 1], img.data[i + 2]];
      };
      for (const b of bars) {
        assert.ok(b.y + b.height < img.height, "the bars are inside the screenshot");
        // Count the bar's colour along the middle of its track: its drawn length in pixels.
        const colour = b.top ? TOP_BAR : BAR;
        const y = b.y + b.height / 2;
        let drawn = 0;
        for (let x = Math.floor(b.x); x < b.x + b.track; x++) {
          const c = colourAt(x, y);
          if (c.every((v, k) => Math.abs(v - colour[k]) <= 2)) drawn++;
        }
        assert.ok(
          Math.abs(drawn - b.p * b.track) <= 2,
          `bar of probability ${b.p}: ${drawn} px drawn, ${(b.p * b.track).toFixed(1)} expected`,
        );
      }
      assert.equal(bars.filter((b) => b.top).length, 1, "one top bar");
    });

    await t.step(
      "drawing a digit on the pad gives an answer, and the other models' answers",
      async () => {
        await page.evaluate(`modelPage.open(${indexOf(subjects[0])})`);
        const pad = await page.evaluate<{ x: number; y: number; width: number }>(
          `(() => { const r = document.getElementById("pad").getBoundingClientRect();
                 return { x: r.x, y: r.y, width: r.width }; })()`,
        );
        await page.evaluate(`document.getElementById("top").textContent = ""`);
        // A "1": one stroke down the middle of the pad.
        const x = pad.x + pad.width / 2;
        const mouse = (type: string, y: number) =>
          page.send("Input.dispatchMouseEvent", {
            type,
            x,
            y: pad.y + y,
            button: "left",
            buttons: type === "mouseReleased" ? 0 : 1,
            clickCount: 1,
          });
        await mouse("mousePressed", 40);
        for (let y = 50; y <= 240; y += 10) await mouse("mouseMoved", y);
        await mouse("mouseReleased", 240);
        const answer = await page.evaluate<{ top: string; bars: number; others: number }>(
          `new Promise((resolve) => {
          const wait = () => document.getElementById("top").textContent
            ? modelPage.settled().then(() => resolve({
                top: document.getElementById("top").textContent,
                bars: document.querySelectorAll(".bar").length,
                others: document.querySelectorAll("#others tr").length - 1 }))
            : setTimeout(wait, 50);
          wait();
        })`,
        );
        console.log(
          `  drawn "1": ${answer.top}; ${Math.max(answer.others, 0)} other model(s) answered`,
        );
        assert.equal(answer.bars, 10);
        const sameInput = listed.filter((m) => m.url !== listed[indexOf(subjects[0])].url)
          .filter((m) => /digits/.test(m.name)).length;
        if (sameInput > 0) assert.ok(answer.others >= 1, "the other 8x8 digit models answer too");
      },
    );

    await t.step("a file that is not a model gets a clear message", async () => {
      const error = await page.evaluate<string>(
        `modelPage.openFile(new File([new TextEncoder().encode("hello, I am not a model")], "notes.onnx"))
           .then(() => "opened", (e) => e.message)`,
      );
      const shown = await page.evaluate<{ text: string; error: boolean }>("modelPage.message()");
      assert.equal(shown.error, true);
      assert.equal(shown.text, error);
      assert.match(shown.text, /^notes\.onnx is not a usable model: it is not an ONNX file/);
      const empty = await page.evaluate<string>(
        `modelPage.openFile(new File([], "empty.onnx")).then(() => "opened", (e) => e.message)`,
      );
      assert.equal(empty, "empty.onnx is not a usable model: the file is empty.");
    });

    await t.step("decodePng() reads Chromium's PNG as the canvas holds it", async () => {
      const r = await page.evaluate<{ png: string; pixels: number[] }>(`(() => {
        const c = document.createElement("canvas"); c.width = 7; c.height = 5;
        const ctx = c.getContext("2d");
        const img = ctx.createImageData(7, 5);
        for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 37 + (i >> 2) * 11) % 256 | 3;
        for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
        ctx.putImageData(img, 0, 0);
        return { png: c.toDataURL("image/png").split(",")[1],
                 pixels: [...ctx.getImageData(0, 0, 7, 5).data] };
      })()`);
      const img = await decodePng(Uint8Array.from(atob(r.png), (ch) => ch.charCodeAt(0)));
      assert.deepEqual([img.width, img.height], [7, 5]);
      assert.deepEqual([...img.data], r.pixels);
    });

    await t.step("WebGPU, where the headless browser offers an adapter", async () => {
      const gpu = await page.evaluate<{ available: boolean; reason?: string; adapter?: string }>(
        "modelPage.webgpuAdapter()",
      );
      if (!gpu.available) {
        console.log(`\nWebGPU NOT RUN in the browser: ${gpu.reason}`);
        return;
      }
      console.log(`\nWebGPU adapter: ${gpu.adapter}`);
      await page.evaluate("modelPage.setBackend('webgpu')", CALL_MS);
      const webgpu: Comparison[] = [];
      // A software adapter takes seconds per image for the larger models: a few images each.
      for (const s of subjects) webgpu.push(await compare(page, indexOf(s), s, WEBGPU_IMAGES));
      report("WebGPU (onnxruntime-web in Chromium) against our forward pass:", webgpu);
      assertAgree(webgpu, "WebGPU");
      await page.evaluate("modelPage.setBackend('wasm')", CALL_MS);
    });

    const errors = page.log.filter((l) => l.startsWith("exception"));
    assert.deepEqual(errors, [], "no uncaught exception in the page");
  } finally {
    await browser?.close();
    stop.abort();
    await server?.finished;
    await Deno.remove(dir, { recursive: true });
  }
});
