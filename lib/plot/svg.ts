/**
 * SVG plumbing: running Observable Plot against a server-side DOM (linkedom), escaping text,
 * estimating text widths, and nesting one SVG inside another.
 *
 * Observable Plot wants a browser `document`; linkedom gives it one in Deno. We only ever ask
 * Plot for a bare `<svg>` (no title, no legend: those make Plot return an HTML `<figure>`), and
 * draw titles and legends ourselves in SVG, so that one string is both what Jupyter shows and
 * what the PNG renderer reads.
 *
 * @module
 */

import { parseHTML, Plot } from "./deps.ts";

/** The SVG namespace, needed on a standalone `<svg>` root. */
export const SVG_NS = "http://www.w3.org/2000/svg";

/** Font stack written into every figure; the PNG renderer maps it to the bundled DejaVu Sans. */
export const FONT_FAMILY = "system-ui, sans-serif";

/** A piece of SVG markup with the size it occupies, in pixels. */
export interface Block {
  /** A complete `<svg>` element (nested when composed) or a `<g>` group. */
  svg: string;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** The few DOM methods we call on Plot's output (Deno has no DOM type library). */
interface DomElement {
  readonly tagName: string;
  readonly outerHTML: string;
  querySelector(selector: string): { remove(): void } | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
}

let cachedDocument: unknown = null;

/** One linkedom document, reused: creating one costs more than drawing a small plot. */
function plotDocument(): unknown {
  if (cachedDocument === null) {
    const page = "<!DOCTYPE html><html><head></head><body></body></html>";
    cachedDocument = (parseHTML(page) as unknown as { document: unknown }).document;
  }
  return cachedDocument;
}

/**
 * Runs `Plot.plot(options)` and returns the `<svg>` markup with its size; axis text is
 * `fontSize` pixels.
 *
 * Plot's `<style>` element is dropped: it styles the root for HTML pages (`max-width: 100%`,
 * `height: auto`), which would shrink the plot once it is nested inside a bigger figure.
 */
export function renderPlot(options: Plot.PlotOptions, fontSize = 11): Block {
  const document = plotDocument() as Plot.PlotOptions["document"];
  const node = Plot.plot({ ...options, document }) as unknown as DomElement;
  if (node.tagName.toLowerCase() !== "svg") {
    throw new Error(`renderPlot: Plot returned a <${node.tagName}>, expected an <svg>`);
  }
  node.querySelector("style")?.remove();
  node.removeAttribute("class");
  node.setAttribute("xmlns", SVG_NS);
  // Plot writes 10px text; a little larger reads better in a notebook and in saved PNGs.
  node.setAttribute("font-size", String(fontSize));
  const width = Number(node.getAttribute("width"));
  const height = Number(node.getAttribute("height"));
  return { svg: node.outerHTML, width, height };
}

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * Rough width of a line of text in pixels. There is no layout engine on the server, so we use
 * the average advance of DejaVu Sans (about 0.6 em); it errs wide, which only costs a little space.
 */
export function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.6;
}

/** Formats a coordinate with at most two decimals (keeps the markup short). */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/**
 * Places a block at `(x, y)` inside a bigger SVG. A nested `<svg>` gets `x`/`y` attributes (it is
 * its own viewport, so its content stays clipped to its box); a group gets a translation.
 */
export function place(block: Block, at: { x: number; y: number }): string {
  const s = block.svg.trimStart();
  if (s.startsWith("<svg")) return `<svg x="${px(at.x)}" y="${px(at.y)}"` + s.slice(4);
  return `<g transform="translate(${px(at.x)},${px(at.y)})">${s}</g>`;
}

/** Where and how `textElement` draws its text. */
export interface TextOptions {
  /** Anchor point, x. */
  x: number;
  /** Baseline, y. */
  y: number;
  /** Font size in pixels. Default 12. */
  size?: number;
  /** `start`, `middle` (default) or `end`. */
  anchor?: string;
  /** Font weight, e.g. `"bold"`. */
  weight?: string;
  /** Rotation in degrees about the anchor point. */
  rotate?: number;
  /** Text colour. */
  fill?: string;
  /** `aria-label` (tests and screen readers find titles by it). */
  label?: string;
}

/** A `<text>` element with escaped content. */
export function textElement(text: string, options: TextOptions): string {
  const { x, y, size = 12, anchor = "middle", weight, rotate, fill, label } = options;
  const attrs = [
    label ? `aria-label="${escapeXml(label)}"` : "",
    `x="${px(x)}"`,
    `y="${px(y)}"`,
    `font-size="${size}"`,
    `text-anchor="${anchor}"`,
    weight ? `font-weight="${weight}"` : "",
    fill ? `fill="${fill}"` : "",
    rotate ? `transform="rotate(${rotate},${px(x)},${px(y)})"` : "",
  ].filter((a) => a !== "").join(" ");
  return `<text ${attrs}>${escapeXml(text)}</text>`;
}

/** A standalone SVG document of the given size, white background, our font stack. */
export function svgRoot(width: number, height: number, body: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return `<svg xmlns="${SVG_NS}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="${FONT_FAMILY}" font-size="10" fill="currentColor">` +
    `<rect width="100%" height="100%" fill="white"/>${body}</svg>`;
}
