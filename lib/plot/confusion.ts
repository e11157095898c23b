/**
 * Confusion-matrix heat map with the count in each cell (rows: true class, columns: predicted
 * class), as `plt.matshow(confusion_matrix(y_true, y_pred))` with annotations.
 *
 * @module
 */

import { Plot } from "./deps.ts";
import { colormap, cssInterpolator, luminance } from "./colors.ts";
import type { Figure } from "./figure.ts";
import { type PlotMatrix, toRows } from "./inputs.ts";
import { type CommonPlotOptions, frame } from "./layout.ts";
import { axis } from "./line.ts";
import { renderPlot } from "./svg.ts";

/** Options of `confusionMatrixPlot`. */
export interface ConfusionMatrixOptions extends CommonPlotOptions {
  /** Class names, in row/column order. Default `0, 1, ..., k-1`. */
  labels?: readonly (string | number)[];
  /** Colormap of the cells. Default `"Blues"`. */
  colormap?: string;
  /** Write the count in each cell. Default true. */
  showValues?: boolean;
  /** Divide each row by its sum (recall per class); the cell text shows 2 decimals. */
  normalize?: boolean;
  /** Font size of the cell text. Default: scaled to the cell size. */
  fontSize?: number;
}

/**
 * Heat map of a square confusion matrix, rows = true class, columns = predicted class, with the
 * count written in each cell (white on dark cells).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { confusionMatrix } from "@dlfs/deno-dl/metrics";
 * import { confusionMatrixPlot } from "@dlfs/deno-dl/plot";
 *
 * const cm = confusionMatrix(Int32Array.of(0, 1, 2, 2), Int32Array.of(0, 2, 2, 2));
 * const fig = confusionMatrixPlot(cm, { labels: [0, 1, 2], title: "Test set" });
 * assert.match(fig.svg(), /Test set/);
 * ```
 */
export function confusionMatrixPlot(
  matrix: PlotMatrix,
  options: ConfusionMatrixOptions = {},
): Figure {
  const op = "confusionMatrixPlot";
  const rows = toRows(op, matrix);
  const k = rows.length;
  if (k === 0 || rows[0].length !== k) {
    throw new RangeError(
      `${op}: expected a square matrix, got ${k}x${k > 0 ? rows[0].length : 0}`,
    );
  }
  const labels = (options.labels ?? rows.map((_, i) => i)).map(String);
  if (labels.length !== k) {
    throw new RangeError(`${op}: ${labels.length} labels for a ${k}x${k} matrix`);
  }
  const cells: { truth: string; predicted: string; value: number; text: string }[] = [];
  rows.forEach((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      const value = options.normalize ? (sum > 0 ? count / sum : 0) : count;
      const text = options.normalize ? value.toFixed(2) : String(count);
      cells.push({ truth: labels[i], predicted: labels[j], value, text });
    });
  });
  const maxValue = Math.max(...cells.map((c) => c.value), 0);
  const name = options.colormap ?? "Blues";
  const map = colormap(name);
  const size = Math.min(options.width ?? 520, options.height ?? 520);
  const fontSize = options.fontSize ??
    Math.max(8, Math.min(16, Math.round((size - 100) / k / 3.2)));
  // Dark cells get white text, light cells black, so every count stays legible.
  const textColor = (v: number) =>
    luminance(map(maxValue > 0 ? v / maxValue : 0)) < 0.5 ? "white" : "black";
  const marks: Plot.Markish[] = [
    Plot.cell(cells, { x: "predicted", y: "truth", fill: "value", inset: 0.5 }),
  ];
  if (options.showValues ?? true) {
    // Two text marks with constant colours: a colour channel would go through the colour scale.
    for (const color of ["white", "black"]) {
      marks.push(
        Plot.text(cells.filter((c) => textColor(c.value) === color), {
          x: "predicted",
          y: "truth",
          text: "text",
          fill: color,
          fontSize,
        }),
      );
    }
  }
  return frame(
    {
      width: options.width ?? 520,
      height: options.height ?? 520,
      title: options.title,
    },
    (width, height) =>
      renderPlot({
        width,
        height,
        marginLeft: 60,
        marginBottom: 50,
        marginTop: 10,
        marginRight: 10,
        x: axis(options.xLabel ?? "Predicted label", { domain: labels, tickSize: 0 }),
        y: axis(options.yLabel ?? "True label", { domain: labels, tickSize: 0 }),
        color: { type: "linear", domain: [0, maxValue || 1], interpolate: cssInterpolator(name) },
        marks,
      }, 13),
  );
}
