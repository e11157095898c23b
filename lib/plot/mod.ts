/**
 * Figures for the notebooks, drawn with Observable Plot (rendered server-side against linkedom):
 * line plots, scatter plots (2-D and 3-D), contour plots with a path, image grids, confusion
 * matrices, panels and training curves. Every helper returns a `Figure`, which a Deno Jupyter
 * cell shows inline and `save(path)` writes to `.svg` or `.png`. `progress()` shows live
 * training progress in a notebook or a terminal.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { linePlot } from "@dlfs/deno-dl/plot";
 *
 * const losses = [2.3, 1.1, 0.7, 0.5];
 * const fig = linePlot(losses, { title: "Loss Curve", xLabel: "Iteration", yLabel: "Loss" });
 * assert.match(fig.svg(), /Loss Curve/);
 * // fig as a notebook cell's value is shown by Jupyter; fig.save("out/loss.png") writes a file
 * ```
 *
 * @module
 */

export { type Colormap, colormap, type ColormapName, TAB10 } from "./colors.ts";
export { type ContourOptions, contourPlot, type PathInput } from "./contour.ts";
export { type ConfusionMatrixOptions, confusionMatrixPlot } from "./confusion.ts";
export { Figure, type FigureSaveOptions, JUPYTER_DISPLAY } from "./figure.ts";
export { imageGrid, type ImageGridOptions, type ImageInput } from "./image.ts";
export type { PlotMatrix, PlotNumbers } from "./inputs.ts";
export type { CommonPlotOptions, LegendItem } from "./layout.ts";
export { type LineInput, linePlot, type LinePlotOptions, type LineSeries } from "./line.ts";
export { panels, type PanelsOptions } from "./panels.ts";
export { type Raster, rasterize, type RasterizeOptions, type RendererKind } from "./png.ts";
export {
  Progress,
  progress,
  type ProgressFrame,
  type ProgressOptions,
  type ProgressSink,
} from "./progress.ts";
export { scatter, type ScatterData, type ScatterOptions } from "./scatter.ts";
export type { ViewAngles } from "./projection.ts";
export { trainingCurves, type TrainingCurvesOptions, type TrainingHistory } from "./training.ts";
