/**
 * Training curves: loss and accuracy per epoch, train and test, in two panels (the report
 * figure every assignment draws after `fit`).
 *
 * @module
 */

import type { Figure } from "./figure.ts";
import { isTensor, type PlotNumbers } from "./inputs.ts";
import { linePlot, type LineSeries } from "./line.ts";
import { panels } from "./panels.ts";

/**
 * Recorded metrics: flat keys such as `{ trainLoss, testLoss, trainAcc, testAcc }` (grouped by
 * name: keys with "acc" go to the accuracy panel, the rest to the loss panel), or explicit
 * panels such as `{ "BCE loss": { train, test }, Accuracy: { train, test } }`.
 */
export type TrainingHistory = Record<string, PlotNumbers | Record<string, PlotNumbers>>;

/** Options of `trainingCurves`. */
export interface TrainingCurvesOptions {
  /** Overall title. */
  title?: string;
  /** x values (e.g. epoch numbers); default `0, 1, ..., n-1`. */
  x?: PlotNumbers;
  /** Label of the x axes. Default `"Epoch"`. */
  xLabel?: string;
  /** Title of the loss panel (flat keys). Default `"Loss"`. */
  lossTitle?: string;
  /** Title of the accuracy panel (flat keys). Default `"Accuracy"`. */
  accuracyTitle?: string;
  /** Dots on the points. Default false. */
  markers?: boolean;
  /** Whole figure width in pixels. Default 960. */
  width?: number;
  /** Height in pixels. Default 340. */
  height?: number;
}

const METRIC_WORDS = /(accuracy|acc|loss|cost|error)/i;

/** `trainLoss` -> `train`, `test_acc` -> `test`, `loss` -> `loss`. */
function seriesName(key: string): string {
  const rest = key.replace(METRIC_WORDS, "").replace(/^[_\s-]+|[_\s-]+$/g, "");
  return rest === "" ? key : rest;
}

function isSeriesRecord(value: unknown): value is Record<string, PlotNumbers> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !ArrayBuffer.isView(value) && !isTensor(value);
}

/** Groups a history into named panels of series. */
export function historyPanels(
  history: TrainingHistory,
  options: TrainingCurvesOptions = {},
): [string, LineSeries[]][] {
  const groups = new Map<string, LineSeries[]>();
  const add = (panel: string, series: LineSeries) => {
    if (!groups.has(panel)) groups.set(panel, []);
    groups.get(panel)!.push(series);
  };
  for (const [key, value] of Object.entries(history)) {
    if (isSeriesRecord(value)) {
      for (const [name, y] of Object.entries(value)) add(key, { name, y, x: options.x });
    } else {
      const panel = /acc/i.test(key)
        ? options.accuracyTitle ?? "Accuracy"
        : options.lossTitle ?? "Loss";
      add(panel, { name: seriesName(key), y: value, x: options.x });
    }
  }
  return [...groups.entries()];
}

/**
 * Loss and accuracy curves side by side, one line per recorded series.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainingCurves } from "@dlfs/deno-dl/plot";
 *
 * const history = {
 *   trainLoss: [0.9, 0.5, 0.4], testLoss: [1, 0.7, 0.6],
 *   trainAcc: [0.6, 0.8, 0.9], testAcc: [0.5, 0.7, 0.8],
 * };
 * const fig = trainingCurves(history, { xLabel: "Epoch" });
 * assert.match(fig.svg(), /Epoch/);
 * ```
 */
export function trainingCurves(
  history: TrainingHistory,
  options: TrainingCurvesOptions = {},
): Figure {
  const groups = historyPanels(history, options);
  if (groups.length === 0) throw new RangeError("trainingCurves: the history has no series");
  const width = (options.width ?? 960) / groups.length;
  const figures = groups.map(([title, series]) =>
    linePlot(series, {
      title,
      xLabel: options.xLabel ?? "Epoch",
      yLabel: title,
      markers: options.markers,
      width,
      height: options.height ?? 340,
    })
  );
  return panels(figures, { title: options.title, gap: 0 });
}
