// Tests of lib/plot: figures (SVG structure, PNG output), colormaps, projection, PNG encoding,
// and the progress reporter. References: matplotlib / NumPy / zlib values in
// tests/fixtures/plot/reference.json (made by tests/gen/plot_reference.py), hand-worked geometry,
// and resvg / DecompressionStream as independent decoders of what we encode.

import assert from "node:assert/strict";
import { DOMParser } from "linkedom";
import {
  colormap,
  confusionMatrixPlot,
  contourPlot,
  Figure,
  imageGrid,
  JUPYTER_DISPLAY,
  linePlot,
  panels,
  progress,
  type ProgressFrame,
  rasterize,
  scatter,
  TAB10,
  trainingCurves,
} from "../lib/plot/mod.ts";
import { camera, projectPoint } from "../lib/plot/projection.ts";
import { crc32, encodePng } from "../lib/plot/png_encode.ts";
import { sampleGrid } from "../lib/plot/contour.ts";
import { niceTicks } from "../lib/plot/layout.ts";
import { jupyterSink, terminalSink } from "../lib/plot/progress.ts";
import { Tensor } from "../lib/tensor/tensor.ts";

const REF = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/plot/reference.json", import.meta.url)),
);

// deno-lint-ignore no-explicit-any
type Node = any;

function parse(svg: string): Node {
  return new DOMParser().parseFromString(svg, "image/svg+xml");
}

function all(doc: Node, selector: string): Node[] {
  return [...doc.querySelectorAll(selector)];
}

function texts(doc: Node, selector = "text"): string[] {
  return all(doc, selector).map((t) => t.textContent);
}

/** An attribute of an element, or of its group when Plot set it there for all marks. */
function attr(el: Node, name: string): string | null {
  return el.getAttribute(name) ?? el.parentNode?.getAttribute(name) ?? null;
}

/** `translate(x,y)` of an element, as numbers. */
function translation(el: Node): [number, number] {
  const m = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(el.getAttribute("transform") ?? "");
  assert.ok(m, `no translate() on <${el.tagName}>`);
  return [Number(m[1]), Number(m[2])];
}

/** Pixel position of an axis tick label such as "0.5". */
function tickPosition(doc: Node, axis: "x" | "y", label: string): number {
  const tick = all(doc, `g[aria-label="${axis}-axis tick label"] text`)
    .find((t) => t.textContent === label);
  assert.ok(tick, `no ${axis} tick "${label}"`);
  const [x, y] = translation(tick);
  return axis === "x" ? x : y;
}

/** Points of an SVG path made of M/L commands. */
function pathPoints(d: string): [number, number][] {
  return [...d.matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** Width and height stored in a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
  const view = new DataView(png.buffer, png.byteOffset);
  return [view.getUint32(16), view.getUint32(20)];
}

/** RGB of the pixel at (x, y) of an RGBA raster. */
function pixel(r: { width: number; pixels: Uint8Array }, x: number, y: number): number[] {
  const o = (Math.round(y) * r.width + Math.round(x)) * 4;
  return [r.pixels[o], r.pixels[o + 1], r.pixels[o + 2]];
}

/** Count of pixels darker than `level` (all channels) inside a rectangle. */
function darkPixels(
  r: { width: number; pixels: Uint8Array },
  box: { x0: number; y0: number; x1: number; y1: number },
  level = 128,
): number {
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const [red, green, blue] = pixel(r, x, y);
      if (red < level && green < level && blue < level) n++;
    }
  }
  return n;
}

// ---------------------------------------------------------------- colours, ticks, geometry

Deno.test("colormap() matches matplotlib's gray, viridis, coolwarm, Blues and a reversed map", () => {
  for (const [name, expected] of Object.entries(REF.colormaps) as [string, number[][]][]) {
    const map = colormap(name);
    REF.colormap_t.forEach((t: number, i: number) => {
      const got = map(t);
      for (let k = 0; k < 3; k++) {
        assert.ok(
          Math.abs(got[k] - expected[i][k]) <= 3,
          `${name}(${t}) = ${got}, matplotlib ${expected[i]}`,
        );
      }
    });
  }
});

Deno.test("colormap() names the known maps when given an unknown one", () => {
  assert.throws(() => colormap("jet"), /unknown colormap "jet"; known: .*viridis/);
});

Deno.test("niceTicks() picks 1-2-5 steps as d3 does", () => {
  assert.deepEqual(niceTicks([0, 1], 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks([-5, 5], 5), [-4, -2, 0, 2, 4]);
  // Assignment 001's f on [-5, 5]^2 spans about -2.272 .. 84.240.
  assert.deepEqual(niceTicks([-2.272, 84.24], 5), [0, 20, 40, 60, 80]);
  assert.deepEqual(niceTicks([0.001, 0.0047], 5), [0.001, 0.002, 0.003, 0.004]);
  assert.deepEqual(niceTicks([0, 3], 3), [0, 1, 2, 3]);
});

Deno.test("sampleGrid() samples like np.linspace and f(*np.meshgrid(x, y))", () => {
  const m = REF.meshgrid;
  const f = (x: number, y: number) => x * x + y * y + x * (y + 2) + Math.cos(3 * x);
  const grid = sampleGrid("test", f, { xDomain: m.xDomain, yDomain: m.yDomain, grid: m.grid });
  grid.xs.forEach((v, i) => assert.ok(Math.abs(v - REF.linspace.values[i]) < 1e-12));
  const [nx, ny] = m.grid;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const want = m.zz[j][i];
      assert.ok(Math.abs(grid.values[j * nx + i] - want) < 1e-12 * Math.max(1, Math.abs(want)));
    }
  }
});

Deno.test("camera() with elevation 0, azimuth -90 looks along +y: x right, z up", () => {
  const cam = camera({ elevation: 0, azimuth: -90 });
  const p = projectPoint(cam, 2, 5, 3);
  assert.ok(Math.abs(p.sx - 2) < 1e-12 && Math.abs(p.sy - 3) < 1e-12);
  assert.ok(Math.abs(p.depth - -5) < 1e-12, "larger y is farther away");
});

Deno.test("camera() with elevation 90 looks down: x right, y up", () => {
  const p = projectPoint(camera({ elevation: 90, azimuth: -90 }), 2, 5, 3);
  assert.ok(
    Math.abs(p.sx - 2) < 1e-12 && Math.abs(p.sy - 5) < 1e-12 && Math.abs(p.depth - 3) < 1e-12,
  );
});

Deno.test("camera() is a right-handed orthonormal frame for any angles", () => {
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  for (const [elevation, azimuth] of [[30, -60], [10, 45], [-20, 200], [75, 0]]) {
    const { right: r, up: u, eye: e } = camera({ elevation, azimuth });
    for (const v of [r, u, e]) assert.ok(Math.abs(dot(v, v) - 1) < 1e-12);
    assert.ok(Math.abs(dot(r, u)) < 1e-12 && Math.abs(dot(r, e)) < 1e-12);
    const cross = [r[1] * u[2] - r[2] * u[1], r[2] * u[0] - r[0] * u[2], r[0] * u[1] - r[1] * u[0]];
    cross.forEach((c, k) => assert.ok(Math.abs(c - e[k]) < 1e-12, "right x up = eye"));
  }
});

// ---------------------------------------------------------------- PNG encoding

Deno.test("crc32() matches zlib.crc32", () => {
  for (const { bytes, crc32: want } of REF.crc32) assert.equal(crc32(new Uint8Array(bytes)), want);
});

Deno.test("encodePng() writes rows that inflate back to the pixels (Up filter undone)", async () => {
  const w = 3;
  const h = 4;
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
  const png = encodePng(rgb, { width: w, height: h });
  assert.deepEqual(pngSize(png), [w, h]);
  // Find the IDAT chunk and inflate it with the platform's zlib decoder.
  const view = new DataView(png.buffer);
  let off = 8;
  let idat = new Uint8Array(0);
  while (off < png.length) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    assert.equal(view.getUint32(off + 8 + len), crc32(png.subarray(off + 4, off + 8 + len)));
    if (type === "IDAT") idat = png.slice(off + 8, off + 8 + len);
    off += 12 + len;
  }
  const raw = new Uint8Array(
    await new Response(new Blob([idat]).stream().pipeThrough(new DecompressionStream("deflate")))
      .arrayBuffer(),
  );
  const stride = w * 3;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const v = raw[y * (stride + 1) + 1 + i];
      out[y * stride + i] = filter === 2 && y > 0 ? (v + out[(y - 1) * stride + i]) & 255 : v;
    }
  }
  assert.deepEqual(out, rgb);
});

Deno.test("encodePng() rejects a buffer of the wrong size, naming both sizes", () => {
  assert.throws(
    () => encodePng(new Uint8Array(5), { width: 2, height: 2 }),
    /5 bytes do not make a 2x2 RGB image \(12/,
  );
});

// ---------------------------------------------------------------- Figure

Deno.test("Figure shows as a PNG in Jupyter and saves .svg and .png", async () => {
  const fig = linePlot([1, 2, 3], { title: "Loss Curve", width: 300, height: 200 });
  const bundle = await fig[JUPYTER_DISPLAY]();
  // No SVG in the bundle: nbconvert's HTML export would pick it and strip it.
  assert.deepEqual(Object.keys(bundle).sort(), ["image/png", "text/plain"]);
  const png = Uint8Array.from(atob(bundle["image/png"]), (c) => c.charCodeAt(0));
  assert.deepEqual(pngSize(png), [300, 200], "one pixel per SVG unit");
  assert.deepEqual(png, await fig.png({ scale: 1 }));
  assert.equal(bundle["text/plain"], 'Figure 300x200 "Loss Curve"');
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  const dir = await Deno.makeTempDir();
  try {
    await fig.save(`${dir}/sub/loss.svg`);
    assert.equal(await Deno.readTextFile(`${dir}/sub/loss.svg`), fig.svg());
    await fig.save(`${dir}/loss.png`, { scale: 1.5 });
    assert.deepEqual(pngSize(await Deno.readFile(`${dir}/loss.png`)), [450, 300]);
    await assert.rejects(() => fig.save(`${dir}/loss.jpg`), /must end in \.svg or \.png/);
    await fig.show(); // outside Jupyter: a no-op that resolves
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PNG renders title and tick text with the bundled font (native and wasm resvg)", async () => {
  const fig = linePlot([1, 2, 3], { title: "TITLE TEXT", width: 400, height: 250 });
  for (const renderer of ["native", "wasm"] as const) {
    const r = await rasterize(fig.svg(), { scale: 1, renderer });
    assert.equal(r.width, 400);
    assert.equal(r.height, 250);
    // The title band (centred, top 30 px) has dark glyph pixels; its far left corner has none.
    const title = darkPixels(r, { x0: 120, y0: 5, x1: 280, y1: 28 });
    assert.ok(title > 100, `${renderer}: only ${title} dark pixels where the title is`);
    assert.equal(darkPixels(r, { x0: 0, y0: 0, x1: 20, y1: 28 }), 0);
    // Tick labels left of the plot area (x < 55) below the title.
    const ticks = darkPixels(r, { x0: 20, y0: 40, x1: 55, y1: 220 });
    assert.ok(ticks > 30, `${renderer}: only ${ticks} dark pixels where the y tick labels are`);
  }
});

Deno.test("every helper's SVG is well-formed XML that resvg parses (and resvg rejects bad XML)", async () => {
  await assert.rejects(() => rasterize('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>'));
  const figures = [
    linePlot({ "a < b & c": [1, 2] }, { title: 'quotes " and <tags>' }),
    scatter({ x: POINTS.x, y: POINTS.y, group: POINTS.group }),
    scatter({ x: POINTS.x, y: POINTS.y, z: POINTS.z, group: POINTS.group }, { scheme: "coolwarm" }),
    contourPlot((x, y) => x * y, { xDomain: [-1, 1], yDomain: [-1, 1], grid: 10, colorbar: true }),
    imageGrid(new Tensor(new Float64Array(2 * 8 * 8), [2, 8, 8]), { titles: ["a", "b"] }),
    confusionMatrixPlot([[1, 2], [3, 4]]),
    trainingCurves({ loss: [1, 0.5], acc: [0.5, 1] }),
  ];
  figures.push(panels(figures.slice(0, 3), { title: "all" }));
  for (const fig of figures) {
    const r = await rasterize(fig.svg(), { scale: 0.25 });
    assert.equal(r.width, Math.ceil(fig.width * 0.25));
  }
});

// ---------------------------------------------------------------- linePlot

Deno.test("linePlot() draws one line per series, markers, legend, labels and title", () => {
  const fig = linePlot(
    [
      { name: "Accuracy", x: [0, 10, 20], y: [0.1, 0.5, 0.9], color: "blue" },
      { name: "Loss", x: [0, 10, 20], y: [2, 1, 0.5], color: "red" },
      { name: "Learning Rate", x: [0, 10, 20], y: [1, 1, 1], color: "black" },
    ],
    {
      title: "Training Metrics over Epochs - SGD",
      xLabel: "Epochs",
      yLabel: "Value",
      markers: true,
    },
  );
  const doc = parse(fig.svg());
  const lines = all(doc, 'g[aria-label="line"] path');
  assert.equal(lines.length, 3);
  assert.deepEqual(lines.map((p) => attr(p, "stroke")), ["blue", "red", "black"]);
  assert.equal(all(doc, 'g[aria-label="dot"] circle').length, 9);
  assert.equal(texts(doc, '[aria-label="title"]')[0], "Training Metrics over Epochs - SGD");
  assert.deepEqual(texts(doc, 'g[aria-label="legend item"] text'), [
    "Accuracy",
    "Loss",
    "Learning Rate",
  ]);
  assert.ok(texts(doc, 'g[aria-label="x-axis label"] text').includes("Epochs"));
  assert.ok(texts(doc, 'g[aria-label="y-axis label"] text').includes("Value"));
});

Deno.test("linePlot() takes a plain list, a Float64Array, a Tensor and a record of series", () => {
  const count = (fig: Figure) => all(parse(fig.svg()), 'g[aria-label="line"] path').length;
  assert.equal(count(linePlot([3, 2, 1])), 1);
  assert.equal(count(linePlot(new Float64Array([3, 2, 1]))), 1);
  assert.equal(count(linePlot(new Tensor(new Float64Array([3, 2, 1, 0]), [4]))), 1);
  const doc = parse(linePlot({ train: [3, 2], test: [4, 3] }).svg());
  assert.equal(all(doc, 'g[aria-label="line"] path').length, 2);
  assert.deepEqual(all(doc, 'g[aria-label="line"] path').map((p) => attr(p, "stroke")), [
    TAB10[0],
    TAB10[1],
  ]);
  assert.deepEqual(texts(doc, 'g[aria-label="legend item"] text'), ["train", "test"]);
  // An unnamed series has no legend.
  assert.equal(all(parse(linePlot([1, 2]).svg()), 'g[aria-label="legend"]').length, 0);
});

Deno.test("linePlot() places points at the axis ticks of their values", () => {
  const doc = parse(linePlot([{ x: [0, 1, 2], y: [0, 10, 20] }], { width: 500 }).svg());
  const points = pathPoints(all(doc, 'g[aria-label="line"] path')[0].getAttribute("d"));
  assert.equal(points.length, 3);
  assert.ok(Math.abs(points[1][0] - tickPosition(doc, "x", "1.0")) < 0.01);
  assert.ok(Math.abs(points[1][1] - tickPosition(doc, "y", "10")) < 0.01);
});

Deno.test("linePlot() with logY leaves out values <= 0 and spaces decades evenly", () => {
  const doc = parse(linePlot([1, 10, 100, 0, 1000], { logY: true }).svg());
  const points = pathPoints(all(doc, 'g[aria-label="line"] path')[0].getAttribute("d"));
  assert.equal(points.length, 4);
  const gaps = [points[1][1] - points[0][1], points[2][1] - points[1][1]];
  assert.ok(Math.abs(gaps[0] - gaps[1]) < 0.01, `decades ${gaps[0]} and ${gaps[1]} px apart`);
});

Deno.test("linePlot() names the series and both lengths when x and y differ", () => {
  assert.throws(
    () => linePlot([{ name: "loss", x: [0, 1, 2], y: [1, 2] }]),
    /linePlot: series "loss" has 3 x values but 2 y values/,
  );
});

// ---------------------------------------------------------------- scatter

const POINTS = {
  x: [0, 1, 2, 3, 4, 5],
  y: [1, 0, 1, 0, 1, 0],
  z: [0, 0, 1, 1, 2, 2],
  group: [0, 1, 2, 3, 0, 1],
};

Deno.test("scatter() draws one dot per point, one colour per class, with a legend", () => {
  const doc = parse(
    scatter({ x: POINTS.x, y: POINTS.y, group: POINTS.group }, {
      title: "Scatter Plot of Training Data",
      xLabel: "Feature 1",
      yLabel: "Feature 2",
      edgeColor: "black",
    }).svg(),
  );
  const dots = all(doc, 'g[aria-label="dot"] circle');
  assert.equal(dots.length, 6);
  assert.deepEqual(
    dots.map((d) => d.getAttribute("fill")),
    [0, 1, 2, 3, 0, 1].map((g) => TAB10[g]),
  );
  assert.ok(dots.every((d) => attr(d, "stroke") === "black"));
  assert.deepEqual(texts(doc, 'g[aria-label="legend item"] text'), ["0", "1", "2", "3"]);
  assert.equal(texts(doc, '[aria-label="title"]')[0], "Scatter Plot of Training Data");
  assert.ok(texts(doc, 'g[aria-label="x-axis label"] text').includes("Feature 1"));
});

Deno.test("scatter() with a coolwarm scheme colours by value and draws a colour bar", () => {
  const doc = parse(
    scatter({ x: POINTS.x, y: POINTS.y, group: new Float64Array(POINTS.group) }, {
      scheme: "coolwarm",
      colorLabel: "Class",
    }).svg(),
  );
  const want = (g: number) => {
    const [r, gr, b] = colormap("coolwarm")(g / 3);
    return `rgb(${r},${gr},${b})`;
  };
  assert.deepEqual(
    all(doc, 'g[aria-label="dot"] circle').map((d) => d.getAttribute("fill")),
    POINTS.group.map(want),
  );
  const bar = doc.querySelector('g[aria-label="colorbar"]');
  assert.ok(bar, "colour bar");
  assert.deepEqual(texts(bar), ["0", "1", "2", "3", "Class"]);
});

Deno.test("scatter() with z draws a 3-D scatter: dots far to near, axis labels", () => {
  const view = { elevation: 30, azimuth: -60 };
  const doc = parse(
    scatter({ x: POINTS.x, y: POINTS.y, z: new Tensor(new Float64Array(POINTS.z), [6]) }, {
      ...view,
      xLabel: "Feature 1",
      yLabel: "Feature 2",
      zLabel: "Feature 3",
    }).svg(),
  );
  const circles = all(doc, 'g[aria-label="dot"] circle');
  assert.equal(circles.length, 6);
  const labels = texts(doc);
  for (const l of ["Feature 1", "Feature 2", "Feature 3"]) assert.ok(labels.includes(l), l);
  // Each axis is scaled to the box by its own range; project with the (separately tested)
  // camera. Dots must come far to near, and their screen x must follow the projection.
  const cam = camera(view);
  const unit = (v: number[]) =>
    v.map((a) => (a - Math.min(...v)) / (Math.max(...v) - Math.min(...v)));
  const [ux, uy, uz] = [unit(POINTS.x), unit(POINTS.y), unit(POINTS.z)];
  const proj = ux.map((_, i) => projectPoint(cam, ux[i], uy[i], uz[i]));
  const order = [...proj.keys()].sort((a, b) => proj[a].depth - proj[b].depth);
  const expectedX = order.map((i) => proj[i].sx);
  const drawnX = circles.map((c) => Number(c.getAttribute("cx") ?? translation(c)[0]));
  const rank = (v: number[]) => v.map((a) => v.filter((b) => b < a).length);
  assert.deepEqual(rank(drawnX), rank(expectedX));
});

Deno.test("scatter() rejects coordinates of different lengths", () => {
  assert.throws(() => scatter({ x: [1, 2], y: [1] }), /coordinates differ in length: x 2, y 1/);
});

// ---------------------------------------------------------------- contourPlot

Deno.test("contourPlot() draws filled bands, matching contour lines and the path on top", () => {
  const f = (x: number, y: number) => x * x + y * y + x * (y + 2) + Math.cos(3 * x);
  const path = { x: [3, 2.12, 1.4], y: [2, 1.3, 0.8] };
  const doc = parse(
    contourPlot(f, {
      xDomain: [-5, 5],
      yDomain: [-5, 5],
      grid: 50,
      levels: [0, 10, 20, 40, 60, 80],
      path,
      xLabel: "x",
      yLabel: "y",
      title: "f",
    }).svg(),
  );
  const [filled, lines] = all(doc, 'g[aria-label="contour"]');
  assert.equal(all(filled, "path").length, 6);
  assert.equal(all(lines, "path").length, 6);
  assert.ok(all(filled, "path").every((p) => p.getAttribute("fill")?.startsWith("rgb(")));
  assert.equal(all(doc, 'g[aria-label="line"] path').length, 1);
  assert.equal(all(doc, 'g[aria-label="dot"] circle').length, 3);
  assert.ok(texts(doc, 'g[aria-label="x-axis label"] text').includes("x"));
});

Deno.test("contourPlot() puts the level x = 0.5 of f(x, y) = x on a vertical line at x = 0.5", () => {
  for (const axis of ["x", "y"] as const) {
    const f = axis === "x" ? (x: number) => x : (_: number, y: number) => y;
    const doc = parse(
      contourPlot(f, { xDomain: [0, 1], yDomain: [0, 1], grid: 5, levels: [0.25, 0.5, 0.75] })
        .svg(),
    );
    const lines = all(doc, 'g[aria-label="contour"]')[1];
    const points = pathPoints(all(lines, "path")[1].getAttribute("d"));
    const at = tickPosition(doc, axis, "0.5");
    const k = axis === "x" ? 0 : 1;
    const onLevel = points.filter((p) => Math.abs(p[k] - at) < 0.01);
    // The level runs across the whole plot: from the tick of 0.0 to the tick of 1.0.
    const other = axis === "x" ? "y" : "x";
    const span = onLevel.map((p) => p[1 - k]);
    assert.ok(
      Math.min(...span) <=
        Math.min(tickPosition(doc, other, "0.0"), tickPosition(doc, other, "1.0")) + 0.01,
    );
    assert.ok(
      Math.max(...span) >=
        Math.max(tickPosition(doc, other, "0.0"), tickPosition(doc, other, "1.0")) - 0.01,
    );
  }
});

Deno.test("contourPlot() reads a grid of values and asks for domains with a function", () => {
  const grid = new Tensor(new Float64Array([0, 1, 2, 1, 2, 3, 2, 3, 4]), [3, 3]);
  const doc = parse(contourPlot(grid, { levels: [1, 2, 3] }).svg());
  assert.equal(all(all(doc, 'g[aria-label="contour"]')[0], "path").length, 3);
  assert.throws(() => contourPlot((x) => x), /needs xDomain and yDomain/);
});

// ---------------------------------------------------------------- imageGrid

Deno.test("imageGrid() draws each image with its title, pixels as given", async () => {
  // Two 2x2 grayscale images; the second is the first's negative.
  const images = new Tensor(new Float64Array([0, 1, 2, 3, 3, 2, 1, 0]), [2, 2, 2]);
  const fig = imageGrid(images, { titles: ["label 3", "label 5"], scale: 10 });
  const doc = parse(fig.svg());
  const imgs = all(doc, "image");
  assert.equal(imgs.length, 2);
  assert.deepEqual(texts(doc), ["label 3", "label 5"]);
  const r = await rasterize(fig.svg(), { scale: 1 });
  const x = Number(imgs[0].getAttribute("x"));
  const y = Number(imgs[0].getAttribute("y"));
  // imshow's default scaling: min black, max white; 1 and 2 at 1/3 and 2/3 grey.
  assert.deepEqual(pixel(r, x + 5, y + 5), [0, 0, 0]);
  assert.deepEqual(pixel(r, x + 15, y + 5), [85, 85, 85]);
  assert.deepEqual(pixel(r, x + 5, y + 15), [170, 170, 170]);
  assert.deepEqual(pixel(r, x + 15, y + 15), [255, 255, 255]);
  const x2 = Number(imgs[1].getAttribute("x"));
  assert.deepEqual(pixel(r, x2 + 5, y + 5), [255, 255, 255]);
});

Deno.test("imageGrid() reads RGB images channels-first (CIFAR) and channels-last", async () => {
  // One 2x2 image, red on the top row, blue on the bottom row, values in 0..255.
  const hwc = [255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255];
  const chw = [255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255];
  for (
    const [data, shape, channels] of [
      [hwc, [1, 2, 2, 3], "last"],
      [chw, [1, 3, 2, 2], "first"],
    ] as const
  ) {
    const fig = imageGrid(new Tensor(new Float64Array(data), shape), { channels, scale: 10 });
    const img = all(parse(fig.svg()), "image")[0];
    const x = Number(img.getAttribute("x"));
    const y = Number(img.getAttribute("y"));
    const r = await rasterize(fig.svg(), { scale: 1 });
    assert.deepEqual(pixel(r, x + 5, y + 5), [255, 0, 0], `${channels}: top row red`);
    assert.deepEqual(pixel(r, x + 15, y + 15), [0, 0, 255], `${channels}: bottom row blue`);
  }
});

Deno.test("imageGrid() takes flat rows with imageShape, nested arrays, and wraps columns", () => {
  const rows = new Tensor(new Float64Array(6 * 64), [6, 64]);
  const doc = parse(imageGrid(rows, { imageShape: [8, 8], columns: 4 }).svg());
  const imgs = all(doc, "image");
  assert.equal(imgs.length, 6);
  const ys = new Set(imgs.map((i) => i.getAttribute("y")));
  assert.equal(ys.size, 2, "two rows of images");
  assert.equal(all(parse(imageGrid([[0, 1], [1, 0]]).svg()), "image").length, 1);
  assert.throws(() => imageGrid([new Tensor(new Float64Array(4), [4])]), /imageShape/);
});

// ---------------------------------------------------------------- confusionMatrixPlot

Deno.test("confusionMatrixPlot() draws k*k cells with counts: rows true, columns predicted", () => {
  const cm = [[50, 2, 0], [7, 40, 3], [1, 0, 45]];
  const doc = parse(
    confusionMatrixPlot(cm, { labels: ["cat", "dog", "fox"], title: "Test set" }).svg(),
  );
  assert.equal(all(doc, 'g[aria-label="cell"] rect').length, 9);
  const cells = all(doc, 'g[aria-label="text"] text');
  assert.equal(cells.length, 9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const x = tickPosition(doc, "x", ["cat", "dog", "fox"][j]);
      const y = tickPosition(doc, "y", ["cat", "dog", "fox"][i]);
      const cell = cells.find((c) => {
        const [cx, cy] = translation(c);
        return Math.abs(cx - x) < 1 && Math.abs(cy - y) < 1;
      });
      assert.equal(cell?.textContent, String(cm[i][j]), `row ${i} (true), column ${j} (predicted)`);
    }
  }
  assert.ok(texts(doc, 'g[aria-label="x-axis label"] text').includes("Predicted label"));
  assert.ok(texts(doc, 'g[aria-label="y-axis label"] text').includes("True label"));
  // The darkest cells (the diagonal) carry white text.
  const white = cells.filter((c) => c.parentNode.getAttribute("fill") === "white");
  assert.deepEqual(white.map((c) => c.textContent).sort(), ["40", "45", "50"]);
});

Deno.test("confusionMatrixPlot() rejects a non-square matrix and mismatched labels", () => {
  assert.throws(
    () => confusionMatrixPlot([[1, 2, 3], [4, 5, 6]]),
    /expected a square matrix, got 2x3/,
  );
  assert.throws(() => confusionMatrixPlot([[1]], { labels: ["a", "b"] }), /2 labels for a 1x1/);
});

// ---------------------------------------------------------------- panels, trainingCurves

Deno.test("panels() lays figures out in a grid under an overall title", () => {
  const a = linePlot([1, 2], { width: 300, height: 200, title: "A" });
  const b = linePlot([2, 1], { width: 200, height: 150, title: "B" });
  const c = linePlot([1, 1], { width: 300, height: 200, title: "C" });
  const grid = panels([a, b, c], { columns: 2, title: "All", gap: 10 });
  assert.equal(grid.width, 300 + 10 + 200);
  assert.equal(grid.height, 34 + 200 + 10 + 200);
  const doc = parse(grid.svg());
  assert.deepEqual(texts(doc, '[aria-label="title"]'), ["All", "A", "B", "C"]);
  assert.throws(() => panels([]), /no figures/);
});

Deno.test("trainingCurves() puts loss and accuracy, train and test, in two panels", () => {
  const fig = trainingCurves({
    trainLoss: [0.9, 0.5, 0.3],
    testLoss: [1.0, 0.6, 0.45],
    train_acc: [0.6, 0.8, 0.9],
    test_acc: [0.55, 0.75, 0.85],
  }, { title: "R1", x: [1, 2, 3] });
  const doc = parse(fig.svg());
  assert.deepEqual(texts(doc, '[aria-label="title"]'), ["R1", "Loss", "Accuracy"]);
  assert.equal(all(doc, 'g[aria-label="line"] path').length, 4);
  assert.deepEqual(texts(doc, 'g[aria-label="legend item"] text'), [
    "train",
    "test",
    "train",
    "test",
  ]);
  const panelsOf = trainingCurves({
    "BCE loss": { train: [1, 0.5] },
    Accuracy: { train: [0.5, 1] },
  });
  assert.deepEqual(texts(parse(panelsOf.svg()), '[aria-label="title"]'), ["BCE loss", "Accuracy"]);
});

// ---------------------------------------------------------------- progress

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

Deno.test("progress() sends throttled frames with metrics and time left to a sink", () => {
  const frames: ProgressFrame[] = [];
  const clock = fakeClock();
  const bar = progress(4, {
    sink: { write: (f) => frames.push(f) },
    now: clock.now,
    minIntervalMs: 1000,
    barWidth: 8,
  });
  clock.advance(5000);
  bar.update(1, { loss: 0.5 });
  clock.advance(500);
  bar.update(2, { loss: 0.25, acc: 0.9 }); // within 1 s of the last frame: not shown
  clock.advance(9500);
  bar.update(3, { loss: 0.125 });
  clock.advance(5000);
  bar.update(4, { loss: 0.0625 });
  bar.update(4, { loss: 1 }); // after the end: ignored
  bar.done();
  assert.deepEqual(frames.map((f) => f.step), [1, 3, 4]);
  assert.deepEqual(frames.map((f) => f.final), [false, false, true]);
  assert.equal(frames[0].remainingSeconds, 15); // 5 s per step, 3 steps left
  assert.equal(frames[1].remainingSeconds, 5);
  assert.deepEqual(frames[1].metrics, { loss: 0.125, acc: 0.9 });
  assert.equal(
    frames[1].text,
    "epoch 3/4 [######..]  75%  loss 0.1250  acc 0.9000  (00:15 elapsed, 00:05 left)",
  );
  assert.equal(
    frames[2].text,
    "epoch 4/4 [########] 100%  loss 0.0625  acc 0.9000  (00:20 elapsed)",
  );
  assert.match(frames[2].html, /<progress value="4" max="4"/);
});

Deno.test("progress() with mode off shows nothing, and done() is shown once", () => {
  assert.equal(progress(3, { mode: "off" }).enabled, false);
  const frames: ProgressFrame[] = [];
  const bar = progress(3, { sink: { write: (f) => frames.push(f) }, label: "batch" });
  bar.done({ loss: 1 });
  bar.done();
  assert.equal(frames.length, 1);
  assert.match(frames[0].text, /^batch 0\/3 /);
  assert.throws(() => progress(0), /total must be a positive integer, got 0/);
});

Deno.test("the Jupyter sink displays once, then updates the same display id", () => {
  const calls: [string, Record<string, unknown>][] = [];
  const sink = jupyterSink({
    broadcast: (type, content) => {
      calls.push([type, content]);
      return Promise.resolve();
    },
  });
  const bar = progress(2, { sink, minIntervalMs: 0 });
  bar.update(1, { loss: 1 });
  bar.update(2, { loss: 0.5 });
  assert.deepEqual(calls.map(([t]) => t), ["display_data", "update_display_data"]);
  const ids = calls.map(([, c]) => (c.transient as { display_id: string }).display_id);
  assert.equal(ids[0], ids[1]);
  const data = calls[1][1].data as Record<string, string>;
  assert.match(data["text/plain"], /^epoch 2\/2 .*loss 0\.5000/);
  assert.match(data["text/html"], /<progress value="2" max="2"/);
});

Deno.test("the terminal sink rewrites one line and ends it on the final frame", () => {
  const out: string[] = [];
  const decoder = new TextDecoder();
  const sink = terminalSink((bytes) => out.push(decoder.decode(bytes)));
  const bar = progress(2, { sink, minIntervalMs: 0, barWidth: 4 });
  bar.update(1);
  bar.update(2);
  assert.equal(out.length, 2);
  assert.ok(out[0].startsWith("\repoch 1/2 [##..]  50%") && out[0].endsWith("\x1b[K"));
  assert.ok(out[1].startsWith("\repoch 2/2 [####] 100%") && out[1].endsWith("\x1b[K\n"));
});
