/**
 * Figures side by side or in a grid, under one overall title (`plt.subplots` + `suptitle`).
 *
 * @module
 */

import { Figure } from "./figure.ts";
import { place, svgRoot, textElement } from "./svg.ts";

/** Options of `panels`. */
export interface PanelsOptions {
  /** Figures per row. Default: all in one row. */
  columns?: number;
  /** Title above all panels. */
  title?: string;
  /** Space between panels in pixels. Default 10. */
  gap?: number;
}

/**
 * Puts figures in a grid, row by row; each column is as wide as its widest figure and each row
 * as tall as its tallest.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { contourPlot, linePlot, panels } from "@dlfs/deno-dl/plot";
 *
 * const f = (x: number, y: number) => x * x + y * y;
 * const opts = { xDomain: [-1, 1] as [number, number], yDomain: [-1, 1] as [number, number] };
 * const fig = panels([contourPlot(f, opts), linePlot([3, 2, 1.25], { title: "Minimum value: 1.25" })]);
 * assert.match(fig.svg(), /Minimum value: 1\.25/);
 * const grid = panels([fig, fig, fig, fig], { columns: 2 }); // 2 x 2
 * assert.ok(grid.width > 2 * fig.width && grid.height > 2 * fig.height);
 * ```
 */
export function panels(figures: readonly Figure[], options: PanelsOptions = {}): Figure {
  if (figures.length === 0) throw new RangeError("panels: no figures to arrange");
  for (const [i, f] of figures.entries()) {
    if (!(f instanceof Figure)) throw new TypeError(`panels: item ${i} is not a Figure`);
  }
  const columns = Math.max(1, Math.min(options.columns ?? figures.length, figures.length));
  const gap = options.gap ?? 10;
  const rows = Math.ceil(figures.length / columns);
  const colWidth = new Array<number>(columns).fill(0);
  const rowHeight = new Array<number>(rows).fill(0);
  figures.forEach((f, i) => {
    colWidth[i % columns] = Math.max(colWidth[i % columns], f.width);
    rowHeight[Math.floor(i / columns)] = Math.max(rowHeight[Math.floor(i / columns)], f.height);
  });
  const titleBand = options.title ? 34 : 0;
  const colX = colWidth.map((_, c) => colWidth.slice(0, c).reduce((a, b) => a + b + gap, 0));
  const rowY = rowHeight.map((_, r) =>
    titleBand + rowHeight.slice(0, r).reduce((a, b) => a + b + gap, 0)
  );
  const width = colX[columns - 1] + colWidth[columns - 1];
  const height = rowY[rows - 1] + rowHeight[rows - 1];
  const parts = figures.map((f, i) => {
    const c = i % columns;
    const r = Math.floor(i / columns);
    // Centre each figure in its cell.
    const x = colX[c] + (colWidth[c] - f.width) / 2;
    const y = rowY[r] + (rowHeight[r] - f.height) / 2;
    return place({ svg: f.svg(), width: f.width, height: f.height }, { x, y });
  });
  if (options.title) {
    parts.unshift(
      textElement(options.title, { x: width / 2, y: 23, size: 17, label: "title" }),
    );
  }
  return new Figure(svgRoot(width, height, parts.join("")), {
    width: Math.ceil(width),
    height: Math.ceil(height),
    title: options.title,
  });
}
