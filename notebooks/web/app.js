// The model page: lists the exported models, opens one (or a dropped .onnx file), shows its
// inputs, outputs and metadata, and classifies a drawing or a saved test sample with
// onnxruntime-web (WebAssembly, or WebGPU where the browser has it).
//
// Plain JavaScript modules, no build step: onnxruntime-web comes from the npm package, served by
// serve.ts under /ort/. `globalThis.modelPage` exposes the same actions to scripts (the browser test
// drives the page through it).

import { NotOnnxError, readOnnxInfo } from "./onnx_info.js";

// Served by serve.ts from node_modules (a URL, not a file beside this one: hence the variable,
// which also keeps `deno check` from looking for it on disk).
const ORT_URL = "/ort/ort.all.min.mjs";
const ort = await import(ORT_URL);

ort.env.wasm.wasmPaths = "/ort/";
ort.env.logLevel = "error";

const $ = (id) => document.getElementById(id);

/** What is open: the model, its session, its samples. */
const state = {
  models: [],
  backend: "wasm",
  current: null, // { name, url, bytes, info, spec, session, samples, classNames }
  sessions: new Map(), // `${url} ${backend}` → session of a listed model (for "other models")
  lastInput: null,
  pending: null, // the classification of the last drawing, while it runs
};

// ---------------------------------------------------------------------------------------------
// What the input and output mean

/**
 * How to feed the model, from its input's dims and metadata: a grey image [h, w], an RGB image
 * [h, w, 3] (channels last), or a vector of features. A flat input of a square size without
 * metadata is taken as a square grey image.
 */
function inputSpec(info) {
  if (info.inputs.length !== 1) {
    throw new Error(`it has ${info.inputs.length} inputs; this page feeds models with one`);
  }
  const input = info.inputs[0];
  if (input.type !== "float32" && input.type !== "float64") {
    throw new Error(
      `its input "${input.name}" is ${input.type}; this page feeds float32 or float64`,
    );
  }
  const dims = input.dims.slice(1);
  if (dims.length === 0 || dims.some((d) => typeof d !== "number")) {
    throw new Error(
      `its input "${input.name}" has shape [${input.dims.join(", ")}]; this page needs ` +
        `[batch, fixed sizes...]`,
    );
  }
  const size = dims.reduce((a, b) => a * b, 1);
  const base = { name: input.name, type: input.type, dims, size };
  const meta = info.metadata.input_shape ? JSON.parse(info.metadata.input_shape) : null;
  const shape = meta ?? dims;
  if (shape.length === 2) return { ...base, kind: "grey", h: shape[0], w: shape[1] };
  if (shape.length === 3 && shape[2] === 3) {
    return { ...base, kind: "rgb", h: shape[0], w: shape[1] };
  }
  const side = Math.round(Math.sqrt(size));
  if (shape.length === 1 && side * side === size && size >= 16 && !meta) {
    return { ...base, kind: "grey", h: side, w: side, guessed: true };
  }
  return { ...base, kind: "features" };
}

/** Class probabilities from the model's output row (and a note when the page had to make them). */
function probabilities(output, info) {
  const out = Array.from(output);
  if (out.length === 1) {
    const p = out[0];
    if (p >= 0 && p <= 1) return { probs: [1 - p, p], note: "" };
    const s = 1 / (1 + Math.exp(-p));
    return {
      probs: [1 - s, s],
      note: "The output is not a probability: the page applied a sigmoid.",
    };
  }
  const sum = out.reduce((a, b) => a + b, 0);
  if (out.every((v) => v >= 0) && Math.abs(sum - 1) < 1e-3) return { probs: out, note: "" };
  const max = Math.max(...out);
  const e = out.map((v) => Math.exp(v - max));
  const z = e.reduce((a, b) => a + b, 0);
  const note = info.metadata.output
    ? ""
    : "The outputs are not probabilities (logits?): the page applied a softmax.";
  return { probs: e.map((v) => v / z), note };
}

function classNamesOf(info, n) {
  try {
    const names = JSON.parse(info.metadata.class_names ?? "null");
    if (Array.isArray(names) && names.length === n) return names.map(String);
  } catch {
    // not JSON: numbered classes
  }
  return Array.from({ length: n }, (_, i) => `class ${i}`);
}

// ---------------------------------------------------------------------------------------------
// Sessions and inference

async function createSession(bytes, backend) {
  // The session takes a copy: ort may transfer the buffer to a worker.
  return await ort.InferenceSession.create(bytes.slice(), { executionProviders: [backend] });
}

/** Runs one sample through a session; returns the output row and the time of `run`. */
async function runOne(session, spec, values) {
  const data = spec.type === "float64" ? Float64Array.from(values) : Float32Array.from(values);
  const tensor = new ort.Tensor(spec.type, data, [1, ...spec.dims]);
  const t0 = performance.now();
  const result = await session.run({ [session.inputNames[0]]: tensor });
  const ms = performance.now() - t0;
  const out = result[session.outputNames[0]];
  return { output: Array.from(out.data, Number), ms };
}

// ---------------------------------------------------------------------------------------------
// Rendering

function message(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function table(rows, head) {
  const t = document.createElement("table");
  if (head) {
    const tr = t.insertRow();
    for (const h of head) {
      const th = document.createElement("th");
      th.textContent = h;
      tr.append(th);
    }
  }
  for (const row of rows) {
    const tr = t.insertRow();
    for (const cell of row) tr.insertCell().textContent = String(cell);
  }
  return t;
}

function renderDetails(m) {
  const d = $("details");
  d.replaceChildren();
  const h = (text) => {
    const e = document.createElement("h3");
    e.textContent = text;
    d.append(e);
  };
  const io = (v) => [v.name, v.type, `[${v.dims.join(", ")}]`];
  h("Inputs");
  d.append(table(m.info.inputs.map(io), ["name", "type", "shape"]));
  h("Outputs");
  d.append(table(m.info.outputs.map(io), ["name", "type", "shape"]));
  h("Model");
  const ops = Object.entries(m.info.operators).map(([k, v]) => (v > 1 ? `${k}×${v}` : k));
  d.append(table([
    ["producer", m.info.producer],
    ["opset", m.info.opsets.map((o) => `${o.domain || "ai.onnx"} ${o.version}`).join(", ")],
    ["operators", ops.join(", ")],
    ["description", m.info.docString || "(none)"],
    ["fed as", describeSpec(m.spec)],
  ]));
  h("Metadata");
  const meta = Object.entries(m.info.metadata);
  d.append(meta.length ? table(meta, ["key", "value"]) : document.createTextNode("(none)"));
}

function describeSpec(spec) {
  if (spec.kind === "features") return `${spec.size} numbers`;
  const what = spec.kind === "rgb" ? "RGB image, channels last" : "grey image";
  const guess = spec.guessed ? " (guessed from the size: the file has no metadata)" : "";
  return `${spec.h}×${spec.w} ${what}, values 0-255${guess}`;
}

/** A small canvas showing one image sample. */
function sampleCanvas(values, spec, scale) {
  const c = document.createElement("canvas");
  c.width = spec.w;
  c.height = spec.h;
  c.style.width = `${spec.w * scale}px`;
  c.style.height = `${spec.h * scale}px`;
  const ctx = c.getContext("2d");
  const img = ctx.createImageData(spec.w, spec.h);
  for (let i = 0; i < spec.h * spec.w; i++) {
    for (let k = 0; k < 3; k++) {
      img.data[i * 4 + k] = spec.kind === "rgb" ? values[i * 3 + k] : values[i];
    }
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

function renderSamples(m) {
  const box = $("samples");
  box.replaceChildren();
  $("samples-title").textContent = m.samples
    ? `Test samples (${m.samples.samples.length}${m.samples.source ? `, ${m.samples.source}` : ""})`
    : "No test samples beside this model";
  if (!m.samples) return;
  const names = m.classNames;
  m.samples.samples.forEach((values, i) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.index = String(i);
    const label = m.samples.labels[i];
    b.title = `sample ${i}, label ${names[label] ?? label}`;
    if (m.spec.kind === "features") {
      b.textContent = `[${values.map((v) => v.toFixed(2)).join(", ")}] → ${names[label] ?? label}`;
    } else {
      const scale = Math.max(1, Math.round(48 / Math.max(m.spec.h, m.spec.w)));
      b.append(sampleCanvas(values, m.spec, scale), `${names[label] ?? label}`);
    }
    b.addEventListener("click", () => classifySample(i, { others: true }).catch(showError));
    box.append(b);
  });
}

function renderAnswer(m, probs, ms, note) {
  $("result-panel").hidden = false;
  const top = probs.indexOf(Math.max(...probs));
  $("top").textContent = `${m.classNames[top]} (class ${top}), probability ${
    probs[top].toFixed(4)
  }`;
  $("timing").textContent = `inference ${ms.toFixed(2)} ms on ${
    state.backend === "webgpu" ? "WebGPU" : "WebAssembly"
  }`;
  $("output-note").textContent = note;
  const bars = $("bars");
  bars.replaceChildren();
  probs.forEach((p, k) => {
    const row = document.createElement("div");
    row.className = "bar-row";
    const name = document.createElement("span");
    name.textContent = m.classNames[k];
    const track = document.createElement("div");
    track.className = "bar-track";
    const bar = document.createElement("div");
    bar.className = k === top ? "bar top" : "bar";
    bar.style.width = `${(100 * p).toFixed(3)}%`;
    bar.dataset.probability = String(p);
    track.append(bar);
    const value = document.createElement("span");
    value.textContent = p.toFixed(4);
    row.append(name, track, value);
    bars.append(row);
  });
  return top;
}

// ---------------------------------------------------------------------------------------------
// Opening models

async function openModel({ name, url, bytes, samplesUrl }) {
  message(`Opening ${name}...`);
  $("input-panel").hidden = true;
  $("result-panel").hidden = true;
  $("model-name").textContent = name;
  $("details").replaceChildren();
  state.current = null;
  let info, spec, session;
  try {
    info = readOnnxInfo(bytes);
    spec = inputSpec(info);
  } catch (e) {
    const why = e instanceof NotOnnxError || e instanceof Error ? e.message : String(e);
    throw new Error(`${name} is not a usable model: ${why}.`);
  }
  try {
    session = await createSession(bytes, state.backend);
  } catch (e) {
    throw new Error(`${name}: ONNX Runtime cannot load it: ${e.message ?? e}`);
  }
  const width = info.outputs[0]?.dims.at(-1);
  const n = typeof width === "number" ? (width === 1 ? 2 : width) : 0;
  let samples = null;
  if (samplesUrl) samples = await (await fetch(samplesUrl)).json();
  const m = { name, url, bytes, info, spec, session, samples, classNames: classNamesOf(info, n) };
  state.current = m;
  renderDetails(m);
  renderSamples(m);
  const draw = spec.kind === "grey";
  $("draw-area").hidden = !draw;
  $("input-panel").hidden = false;
  if (draw) {
    $("preview").width = spec.w;
    $("preview").height = spec.h;
    clearPad();
  }
  document.querySelectorAll("#models button").forEach((b) => {
    b.classList.toggle("current", b.dataset.url === url);
  });
  message(`${name}: ${describeSpec(spec)}; ${info.outputs.length} output(s).`);
  return { name, input: spec, metadata: info.metadata, classNames: m.classNames };
}

async function openListed(i) {
  const entry = state.models[i];
  const response = await fetch(entry.url);
  if (!response.ok) throw new Error(`${entry.name}: the server answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return await openModel({ name: entry.name, url: entry.url, bytes, samplesUrl: entry.samples });
}

async function openFile(file) {
  if (!file.name.toLowerCase().endsWith(".onnx")) {
    throw new Error(`${file.name} is not an .onnx file.`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  return await openModel({ name: file.name, url: `file:${file.name}`, bytes, samplesUrl: null });
}

// ---------------------------------------------------------------------------------------------
// Classifying

/**
 * Classifies raw values with the open model; renders the answer; returns it. With `others`,
 * the other listed models that take the same input answer too (what a person drawing sees).
 */
async function classify(values, { others = false } = {}) {
  const m = state.current;
  if (!m) throw new Error("no model is open");
  const { output, ms } = await runOne(m.session, m.spec, values);
  const { probs, note } = probabilities(output, m.info);
  const top = renderAnswer(m, probs, ms, note);
  state.lastInput = values;
  $("others").replaceChildren();
  if (others) await compareOthers(m, values);
  return { output, probabilities: probs, top, className: m.classNames[top], ms };
}

async function classifySample(i, options = {}) {
  const m = state.current;
  if (!m?.samples) throw new Error("the open model has no test samples");
  document.querySelectorAll("#samples button").forEach((b) => {
    b.classList.toggle("current", b.dataset.index === String(i));
  });
  const r = await classify(m.samples.samples[i], options);
  return { ...r, label: m.samples.labels[i] };
}

/** Every listed model with the same input runs on the same values: "each model's answer". */
async function compareOthers(m, values) {
  const box = $("others");
  const others = state.models.filter((o) => o.url !== m.url && o.inputKey === inputKey(m.spec));
  if (others.length === 0) return;
  const rows = [];
  for (const o of others) {
    try {
      const key = `${o.url} ${state.backend}`;
      if (!state.sessions.has(key)) {
        const bytes = new Uint8Array(await (await fetch(o.url)).arrayBuffer());
        state.sessions.set(key, createSession(bytes, state.backend));
      }
      const { output, ms } = await runOne(await state.sessions.get(key), m.spec, values);
      const { probs } = probabilities(output, o.info);
      const top = probs.indexOf(Math.max(...probs));
      rows.push([
        o.name,
        classNamesOf(o.info, probs.length)[top],
        probs[top].toFixed(4),
        ms.toFixed(2),
      ]);
    } catch (e) {
      rows.push([o.name, `error: ${e.message ?? e}`, "", ""]);
    }
  }
  const h = document.createElement("h3");
  h.textContent = "The other models with this input";
  box.append(h, table(rows, ["model", "answer", "probability", "ms"]));
}

function inputKey(spec) {
  return `${spec.type} ${spec.dims.join("x")} ${spec.kind}`;
}

// ---------------------------------------------------------------------------------------------
// Drawing

const pad = () => $("pad");

function clearPad() {
  const ctx = pad().getContext("2d");
  ctx.fillStyle = "black";
  ctx.fillRect(0, 0, pad().width, pad().height);
  const p = $("preview").getContext("2d");
  p.fillStyle = "black";
  p.fillRect(0, 0, $("preview").width, $("preview").height);
}

/**
 * The drawing as the model's pixels, the way MNIST was made: the ink's bounding box scaled to
 * fit 20/28 of the image (the whole image for small ones such as 8×8), then centred by its
 * centre of mass. Values 0-255, ink high.
 */
function padPixels(h, w) {
  const src = pad();
  const ctx = src.getContext("2d", { willReadFrequently: true });
  const { data } = ctx.getImageData(0, 0, src.width, src.height);
  let x0 = src.width, y0 = src.height, x1 = -1, y1 = -1;
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      if (data[(y * src.width + x) * 4] > 0) {
        x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
      }
    }
  }
  const out = new Float32Array(h * w);
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const inner = Math.min(h, w) >= 20 ? Math.min(h, w) * 20 / 28 : Math.min(h, w);
  const s = inner / Math.max(bw, bh);
  const small = new OffscreenCanvas(w, h);
  const sctx = small.getContext("2d", { willReadFrequently: true });
  const draw = (dx, dy) => {
    sctx.fillStyle = "black";
    sctx.fillRect(0, 0, w, h);
    sctx.imageSmoothingEnabled = true;
    sctx.imageSmoothingQuality = "high";
    sctx.drawImage(src, x0, y0, bw, bh, dx, dy, bw * s, bh * s);
    return sctx.getImageData(0, 0, w, h).data;
  };
  let px = draw((w - bw * s) / 2, (h - bh * s) / 2);
  let mass = 0, mx = 0, my = 0;
  for (let i = 0; i < h * w; i++) {
    mass += px[i * 4];
    mx += (i % w) * px[i * 4];
    my += Math.floor(i / w) * px[i * 4];
  }
  if (mass > 0) {
    const shiftX = (w - 1) / 2 - mx / mass, shiftY = (h - 1) / 2 - my / mass;
    px = draw((w - bw * s) / 2 + shiftX, (h - bh * s) / 2 + shiftY);
  }
  for (let i = 0; i < h * w; i++) out[i] = px[i * 4];
  const preview = $("preview").getContext("2d");
  preview.putImageData(new ImageData(px, w, h), 0, 0);
  return out;
}

function setUpPad() {
  let drawing = false, last = null;
  const at = (e) => {
    const r = pad().getBoundingClientRect();
    return [
      (e.clientX - r.left) * pad().width / r.width,
      (e.clientY - r.top) * pad().height / r.height,
    ];
  };
  pad().addEventListener("pointerdown", (e) => {
    drawing = true;
    last = at(e);
    pad().setPointerCapture(e.pointerId);
  });
  pad().addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const ctx = pad().getContext("2d");
    const spec = state.current?.spec;
    ctx.strokeStyle = "white";
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = spec && spec.h <= 8 ? 28 : 20;
    const p = at(e);
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...p);
    ctx.stroke();
    last = p;
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    const spec = state.current?.spec;
    if (spec?.kind === "grey") {
      state.pending = classify(padPixels(spec.h, spec.w), { others: true }).catch(showError);
    }
  };
  pad().addEventListener("pointerup", end);
  pad().addEventListener("pointercancel", end);
  $("clear").addEventListener("click", clearPad);
}

// ---------------------------------------------------------------------------------------------
// Start

function showError(e) {
  message(e.message ?? String(e), true);
  console.error(e);
}

async function setBackend(name) {
  if (name === "webgpu" && !navigator.gpu) throw new Error("this browser has no WebGPU");
  if (name !== "wasm" && name !== "webgpu") throw new Error(`unknown backend ${name}`);
  state.backend = name;
  $("backend").value = name;
  state.sessions.clear();
  const m = state.current;
  if (m) {
    m.session = await createSession(m.bytes, name);
    if (state.lastInput) await classify(state.lastInput);
  }
  return name;
}

/** Whether WebGPU can run here: `navigator.gpu` and an adapter. */
async function webgpuAdapter() {
  if (!navigator.gpu) return { available: false, reason: "navigator.gpu is absent" };
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) return { available: false, reason: "navigator.gpu gives no adapter" };
  const i = adapter.info ?? {};
  return {
    available: true,
    adapter: `${i.vendor ?? ""} ${i.architecture ?? ""} ${i.description ?? ""}`.trim(),
  };
}

async function start() {
  const threads = crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency ?? 1) : 1;
  ort.env.wasm.numThreads = threads;
  $("env").textContent = ` · cross-origin isolated: ${crossOriginIsolated ? "yes" : "no"}, ` +
    `${threads} WebAssembly thread${threads > 1 ? "s" : ""}`;
  if (navigator.gpu) {
    const o = document.createElement("option");
    o.value = "webgpu";
    o.textContent = "WebGPU";
    $("backend").append(o);
  }
  $("backend").addEventListener("change", (e) => setBackend(e.target.value).catch(showError));
  setUpPad();
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const file = e.dataTransfer?.files[0];
    if (file) openFile(file).catch(showError);
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => e.preventDefault());
  $("file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (file) openFile(file).catch(showError);
  });

  state.models = await (await fetch("/models.json")).json();
  // Read each listed model's header, to know which ones take the same input.
  for (const entry of state.models) {
    try {
      const bytes = new Uint8Array(await (await fetch(entry.url)).arrayBuffer());
      entry.info = readOnnxInfo(bytes);
      entry.inputKey = inputKey(inputSpec(entry.info));
    } catch (e) {
      entry.error = e.message;
    }
  }
  const list = $("models");
  list.replaceChildren();
  state.models.forEach((entry, i) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.url = entry.url;
    b.innerHTML = `${entry.name}<br><small></small>`;
    b.querySelector("small").textContent = entry.folder +
      (entry.info?.metadata.dataset ? ` · ${entry.info.metadata.dataset}` : "");
    b.addEventListener("click", () => openListed(i).catch(showError));
    li.append(b);
    list.append(li);
  });
  if (state.models.length === 0) {
    message("No exported models found under out/ (run `deno task notebooks`); drop an .onnx file.");
  } else {
    message(`${state.models.length} models. Pick one, or drop an .onnx file.`);
  }
}

/** The page's actions, for scripts: the browser test drives the page through these. */
globalThis.modelPage = {
  ready: start(),
  models: () =>
    state.models.map(({ name, folder, url, samples }) => ({ name, folder, url, samples })),
  open: (i) => openListed(i),
  openFile: (file) =>
    openFile(file).catch((e) => {
      showError(e);
      throw e;
    }),
  classify: (values) => classify(values),
  classifySample: (i) => classifySample(i),
  setBackend: (name) => setBackend(name),
  webgpuAdapter,
  settled: () => state.pending ?? Promise.resolve(),
  message: () => ({ text: $("message").textContent, error: $("message").className === "error" }),
  showError,
};
