/**
 * Live progress for long training loops: in Jupyter one output updated in place (a display id),
 * in a terminal one line rewritten with `\r`, and nothing otherwise (CI logs, pipes) or when
 * asked.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { progress } from "@dlfs/deno-dl/plot";
 *
 * const epochs = 3;
 * // A live bar in Jupyter or a terminal; `mode: "off"` here, where there is neither.
 * const bar = progress(epochs, { label: "epoch", mode: "off" });
 * for (let e = 1; e <= epochs; e++) {
 *   const loss = 1 / e; // one epoch of training
 *   bar.update(e, { loss });
 * }
 * bar.done();
 * assert.match(bar.frame(true).text, /^epoch 3\/3 /);
 * ```
 *
 * Updates are synchronous: Deno's kernel sends Jupyter messages straight away, even while a
 * synchronous loop keeps the thread busy, so the loop needs no `await`.
 *
 * @module
 */

import { type JupyterApi, jupyterApi } from "./jupyter.ts";
import { escapeXml } from "./svg.ts";

/** One state of the progress display, with its text and HTML renderings. */
export interface ProgressFrame {
  /** Steps done. */
  step: number;
  /** Steps in all. */
  total: number;
  /** `step / total`, in [0, 1]. */
  fraction: number;
  /** Seconds since `progress()` was called. */
  elapsedSeconds: number;
  /** Estimated seconds left (`null` before the first step). */
  remainingSeconds: number | null;
  /** Latest metrics, e.g. `{ loss: 0.31, acc: 0.91 }`. */
  metrics: Record<string, number>;
  /** True for the last frame (after `done()` or the last step). */
  final: boolean;
  /** The one-line text rendering. */
  text: string;
  /** The HTML rendering (a `<progress>` bar and the text). */
  html: string;
}

/** Where frames go. Tests pass an array-backed sink; the defaults write to Jupyter or a TTY. */
export interface ProgressSink {
  /** Shows a frame (replacing the previous one). */
  write(frame: ProgressFrame): void;
}

/** Options of `progress`. */
export interface ProgressOptions {
  /** Word before the counter. Default `"epoch"`. */
  label?: string;
  /**
   * `"auto"` (default): Jupyter when running in Deno's kernel, else the terminal when stdout is
   * a TTY, else off. `"off"` disables output; `"jupyter"` / `"terminal"` force one.
   */
  mode?: "auto" | "jupyter" | "terminal" | "off";
  /** A custom sink (overrides `mode`). */
  sink?: ProgressSink;
  /** Least time between two shown frames, in ms (the last frame always shows). Default 250. */
  minIntervalMs?: number;
  /** Clock in ms (tests pass a fake one). Default `performance.now`. */
  now?: () => number;
  /** Characters of the text bar. Default 24. */
  barWidth?: number;
}

/** `75` -> `01:15`, `3725` -> `1:02:05`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${String(m).padStart(2, "0")}:${ss}`;
}

/** A metric value: 4 decimals, or exponent notation for very large or small values. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? value.toExponential(3) : value.toFixed(4);
}

/** A text bar such as `[#########...............]`, `width` characters inside the brackets. */
export function textBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

/** Shows the progress of a loop of `total` steps; see `progress()`. */
export class Progress {
  /** Steps in all. */
  readonly total: number;
  #label: string;
  #sink: ProgressSink | null;
  #now: () => number;
  #start: number;
  #minInterval: number;
  #barWidth: number;
  #lastShown = -Infinity;
  #step = 0;
  #metrics: Record<string, number> = {};
  #finished = false;

  /** Prefer `progress(total, options)`. */
  constructor(total: number, options: ProgressOptions = {}) {
    if (!(Number.isInteger(total) && total > 0)) {
      throw new RangeError(`progress: total must be a positive integer, got ${total}`);
    }
    this.total = total;
    this.#label = options.label ?? "epoch";
    this.#sink = options.sink ?? defaultSink(options.mode ?? "auto");
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
    this.#minInterval = options.minIntervalMs ?? 250;
    this.#barWidth = options.barWidth ?? 24;
  }

  /** Whether frames go anywhere (false when off). */
  get enabled(): boolean {
    return this.#sink !== null;
  }

  /**
   * Records that `step` steps are done, with the latest metrics, and shows it unless the last
   * frame was shown less than `minIntervalMs` ago. Reaching `total` shows the final frame.
   */
  update(step: number, metrics: Record<string, number> = {}): void {
    if (this.#finished) return;
    this.#step = Math.min(this.total, Math.max(0, step));
    this.#metrics = { ...this.#metrics, ...metrics };
    if (this.#step >= this.total) {
      this.done();
      return;
    }
    const now = this.#now();
    if (now - this.#lastShown < this.#minInterval) return;
    this.#lastShown = now;
    this.#show(false);
  }

  /** Shows the final frame (once); later updates are ignored. */
  done(metrics: Record<string, number> = {}): void {
    if (this.#finished) return;
    this.#metrics = { ...this.#metrics, ...metrics };
    this.#finished = true;
    this.#show(true);
  }

  /** The current frame, rendered. */
  frame(final = false): ProgressFrame {
    const elapsed = (this.#now() - this.#start) / 1000;
    const fraction = this.#step / this.total;
    const remaining = this.#step > 0 ? (elapsed / this.#step) * (this.total - this.#step) : null;
    const metrics = Object.entries(this.#metrics)
      .map(([k, v]) => `${k} ${formatMetric(v)}`).join("  ");
    const width = String(this.total).length;
    const counter = `${this.#label} ${String(this.#step).padStart(width)}/${this.total}`;
    const time = `${formatDuration(elapsed)} elapsed` +
      (remaining !== null && !final ? `, ${formatDuration(remaining)} left` : "");
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const text = `${counter} ${textBar(fraction, this.#barWidth)} ${percent}` +
      `${metrics ? `  ${metrics}` : ""}  (${time})`;
    const html = `<div style="font-family:monospace;white-space:pre">` +
      `<progress value="${this.#step}" max="${this.total}" style="width:16em;vertical-align:middle">` +
      `</progress> ${escapeXml(counter)}  ${escapeXml(metrics)}  (${escapeXml(time)})</div>`;
    return {
      step: this.#step,
      total: this.total,
      fraction,
      elapsedSeconds: elapsed,
      remainingSeconds: remaining,
      metrics: { ...this.#metrics },
      final,
      text,
      html,
    };
  }

  #show(final: boolean): void {
    this.#sink?.write(this.frame(final));
  }
}

/**
 * Starts a progress display for `total` steps. In Jupyter it is one output updated in place; in a
 * terminal one line rewritten; otherwise (not a TTY, `mode: "off"`) it shows nothing.
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  return new Progress(total, options);
}

/** A sink that keeps one Jupyter output (by display id) and updates it. */
export function jupyterSink(api: JupyterApi): ProgressSink {
  const id = `progress-${crypto.randomUUID()}`;
  let shown = false;
  return {
    write(frame: ProgressFrame): void {
      const type = shown ? "update_display_data" : "display_data";
      shown = true;
      try {
        // Typed as a Promise, but some Deno versions return nothing; either way never throw
        // into the training loop because a kernel channel closed.
        const sent = api.broadcast(type, {
          data: { "text/plain": frame.text, "text/html": frame.html },
          metadata: {},
          transient: { display_id: id },
        }) as Promise<void> | undefined;
        sent?.catch?.(() => {});
      } catch {
        // ignored, see above
      }
    },
  };
}

/** A sink that rewrites one terminal line (`\r` + clear to end of line), ending it when final. */
export function terminalSink(write: (bytes: Uint8Array) => void): ProgressSink {
  const encoder = new TextEncoder();
  return {
    write(frame: ProgressFrame): void {
      let columns = 0;
      try {
        columns = Deno.consoleSize().columns;
      } catch {
        columns = 0;
      }
      const text = columns > 1 && frame.text.length >= columns
        ? frame.text.slice(0, columns - 1)
        : frame.text;
      write(encoder.encode(`\r${text}\x1b[K${frame.final ? "\n" : ""}`));
    },
  };
}

function defaultSink(mode: NonNullable<ProgressOptions["mode"]>): ProgressSink | null {
  if (mode === "off") return null;
  const api = mode === "terminal" ? null : jupyterApi();
  if (api) return jupyterSink(api);
  if (mode === "jupyter") return null;
  const tty = mode === "terminal" || Deno.stdout.isTerminal();
  return tty ? terminalSink(writeAllStdout) : null;
}

/** `writeSync` may write fewer bytes than given; loop until all are out. */
function writeAllStdout(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stdout.writeSync(bytes.subarray(offset));
}
