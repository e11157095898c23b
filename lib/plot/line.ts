/**
 * Line plots: loss curves, metric curves, function plots (`plt.plot` and friends).
 *
 * @module
 */

import { Plot } from "./deps.ts";
import { TAB10 } from "./colors.ts";
import type { Figure } from "./figure.ts";
import { isTensor, type PlotNumbers, range, toNumbers } from "./inputs.ts";
import { type CommonPlotOptions, frame, type LegendItem } from "./layout.ts";
import { renderPlot } from "./svg.ts";

/** One series of a line plot. */
export interface LineSeries {
  /** Legend label (series without a name stay out of the legend). */
  name?: string;
  /** x values; default `0, 1, ..., n-1` as `plt.plot(y)`. */
  x?: PlotNumbers;
  /** y values. */
  y: PlotNumbers;
  /** CSS colour; default the next colour of matplotlib's cycle. */
  color?: string;
  /** Draw a dot at each point (`marker='o'`). */
  marker?: boolean;
  /** Dashed line: `true` or an SVG dash pattern such as `"6,3"`. */
  dash?: boolean | string;
  /** Line width in pixels. Default 1.5. */
  strokeWidth?: number;
}

/** What `linePlot` accepts: one list of y values, named lists, or series objects. */
export type LineInput = PlotNumbers | Record<string, PlotNumbers> | readonly LineSeries[];

/** Options of `linePlot`. */
export interface LinePlotOptions extends CommonPlotOptions {
  /** Dots on every series (a series' own `marker` wins). */
  markers?: boolean;
  /** Logarithmic y axis (points with y <= 0 are left out). */
  logY?: boolean;
  /** Logarithmic x axis (points with x <= 0 are left out). */
  logX?: boolean;
  /** Show the legend; default when at least one series has a name. */
  legend?: boolean;
  /** Grid lines. Default true. */
  grid?: boolean;
  /** Fixed x range. */
  xDomain?: [number, number];
  /** Fixed y range. */
  yDomain?: [number, number];
}

/** Normalises the three accepted input forms to a list of series. */
export function toSeries(op: string, input: LineInput): LineSeries[] {
  if (isTensor(input) || ArrayBuffer.isView(input)) return [{ y: input as PlotNumbers }];
  if (Array.isArray(input)) {
    if (input.length === 0 || typeof input[0] === "number") return [{ y: input as number[] }];
    return (input as LineSeries[]).map((s, i) => {
      if (s === null || typeof s !== "object" || !("y" in s)) {
        throw new TypeError(`${op}: series ${i} must be an object with a "y" list`);
      }
      return s;
    });
  }
  return Object.entries(input as Record<string, PlotNumbers>).map(([name, y]) => ({ name, y }));
}

interface Row {
  x: number;
  y: number;
}

function seriesRows(op: string, s: LineSeries, options: LinePlotOptions): Row[] {
  const y = toNumbers(op, s.y);
  const x = s.x === undefined ? range(y.length) : toNumbers(op, s.x);
  if (x.length !== y.length) {
    throw new RangeError(
      `${op}: series "${s.name ?? ""}" has ${x.length} x values but ${y.length} y values`,
    );
  }
  const rows: Row[] = [];
  for (let i = 0; i < y.length; i++) {
    // A log axis cannot show zero or negative values; leave those points out instead of failing.
    if (options.logY && !(y[i] > 0)) continue;
    if (options.logX && !(x[i] > 0)) continue;
    rows.push({ x: x[i], y: y[i] });
  }
  return rows;
}

/** Plot marks (line + optional dots) of each series, and their legend entries. */
export function lineMarks(
  op: string,
  series: readonly LineSeries[],
  options: LinePlotOptions,
): { marks: Plot.Markish[]; legend: LegendItem[] } {
  const marks: Plot.Markish[] = [];
  const legend: LegendItem[] = [];
  series.forEach((s, i) => {
    const color = s.color ?? TAB10[i % TAB10.length];
    const rows = seriesRows(op, s, options);
    const dash = s.dash === true ? "6,3" : s.dash || undefined;
    marks.push(
      Plot.line(rows, {
        x: "x",
        y: "y",
        stroke: color,
        strokeWidth: s.strokeWidth ?? 1.5,
        strokeDasharray: dash,
      }),
    );
    const marker = s.marker ?? options.markers ?? false;
    if (marker) marks.push(Plot.dot(rows, { x: "x", y: "y", fill: color, r: 2.5 }));
    if (s.name !== undefined) legend.push({ label: s.name, color, marker, dash });
  });
  return { marks, legend };
}

/** Observable Plot axis options shared by the helpers: centred labels without arrows. */
export function axis(
  label: string | undefined,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { label: label ?? null, labelAnchor: "center", labelArrow: "none", ...extra };
}

/**
 * Draws one or more series as lines (`plt.plot`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { linePlot } from "@dlfs/deno-dl/plot";
 *
 * const losses = [2.3, 1.1, 0.7, 0.5];
 * const one = linePlot(losses, { title: "Loss Curve", xLabel: "Iteration", yLabel: "Loss" });
 * const two = linePlot({ train: [0.9, 0.5, 0.4], test: [1, 0.7, 0.6] }, { xLabel: "Epoch", markers: true });
 * const own = linePlot([{ name: "Accuracy", x: [1, 2, 3], y: [0.5, 0.7, 0.8], color: "blue" }]);
 * assert.match(one.svg(), /Loss Curve/);
 * assert.match(two.svg(), /test/); // a legend names the series
 * assert.match(own.svg(), /blue/);
 * ```
 */
export function linePlot(series: LineInput, options: LinePlotOptions = {}): Figure {
  const op = "linePlot";
  const list = toSeries(op, series);
  const { marks, legend } = lineMarks(op, list, options);
  const showLegend = options.legend ?? legend.length > 0;
  return frame(
    {
      width: options.width ?? 640,
      height: options.height ?? 400,
      title: options.title,
      legend: showLegend ? legend : undefined,
    },
    (width, height) =>
      renderPlot({
        width,
        height,
        marginLeft: 60,
        marginBottom: 45,
        marginRight: 20,
        grid: options.grid ?? true,
        x: axis(options.xLabel, { type: options.logX ? "log" : "linear", domain: options.xDomain }),
        y: axis(options.yLabel, { type: options.logY ? "log" : "linear", domain: options.yDomain }),
        marks,
      }),
  );
}
