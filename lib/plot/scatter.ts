/**
 * Scatter plots coloured by class, in 2-D or (through a projection) 3-D, as `plt.scatter` and
 * `Axes3D.scatter` draw the assignments' synthetic data sets.
 *
 * @module
 */

import { Plot } from "./deps.ts";
import { colormap, cssInterpolator, rgbString, TAB10 } from "./colors.ts";
import type { Figure } from "./figure.ts";
import { extent, type PlotNumbers, toNumbers } from "./inputs.ts";
import {
  type ColorbarSpec,
  type CommonPlotOptions,
  formatTick,
  frame,
  type LegendItem,
  niceTicks,
} from "./layout.ts";
import { axis } from "./line.ts";
import { camera, projectPoint, type ViewAngles } from "./projection.ts";
import { type Block, renderPlot } from "./svg.ts";

/** The points of a scatter plot: coordinates and an optional class per point. */
export interface ScatterData {
  /** Horizontal coordinates. */
  x: PlotNumbers;
  /** Vertical coordinates. */
  y: PlotNumbers;
  /** Third coordinate: given, the plot is 3-D. */
  z?: PlotNumbers;
  /** Class (or any value) per point, used for the colour. */
  group?: PlotNumbers | readonly (string | number)[];
}

/** Options of `scatter`. */
export interface ScatterOptions extends CommonPlotOptions, ViewAngles {
  /** Label of the z axis (3-D). */
  zLabel?: string;
  /**
   * How groups map to colours: `"category"` (matplotlib's tab10, one colour per class, with a
   * legend; the default) or a continuous colormap name such as `"coolwarm"` or `"viridis"`
   * (with a colour bar), as `plt.scatter(..., c=y, cmap="coolwarm")`.
   */
  scheme?: string;
  /** Explicit colours per class (category scheme), in sorted class order. */
  colors?: readonly string[];
  /** Names shown in the legend for the sorted classes (default: the class values). */
  groupNames?: readonly string[];
  /** Outline colour of the dots (`edgecolor='k'` is `"black"`). Default none. */
  edgeColor?: string;
  /** Dot radius in pixels (matplotlib's `s=100` is about 6). Default 4. */
  size?: number;
  /** Dot opacity. Default 1. */
  opacity?: number;
  /** Label of the colour bar (continuous schemes), e.g. `"Class"`. */
  colorLabel?: string;
  /** Show the legend or colour bar. Default true when there are groups. */
  legend?: boolean;
}

interface Point {
  x: number;
  y: number;
  z: number;
  color: string;
}

interface Colouring {
  colors: string[];
  legend?: LegendItem[];
  colorbar?: ColorbarSpec;
}

/** Colours per point, and the legend or colour bar that explains them. */
function colourPoints(
  op: string,
  data: ScatterData,
  n: number,
  options: ScatterOptions,
): Colouring {
  const plain = options.colors?.[0] ?? TAB10[0];
  if (data.group === undefined) return { colors: new Array(n).fill(plain) };
  const groups = Array.isArray(data.group)
    ? [...data.group]
    : toNumbers(op, data.group as PlotNumbers);
  if (groups.length !== n) {
    throw new RangeError(`${op}: ${n} points but ${groups.length} group values`);
  }
  const scheme = options.scheme ?? "category";
  if (scheme !== "category") {
    const values = groups.map(Number);
    const [lo, hi] = extent(values);
    const map = colormap(scheme);
    const t = (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    const integerTicks = distinct.length <= 10 && distinct.every(Number.isInteger);
    return {
      colors: values.map((v) => rgbString(map(t(v)))),
      colorbar: {
        interpolate: cssInterpolator(scheme),
        domain: [lo, hi],
        ticks: integerTicks ? distinct : undefined,
        label: options.colorLabel,
      },
    };
  }
  const classes = [...new Set(groups)].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b))
  );
  const palette = options.colors ?? TAB10;
  const colorOf = new Map(classes.map((c, i) => [c, palette[i % palette.length]]));
  return {
    colors: groups.map((g) => colorOf.get(g)!),
    legend: classes.map((c, i) => ({
      label: options.groupNames?.[i] ?? String(c),
      color: colorOf.get(c)!,
      shape: "dot" as const,
      stroke: options.edgeColor,
    })),
  };
}

/**
 * Scatter plot of points coloured by class. With `z`, a 3-D scatter seen from `elevation` and
 * `azimuth` (matplotlib's defaults 30 and -60), drawn with its axis box, ticks and labels.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { scatter } from "@dlfs/deno-dl/plot";
 *
 * const fig = scatter({ x: [0, 1, 2, 3], y: [1, 0, 1, 0], z: [0, 1, 0, 1], group: [0, 1, 1, 0] }, {
 *   title: "3D Scatter Plot of Synthetic Data", scheme: "coolwarm", edgeColor: "black",
 *   size: 6, colorLabel: "Class", xLabel: "Feature 1", yLabel: "Feature 2", zLabel: "Feature 3",
 * });
 * assert.match(fig.svg(), /3D Scatter Plot of Synthetic Data/);
 * ```
 */
export function scatter(data: ScatterData, options: ScatterOptions = {}): Figure {
  const op = "scatter";
  const xs = toNumbers(op, data.x);
  const ys = toNumbers(op, data.y);
  const zs = data.z === undefined ? null : toNumbers(op, data.z);
  if (ys.length !== xs.length || (zs && zs.length !== xs.length)) {
    throw new RangeError(
      `${op}: coordinates differ in length: x ${xs.length}, y ${ys.length}` +
        (zs ? `, z ${zs.length}` : ""),
    );
  }
  const colouring = colourPoints(op, data, xs.length, options);
  const points: Point[] = xs.map((x, i) => ({
    x,
    y: ys[i],
    z: zs ? zs[i] : 0,
    color: colouring.colors[i],
  }));
  const showKey = options.legend ?? true;
  return frame(
    {
      width: options.width ?? (zs ? 600 : 560),
      height: options.height ?? (zs ? 520 : 440),
      title: options.title,
      legend: showKey ? colouring.legend : undefined,
      colorbar: showKey ? colouring.colorbar : undefined,
    },
    (width, height) =>
      zs ? scatter3d(points, width, height, options) : scatter2d(points, width, height, options),
  );
}

function dotOptions(options: ScatterOptions): Record<string, unknown> {
  return {
    fill: "color",
    stroke: options.edgeColor,
    strokeWidth: options.edgeColor ? 0.8 : undefined,
    r: options.size ?? 4,
    fillOpacity: options.opacity,
  };
}

function scatter2d(points: Point[], width: number, height: number, options: ScatterOptions): Block {
  return renderPlot({
    width,
    height,
    marginLeft: 60,
    marginBottom: 45,
    marginRight: 20,
    grid: true,
    x: axis(options.xLabel, { inset: 8 }),
    y: axis(options.yLabel, { inset: 8 }),
    color: { type: "identity" },
    marks: [Plot.dot(points, { x: "x", y: "y", ...dotOptions(options) })],
  });
}

interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface Label {
  x: number;
  y: number;
  text: string;
  size: number;
}

/** Maps data values to [-1, 1] over their range (a 5% margin each side, as matplotlib). */
function normaliser(values: number[]): { lo: number; hi: number; f: (v: number) => number } {
  const [a, b] = extent(values);
  const pad = (b - a || 1) * 0.05;
  const lo = a - pad;
  const hi = b + pad;
  return { lo, hi, f: (v: number) => ((v - lo) / (hi - lo)) * 2 - 1 };
}

/**
 * The 3-D scene: back panes with grid lines, tick labels on three edges, axis labels, and the
 * points painted far to near so nearer dots cover farther ones.
 */
function scatter3d(points: Point[], width: number, height: number, options: ScatterOptions): Block {
  const cam = camera(options);
  const axes = [
    normaliser(points.map((p) => p.x)),
    normaliser(points.map((p) => p.y)),
    normaliser(points.map((p) => p.z)),
  ];
  const proj = (v: [number, number, number]) => projectPoint(cam, v[0], v[1], v[2]);
  // Far side of the box along each axis: the panes we look at from inside.
  const far = cam.eye.map((e) => (e >= 0 ? -1 : 1));
  const panes: { x: number; y: number; pane: number }[] = [];
  const grid: Segment[] = [];
  const ticks: Label[] = [];
  const titles: Label[] = [];
  const labels = [options.xLabel, options.yLabel, options.zLabel];

  for (let a = 0; a < 3; a++) {
    // Pane perpendicular to axis a, on its far side: a square in the other two axes.
    const [b, c] = [(a + 1) % 3, (a + 2) % 3];
    for (const [sb, sc] of [[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]]) {
      const v: [number, number, number] = [0, 0, 0];
      v[a] = far[a];
      v[b] = sb;
      v[c] = sc;
      const p = proj(v);
      panes.push({ x: p.sx, y: p.sy, pane: a });
    }
  }

  for (let a = 0; a < 3; a++) {
    const { lo, hi, f } = axes[a];
    // The edge carrying axis a's ticks: on the floor (z far side) at the near side of the other
    // horizontal axis; the z axis goes up the leftmost vertical edge.
    const edge: [number, number, number] = [0, 0, 0];
    if (a < 2) {
      const other = 1 - a;
      edge[other] = -far[other];
      edge[2] = far[2];
    } else {
      let best = Infinity;
      for (const [ex, ey] of [[-1, -1], [-1, 1], [1, -1], [1, 1]]) {
        const sx = proj([ex, ey, 0]).sx;
        if (sx < best) [best, edge[0], edge[1]] = [sx, ex, ey];
      }
    }
    const mid = proj(edge);
    // Seen end-on (e.g. elevation 0 hides the depth axis) an axis has no room for ticks.
    const direction: [number, number, number] = [0, 0, 0];
    direction[a] = 1;
    const step = proj(direction);
    if (Math.hypot(step.sx, step.sy) < 0.2) continue;
    const norm = Math.hypot(mid.sx, mid.sy) || 1;
    const out = { x: mid.sx / norm, y: mid.sy / norm };
    for (const t of niceTicks([lo, hi], 5)) {
      const u = f(t);
      if (u < -1 || u > 1) continue;
      // Grid lines on the two panes that contain this axis direction.
      for (let pane = 0; pane < 3; pane++) {
        if (pane === a) continue;
        const third = 3 - a - pane;
        const p1: [number, number, number] = [0, 0, 0];
        const p2: [number, number, number] = [0, 0, 0];
        p1[a] = p2[a] = u;
        p1[pane] = p2[pane] = far[pane];
        p1[third] = -1;
        p2[third] = 1;
        const q1 = proj(p1);
        const q2 = proj(p2);
        grid.push({ x1: q1.sx, y1: q1.sy, x2: q2.sx, y2: q2.sy });
      }
      const at: [number, number, number] = [edge[0], edge[1], edge[2]];
      at[a] = u;
      const p = proj(at);
      ticks.push({ x: p.sx + out.x * 0.14, y: p.sy + out.y * 0.14, text: formatTick(t), size: 9 });
    }
    const label = labels[a];
    if (label) {
      titles.push({ x: mid.sx + out.x * 0.42, y: mid.sy + out.y * 0.42, text: label, size: 11 });
    }
  }

  const drawn = points.map((p) => {
    const q = proj([axes[0].f(p.x), axes[1].f(p.y), axes[2].f(p.z)]);
    return { x: q.sx, y: q.sy, depth: q.depth, color: p.color };
  }).sort((p, q) => p.depth - q.depth);

  // Equal scales on both screen axes, so the box is not stretched.
  const xsAll = [...panes.map((p) => p.x), ...titles.map((t) => t.x)];
  const ysAll = [...panes.map((p) => p.y), ...titles.map((t) => t.y)];
  const [x0, x1] = extent(xsAll);
  const [y0, y1] = extent(ysAll);
  const margin = 24;
  const innerW = width - 2 * margin;
  const innerH = height - 2 * margin;
  const unit = Math.max((x1 - x0 + 0.3) / innerW, (y1 - y0 + 0.3) / innerH);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return renderPlot({
    width,
    height,
    margin,
    axis: null,
    x: { domain: [cx - (unit * innerW) / 2, cx + (unit * innerW) / 2] },
    y: { domain: [cy - (unit * innerH) / 2, cy + (unit * innerH) / 2] },
    color: { type: "identity" },
    marks: [
      Plot.line(panes, { x: "x", y: "y", z: "pane", fill: "#f2f2f2", stroke: "#bbbbbb" }),
      Plot.link(grid, { x1: "x1", y1: "y1", x2: "x2", y2: "y2", stroke: "#d0d0d0" }),
      Plot.text(ticks, { x: "x", y: "y", text: "text", fontSize: 9 }),
      Plot.text(titles, { x: "x", y: "y", text: "text", fontSize: 12 }),
      Plot.dot(drawn, { x: "x", y: "y", ...dotOptions(options) }),
    ],
  });
}
