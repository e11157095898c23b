/**
 * Filled contour plots of f(x, y) with contour lines and an optional path drawn on top: the
 * gradient-descent pictures (`plt.contourf` + `plt.contour` + `plt.plot(x_hist, y_hist, '.-')`).
 *
 * @module
 */

import { Plot } from "./deps.ts";
import { cssInterpolator } from "./colors.ts";
import type { Figure } from "./figure.ts";
import { extent, type PlotMatrix, type PlotNumbers, toNumbers, toRows } from "./inputs.ts";
import { type CommonPlotOptions, frame } from "./layout.ts";
import { axis } from "./line.ts";
import { renderPlot } from "./svg.ts";

/** A path of points: `{x, y}` lists or a list of `[x, y]` pairs. */
export type PathInput = { x: PlotNumbers; y: PlotNumbers } | readonly (readonly [number, number])[];

/** Options of `contourPlot`. */
export interface ContourOptions extends CommonPlotOptions {
  /** x range sampled (needed when `f` is a function; default `[0, columns-1]` for a grid). */
  xDomain?: [number, number];
  /** y range sampled (needed when `f` is a function; default `[0, rows-1]` for a grid). */
  yDomain?: [number, number];
  /** Samples per axis, or `[nx, ny]`: `np.linspace(lo, hi, grid)`. Default 50 (NumPy's default). */
  grid?: number | [number, number];
  /** Number of levels (rounded to nice values) or the level values. Default 10. */
  levels?: number | readonly number[];
  /** Colormap of the filled bands. Default `"viridis"` (matplotlib's default). */
  colormap?: string;
  /** Draw contour lines over the bands. Default true. */
  lines?: boolean;
  /** Opacity of the contour lines (black). Default 0.2, as the assignment's `alpha=0.2`. */
  lineOpacity?: number;
  /** Points drawn on top, joined by a line (`'.-'`). */
  path?: PathInput;
  /** Colour of the path. Default `"red"`. */
  pathColor?: string;
  /** Show a colour bar of f's values. Default false (`contourf` has none unless asked). */
  colorbar?: boolean;
}

/** `n` evenly spaced values from `lo` to `hi` inclusive, as `np.linspace`. */
function linspace(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

interface Grid {
  /** Row-major values, row j at y[j], column i at x[i] (`zz` of `np.meshgrid`). */
  values: number[];
  xs: number[];
  ys: number[];
}

/** Samples f on the grid (as `zz = f(*np.meshgrid(x, y))`), or reads a given grid. */
export function sampleGrid(
  op: string,
  f: ((x: number, y: number) => number) | PlotMatrix,
  options: ContourOptions,
): Grid {
  if (typeof f === "function") {
    if (!options.xDomain || !options.yDomain) {
      throw new RangeError(`${op}: a function needs xDomain and yDomain, e.g. [-5, 5]`);
    }
    const [nx, ny] = Array.isArray(options.grid)
      ? options.grid
      : [options.grid ?? 50, options.grid ?? 50];
    if (!(nx >= 2 && ny >= 2)) {
      throw new RangeError(`${op}: grid must be at least 2 samples per axis, got [${nx},${ny}]`);
    }
    const xs = linspace(options.xDomain[0], options.xDomain[1], nx);
    const ys = linspace(options.yDomain[0], options.yDomain[1], ny);
    const values = new Array<number>(nx * ny);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) values[j * nx + i] = f(xs[i], ys[j]);
    }
    return { values, xs, ys };
  }
  const rows = toRows(op, f);
  const ny = rows.length;
  const nx = ny > 0 ? rows[0].length : 0;
  if (nx < 2 || ny < 2) {
    throw new RangeError(`${op}: a grid needs at least 2x2 values, got ${ny}x${nx}`);
  }
  const xs = linspace(options.xDomain?.[0] ?? 0, options.xDomain?.[1] ?? nx - 1, nx);
  const ys = linspace(options.yDomain?.[0] ?? 0, options.yDomain?.[1] ?? ny - 1, ny);
  return { values: rows.flat(), xs, ys };
}

function pathRows(op: string, path: PathInput): { x: number; y: number }[] {
  if (Array.isArray(path)) return path.map(([x, y]) => ({ x, y }));
  const p = path as { x: PlotNumbers; y: PlotNumbers };
  const xs = toNumbers(op, p.x);
  const ys = toNumbers(op, p.y);
  if (xs.length !== ys.length) {
    throw new RangeError(`${op}: path has ${xs.length} x values but ${ys.length} y values`);
  }
  return xs.map((x, i) => ({ x, y: ys[i] }));
}

/**
 * Filled contours of `f` (a function sampled on a grid, or a grid of values, rows along y) with
 * faint contour lines and an optional path of points on top.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { contourPlot } from "@dlfs/deno-dl/plot";
 *
 * const f = (x: number, y: number) => x * x + 2 * y * y;
 * const fig = contourPlot((x, y) => f(x, y), {
 *   xDomain: [-5, 5], yDomain: [-5, 5], grid: 50, levels: 20,
 *   path: { x: [4, 2, 1, 0.5], y: [4, 1, 0.3, 0.1] }, xLabel: "x", yLabel: "y",
 * });
 * assert.match(fig.svg(), /^<svg/);
 * ```
 */
export function contourPlot(
  f: ((x: number, y: number) => number) | PlotMatrix,
  options: ContourOptions = {},
): Figure {
  const op = "contourPlot";
  const { values, xs, ys } = sampleGrid(op, f, options);
  const nx = xs.length;
  const ny = ys.length;
  // Plot's contour treats the grid as pixels whose centres are the samples, so the raster
  // reaches half a step beyond the first and last sample; the axes stop at the samples.
  const dx = (xs[nx - 1] - xs[0]) / (nx - 1);
  const dy = (ys[ny - 1] - ys[0]) / (ny - 1);
  const raster = {
    width: nx,
    height: ny,
    x1: xs[0] - dx / 2,
    x2: xs[nx - 1] + dx / 2,
    y1: ys[0] - dy / 2,
    y2: ys[ny - 1] + dy / 2,
  };
  const thresholds = options.levels === undefined
    ? 10
    : typeof options.levels === "number"
    ? options.levels
    : [...options.levels];
  const interpolate = cssInterpolator(options.colormap ?? "viridis");
  const marks: Plot.Markish[] = [
    Plot.contour(values, { ...raster, fill: Plot.identity, thresholds, clip: true }),
  ];
  if (options.lines ?? true) {
    marks.push(
      Plot.contour(values, {
        ...raster,
        thresholds,
        fill: "none",
        stroke: "black",
        strokeOpacity: options.lineOpacity ?? 0.2,
        clip: true,
      }),
    );
  }
  if (options.path) {
    const rows = pathRows(op, options.path);
    const color = options.pathColor ?? "red";
    marks.push(
      Plot.line(rows, { x: "x", y: "y", stroke: color, strokeWidth: 1.5 }),
      Plot.dot(rows, { x: "x", y: "y", fill: color, r: 3 }),
    );
  }
  return frame(
    {
      width: options.width ?? 640,
      height: options.height ?? 450,
      title: options.title,
      colorbar: options.colorbar
        ? { interpolate, domain: extent(values), label: undefined }
        : undefined,
    },
    (width, height) =>
      renderPlot({
        width,
        height,
        marginLeft: 50,
        marginBottom: 45,
        marginRight: 15,
        x: axis(options.xLabel, { domain: [xs[0], xs[nx - 1]] }),
        y: axis(options.yLabel, { domain: [ys[0], ys[ny - 1]] }),
        color: { type: "linear", interpolate },
        marks,
      }),
  );
}
