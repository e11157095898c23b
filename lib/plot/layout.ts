/**
 * Figure layout: a title band, a legend band (swatches) or a colour bar, and the plot body.
 * Observable Plot draws the axes and marks; the parts around them are drawn here in plain SVG so
 * the whole figure stays one SVG document (Plot's own titles and legends are HTML).
 *
 * @module
 */

import { Figure } from "./figure.ts";
import { type Block, escapeXml, place, px, svgRoot, textElement, textWidth } from "./svg.ts";

/** One legend entry: a coloured line, dot or square followed by its label. */
export interface LegendItem {
  /** The text. */
  label: string;
  /** CSS colour of the swatch. */
  color: string;
  /** Swatch shape: a line (optionally with a dot), a dot, or a square. Default `"line"`. */
  shape?: "line" | "dot" | "square";
  /** For `"line"`: also draw a dot on it (a series drawn with markers). */
  marker?: boolean;
  /** For `"line"`: SVG dash pattern, e.g. `"6,3"`. */
  dash?: string;
  /** For `"dot"`: outline colour. */
  stroke?: string;
}

/** A continuous colour bar drawn at the right of the plot. */
export interface ColorbarSpec {
  /** t in [0, 1] to CSS colour. */
  interpolate: (t: number) => string;
  /** Values at the bottom and top of the bar. */
  domain: [number, number];
  /** Tick values (default: about 5 round numbers). */
  ticks?: number[];
  /** Text along the bar. */
  label?: string;
}

const TITLE_BAND = 30;
const LEGEND_ROW = 18;
const LEGEND_FONT = 11;
const COLORBAR_WIDTH = 70;

/**
 * About `count` round tick values inside `domain` (`[lo, hi]`): multiples of 1, 2 or 5 times a power of
 * ten, chosen as d3's `ticks` chooses them (so they match Observable Plot's own axes).
 */
export function niceTicks(domain: readonly [number, number], count = 5): number[] {
  const [lo, hi] = domain;
  if (!(hi > lo) || !(count > 0)) return [lo];
  const raw = (hi - lo) / count;
  const power = Math.floor(Math.log10(raw));
  const error = raw / Math.pow(10, power);
  const factor = error >= Math.sqrt(50)
    ? 10
    : error >= Math.sqrt(10)
    ? 5
    : error >= Math.sqrt(2)
    ? 2
    : 1;
  // Integer arithmetic on the step's mantissa avoids float noise such as 0.30000000000000004.
  const scale = power >= 0 ? 1 : Math.pow(10, -power);
  const step = power >= 0 ? factor * Math.pow(10, power) : factor;
  const first = Math.ceil((lo * scale) / step - 1e-9);
  const last = Math.floor((hi * scale) / step + 1e-9);
  const out: number[] = [];
  for (let k = first; k <= last; k++) out.push((k * step) / scale + 0); // + 0 turns -0 into 0
  return out;
}

/** A tick label: short, no float noise, a real minus sign (as Plot's axes write it). */
export function formatTick(value: number): string {
  const s = Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-4)
    ? value.toExponential(1)
    : String(Number(value.toPrecision(6)));
  return s.replace("-", "\u2212");
}

/** Lays legend items out left to right, wrapping at `maxWidth`. */
export function legendBlock(items: readonly LegendItem[], maxWidth: number): Block {
  let x = 0;
  let row = 0;
  let widest = 0;
  const parts: string[] = [];
  for (const item of items) {
    const w = 22 + textWidth(item.label, LEGEND_FONT) + 14;
    if (x > 0 && x + w > maxWidth) {
      row += 1;
      x = 0;
    }
    const y = row * LEGEND_ROW + LEGEND_ROW / 2;
    parts.push(
      `<g aria-label="legend item">${swatch(item, x, y)}${
        textElement(item.label, { x: x + 22, y: y + 4, size: LEGEND_FONT, anchor: "start" })
      }</g>`,
    );
    x += w;
    widest = Math.max(widest, x);
  }
  return {
    svg: `<g aria-label="legend">${parts.join("")}</g>`,
    width: widest,
    height: (row + 1) * LEGEND_ROW,
  };
}

function swatch(item: LegendItem, x: number, y: number): string {
  const color = escapeXml(item.color);
  const shape = item.shape ?? "line";
  if (shape === "square") {
    return `<rect x="${px(x + 4)}" y="${px(y - 6)}" width="12" height="12" fill="${color}"/>`;
  }
  const dot = `<circle cx="${px(x + 10)}" cy="${px(y)}" r="${shape === "dot" ? 5 : 3}" ` +
    `fill="${color}"${item.stroke ? ` stroke="${escapeXml(item.stroke)}"` : ""}/>`;
  if (shape === "dot") return dot;
  const dash = item.dash ? ` stroke-dasharray="${escapeXml(item.dash)}"` : "";
  return `<line x1="${px(x)}" y1="${px(y)}" x2="${px(x + 20)}" y2="${px(y)}" stroke="${color}" ` +
    `stroke-width="2"${dash}/>` + (item.marker ? dot : "");
}

let gradientCount = 0;
const gradientPrefix = Math.random().toString(36).slice(2, 8);

/** A vertical colour bar with ticks, `height` tall (the bar itself is inset a little). */
export function colorbarBlock(spec: ColorbarSpec, height: number): Block {
  const [lo, hi] = spec.domain;
  const top = 20;
  const barHeight = Math.max(20, height - 50);
  const id = `colorbar-${gradientPrefix}-${++gradientCount}`;
  const stops: string[] = [];
  for (let i = 0; i <= 16; i++) {
    // The gradient runs top (hi) to bottom (lo).
    stops.push(`<stop offset="${i / 16}" stop-color="${spec.interpolate(1 - i / 16)}"/>`);
  }
  const ticks = (spec.ticks ?? niceTicks([lo, hi], 5)).filter((t) => t >= lo && t <= hi);
  const yOf = (v: number) => top + (hi === lo ? 0.5 : (hi - v) / (hi - lo)) * barHeight;
  const tickMarks = ticks.map((t) =>
    `<line x1="22" x2="26" y1="${px(yOf(t))}" y2="${px(yOf(t))}" stroke="currentColor"/>` +
    textElement(formatTick(t), { x: 29, y: yOf(t) + 3.5, size: 10, anchor: "start" })
  ).join("");
  const label = spec.label
    ? textElement(spec.label, { x: 62, y: top + barHeight / 2, size: 11, rotate: -90 })
    : "";
  return {
    svg: `<g aria-label="colorbar"><defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">` +
      `${stops.join("")}</linearGradient></defs>` +
      `<rect x="10" y="${top}" width="12" height="${px(barHeight)}" fill="url(#${id})" ` +
      `stroke="currentColor" stroke-width="0.5"/>${tickMarks}${label}</g>`,
    width: COLORBAR_WIDTH,
    height,
  };
}

/** Options every plot helper takes. */
export interface CommonPlotOptions {
  /** Title drawn centred above the plot. */
  title?: string;
  /** Label of the x axis. */
  xLabel?: string;
  /** Label of the y axis. */
  yLabel?: string;
  /** Figure width in pixels (matplotlib's figsize in inches times 64 reads about the same). */
  width?: number;
  /** Figure height in pixels. */
  height?: number;
}

/** What goes around a plot body. */
export interface FrameOptions {
  /** Figure width in pixels. */
  width: number;
  /** Figure height in pixels. */
  height: number;
  /** Title drawn centred on top. */
  title?: string;
  /** Legend swatches drawn under the title. */
  legend?: readonly LegendItem[];
  /** Colour bar drawn at the right. */
  colorbar?: ColorbarSpec;
  /** Left inset of the legend, to line it up with the plot area. Default 40. */
  legendInset?: number;
}

/**
 * Builds a figure: reserves bands for the title, the legend and the colour bar, asks `body` to
 * draw in the space left, and puts everything in one SVG document.
 */
export function frame(
  options: FrameOptions,
  body: (width: number, height: number) => Block,
): Figure {
  const { width, height, title = "", legendInset = 40 } = options;
  const parts: string[] = [];
  let y = 0;
  if (title) {
    parts.push(
      textElement(title, { x: width / 2, y: 21, size: 15, label: "title" }),
    );
    y += TITLE_BAND;
  }
  if (options.legend && options.legend.length > 0) {
    const legend = legendBlock(options.legend, width - legendInset - 10);
    parts.push(`<g transform="translate(${legendInset},${y + 2})">${legend.svg}</g>`);
    y += legend.height + 4;
  }
  const barWidth = options.colorbar ? COLORBAR_WIDTH : 0;
  const plot = body(width - barWidth, Math.max(40, height - y));
  parts.push(place(plot, { x: 0, y }));
  if (options.colorbar) {
    const bar = colorbarBlock(options.colorbar, plot.height);
    parts.push(`<g transform="translate(${px(plot.width)},${px(y)})">${bar.svg}</g>`);
  }
  const totalWidth = Math.max(width, plot.width + barWidth);
  const totalHeight = Math.max(height, y + plot.height);
  return new Figure(svgRoot(totalWidth, totalHeight, parts.join("")), {
    width: Math.ceil(totalWidth),
    height: Math.ceil(totalHeight),
    title,
  });
}
