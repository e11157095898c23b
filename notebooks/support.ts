/**
 * What every notebook needs besides the subject: quick mode, the output folder, `show(figure)`,
 * the summary file, and a reproduction table that compares the numbers an original notebook
 * printed with the ones computed here.
 *
 * ```ts
 * import { openNotebook } from "./support.ts";
 *
 * const nb = openNotebook("01_neural_network_from_scratch");
 * nb.quick; // true when NOTEBOOK_QUICK=1: shorter runs
 * await nb.show(linePlot([3, 2, 1]), "loss"); // displayed, and saved as out/<name>/loss.svg/.png
 *
 * const table = nb.table((await nb.readData<{ rows: Record<string, Expectation> }>("01_reproduction.json")).rows);
 * table.row("1.3(a) Loss", 2.3098802440910484);
 * await table.show(); // a markdown table, then "1 exact, 0 in range, 0 differ"
 * await nb.writeSummary({ loss: 2.3098802440910484 });
 * ```
 *
 * A row of the table is in one of three states:
 *
 * - **exact**: every value rounds to the digits the original printed (texts: equal);
 * - **in range**: not exact, but inside a stated range, with where the range comes from in words
 *   (an unseeded original, the spread over random starts, a threshold the original set);
 * - **differs**: neither, with a one-line reason. A row may be *expected* to differ (the reason
 *   is then given beforehand, e.g. a bug in the original); a row expected to be exact or in range
 *   that is not ends up "differs" too, marked as unexpected, and the tests fail on it.
 *
 * @module
 */

import { writeFileAtomic } from "../lib/files/mod.ts";
import type { Figure } from "../lib/plot/mod.ts";

/** The three states of a reproduction row. */
export type RowState = "exact" | "in range" | "differs";

/**
 * An accepted range for a number that cannot be reproduced digit for digit. Every bound given
 * must hold for every value of the row.
 */
export interface Range {
  /** |here − original| ≤ `within`. */
  within?: number;
  /** |here − original| ≤ `relative` · |original|. */
  relative?: number;
  /** here ≥ `low`. */
  low?: number;
  /** here ≤ `high`. */
  high?: number;
  /** Where the range comes from, in words (shown in the table). */
  why: string;
}

/** What a row is compared with: the original's printed value and what to expect of it. */
export interface Expectation {
  /** The value as the original printed it, e.g. `"0.4194"`, `"[0. 1. 0.5]"`, `"(160, 3)"`. */
  original: string;
  /** Where `original` comes from when the original notebook did not print it (shown in words). */
  source?: string;
  /** The accepted range when the row cannot be exact. */
  range?: Range;
  /** Why the row is expected to differ (one line). */
  differs?: string;
}

/** The observed value of a row: a number, numbers, a tensor-like `{ data }`, or a text. */
export type Observed = number | ArrayLike<number> | { readonly data: ArrayLike<number> } | string;

/** Options of {@link ReproductionTable.row}. */
export interface RowOptions extends Partial<Expectation> {
  /** The text shown in the "here" column (default: the values at the printed digits). */
  shown?: string;
}

/** One compared row, as shown and as written to the summary file. */
export interface Row {
  /** What is compared, e.g. `"1.6 R1 epoch 0"`. */
  quantity: string;
  /** The original's value as printed. */
  original: string;
  /** Where the original value comes from, when not printed by the original. */
  source?: string;
  /** The value computed here, as shown. */
  here: string;
  /** The state reached. */
  state: RowState;
  /** The state the row was expected to reach (`"differs"` when a reason was given beforehand). */
  expected: RowState;
  /** The range (as text) for "in range", the reason for "differs", else empty. */
  note: string;
  /** False when the row did worse than expected (an exact row that is only in range, ...). */
  asExpected: boolean;
}

/** How many rows are in each state. */
export interface StateCounts {
  /** Rows equal to the printed digits. */
  exact: number;
  /** Rows inside their stated range. */
  inRange: number;
  /** Rows that differ. */
  differs: number;
}

/** What the summary file holds of a reproduction table. */
export interface TableSummary {
  /** Every row. */
  rows: Row[];
  /** Rows per state. */
  counts: StateCounts;
  /** The closing line, e.g. `"31 exact, 5 in range, 4 differ"`. */
  line: string;
  /** Rows that did worse than expected (none in a healthy run). */
  unexpected: number;
}

const RANK: Record<RowState, number> = { "differs": 0, "in range": 1, "exact": 2 };

/** A printed number: its value and how to round another number to the same digits. */
export interface PrintedNumber {
  /** The number as printed (without a trailing `%`). */
  text: string;
  /** Its value. */
  value: number;
  /** Half a unit of the last printed digit (0.00005 for "0.4194"). */
  halfUnit: number;
  /** Formats another number to the same digits. */
  round: (v: number) => string;
}

/**
 * Splits a printed value into numbers, with the digits each was printed to: `"[0.5 -1.25]"`,
 * `"[[0. 1.] [1. 0.]]"`, `"8.8e-07"`, `"90.00%"`. Returns null when a token is not a number.
 *
 * @example
 * ```ts
 * parsePrinted("[0.569719 -0.24]")!.map((t) => t.round(0.5697194)); // ["0.569719", "0.57"]
 * ```
 */
export function parsePrinted(printed: string): PrintedNumber[] | null {
  const texts = printed.replace(/[[\],]/g, " ").trim().split(/\s+/).filter((t) => t !== "");
  if (texts.length === 0) return null;
  const tokens: PrintedNumber[] = [];
  for (const raw of texts) {
    const text = raw.endsWith("%") ? raw.slice(0, -1) : raw;
    const m = /^[-+]?(\d+)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
    if (m === null) return null;
    const decimals = m[2]?.length ?? 0;
    const value = Number(text);
    const exponent = m[3] !== undefined;
    const round = exponent
      ? (v: number) => v.toExponential(decimals)
      : (v: number) => v.toFixed(decimals);
    const unit = exponent
      ? 10 ** (Math.floor(Math.log10(Math.abs(value) || 1)) - decimals)
      : 10 ** -decimals;
    tokens.push({ text, value, halfUnit: unit / 2, round });
  }
  return tokens;
}

/** The numbers of an observed value, or null for a text. */
function numbersOf(here: Observed): number[] | null {
  if (typeof here === "string") return null;
  if (typeof here === "number") return [here];
  const values = "data" in here && typeof here.data === "object" ? here.data : here;
  return Array.from(values as ArrayLike<number>);
}

/** The range as shown in the table, e.g. `"±0.03 (the lab's weights were not seeded)"`. */
export function describeRange(range: Range): string {
  const parts: string[] = [];
  if (range.within !== undefined) parts.push(`±${range.within}`);
  if (range.relative !== undefined) parts.push(`±${range.relative} relative`);
  if (range.low !== undefined && range.high !== undefined) {
    parts.push(`between ${range.low} and ${range.high}`);
  } else if (range.low !== undefined) parts.push(`≥ ${range.low}`);
  else if (range.high !== undefined) parts.push(`≤ ${range.high}`);
  return `${parts.join(", ")} (${range.why})`;
}

/**
 * Whether `value` is inside `range` around the printed token. Distances to the printed value
 * allow half a unit of its last printed digit, since the printed value is itself rounded.
 */
function inside(value: number, token: PrintedNumber, range: Range): boolean {
  if (!Number.isFinite(value)) return false;
  const d = Math.max(0, Math.abs(value - token.value) - token.halfUnit);
  if (range.within !== undefined && !(d <= range.within)) return false;
  if (range.relative !== undefined && !(d <= range.relative * Math.abs(token.value))) return false;
  if (range.low !== undefined && !(value >= range.low)) return false;
  if (range.high !== undefined && !(value <= range.high)) return false;
  return true;
}

/**
 * Compares one observed value with its expectation and returns the row: the state reached, the
 * "here" text (the values rounded to the printed digits unless `shown` is given) and the note.
 *
 * @example
 * ```ts
 * compareRow("loss", 0.41937, { original: "0.4194" }).state; // "exact"
 * compareRow("loss", 0.4231, {
 *   original: "0.4194",
 *   range: { within: 0.01, why: "the original's start was not seeded" },
 * }).state; // "in range"
 * ```
 */
export function compareRow(
  quantity: string,
  here: Observed,
  expectation: Expectation & { shown?: string },
): Row {
  const { original, source, range, differs } = expectation;
  const expected: RowState = differs !== undefined ? "differs" : range ? "in range" : "exact";
  const numbers = numbersOf(here);
  const tokens = numbers === null ? null : parsePrinted(original);
  let state: RowState = "differs";
  let shown: string;
  let why = "";
  if (numbers === null || tokens === null) {
    shown = numbers === null ? String(here) : numbers.map(String).join(" ");
    const same = shown.replace(/\s+/g, " ").trim() === original.replace(/\s+/g, " ").trim();
    if (same) state = "exact";
    else if (numbers !== null) why = "the original is not a number";
  } else {
    const rounded = numbers.map((v, i) => tokens[i]?.round(v) ?? String(v));
    const bracketed = original.trim().startsWith("[");
    shown = bracketed ? `[${rounded.join(" ")}]` : rounded.join(" ");
    if (original.trim().endsWith("%")) shown += "%";
    if (numbers.length !== tokens.length) {
      why = `${numbers.length} values here, ${tokens.length} printed`;
    } else if (numbers.every((v, i) => Number(tokens[i].round(v)) === tokens[i].value)) {
      state = "exact";
    } else if (range && numbers.every((v, i) => inside(v, tokens[i], range))) {
      state = "in range";
    }
  }
  let note = "";
  if (state === "in range") note = describeRange(range!);
  else if (state === "differs") {
    if (differs !== undefined) note = differs;
    else if (range) note = `outside the range ${describeRange(range)}`;
    else note = why || "not equal to the printed digits";
  }
  return {
    quantity,
    original,
    ...(source ? { source } : {}),
    here: expectation.shown ?? shown,
    state,
    expected,
    note,
    asExpected: RANK[state] >= RANK[expected],
  };
}

/** Counts the rows per state. */
export function countStates(rows: readonly Row[]): StateCounts {
  return {
    exact: rows.filter((r) => r.state === "exact").length,
    inRange: rows.filter((r) => r.state === "in range").length,
    differs: rows.filter((r) => r.state === "differs").length,
  };
}

/**
 * The closing line of a table.
 *
 * @example
 * ```ts
 * stateLine({ exact: 31, inRange: 5, differs: 4 }); // "31 exact, 5 in range, 4 differ"
 * ```
 */
export function stateLine(counts: StateCounts): string {
  const differ = counts.differs === 1 ? "differs" : "differ";
  return `${counts.exact} exact, ${counts.inRange} in range, ${counts.differs} ${differ}`;
}

/** A table cell: code-formatted, on one line, with `|` escaped. */
function codeCell(text: string): string {
  return `\`${text.replace(/\s+/g, " ").replace(/\|/g, "\\|").replace(/`/g, "'")}\``;
}

/** A markdown cell with `|` escaped. */
function textCell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\|/g, "\\|");
}

/** The rows as a markdown table (quantity, original, here, state). */
export function markdownTable(rows: readonly Row[]): string {
  const state = (r: Row) => {
    const unexpected = r.asExpected ? "" : ` (expected ${r.expected})`;
    const note = textCell(r.note);
    if (r.state === "exact") return `✓ exact${unexpected}`;
    if (r.state === "in range") return `≈ in range ${note}${unexpected}`;
    return `✗ differs${unexpected}: ${note}`;
  };
  return [
    "| quantity | original | here | state |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) =>
      `| ${textCell(r.quantity)} | ${codeCell(r.original)}${
        r.source ? ` (${textCell(r.source)})` : ""
      } | ${codeCell(r.here)} | ${state(r)} |`
    ),
  ].join("\n");
}

/** The rows as plain text, one per line (the fallback Jupyter shows outside a browser). */
export function plainTable(rows: readonly Row[]): string {
  return rows.map((r) => `${r.state.padEnd(8)}  ${r.quantity}: ${r.here}`).join("\n");
}

/**
 * A reproduction table: expectations by quantity (usually read from `notebooks/data/*.json`),
 * filled one row at a time with the values computed in the notebook.
 */
export class ReproductionTable {
  /** The compared rows, in the order they were added. */
  readonly rows: Row[] = [];
  #expectations: Record<string, Expectation>;

  /** A table over `expectations` (quantity → expectation); rows may also bring their own. */
  constructor(expectations: Record<string, Expectation> = {}) {
    this.#expectations = expectations;
  }

  /**
   * Adds the row `quantity` with the value computed here. Its expectation comes from the table's
   * expectations, with `options` on top (an `original` for generated rows, a `differs` reason
   * known only at run time, a `shown` text).
   */
  row(quantity: string, here: Observed, options: RowOptions = {}): Row {
    const base = this.#expectations[quantity];
    const original = options.original ?? base?.original;
    if (original === undefined) {
      throw new Error(`ReproductionTable.row: no original value for "${quantity}"`);
    }
    const row = compareRow(quantity, here, { ...base, ...options, original });
    this.rows.push(row);
    return row;
  }

  /** Rows per state. */
  counts(): StateCounts {
    return countStates(this.rows);
  }

  /** The closing line, e.g. `"31 exact, 5 in range, 4 differ"`. */
  line(): string {
    return stateLine(this.counts());
  }

  /** The table for the summary file. */
  toJSON(): TableSummary {
    return {
      rows: this.rows,
      counts: this.counts(),
      line: this.line(),
      unexpected: this.rows.filter((r) => !r.asExpected).length,
    };
  }

  /**
   * Shows the table (markdown in Jupyter, text elsewhere) and prints the closing line. Throws when
   * an expectation was never filled, so that a row cannot silently drop out.
   */
  async show(): Promise<void> {
    const filled = new Set(this.rows.map((r) => r.quantity));
    const missing = Object.keys(this.#expectations).filter((q) => !filled.has(q));
    if (missing.length > 0) {
      throw new Error(`ReproductionTable.show: rows never filled: ${missing.join("; ")}`);
    }
    const bundle = {
      "text/markdown": markdownTable(this.rows),
      "text/plain": plainTable(this.rows),
    };
    const api = jupyter();
    if (api) await api.display(bundle, { raw: true });
    else console.log(bundle["text/plain"]);
    const unexpected = this.rows.filter((r) => !r.asExpected);
    console.log(
      this.line() + (unexpected.length > 0 ? ` (${unexpected.length} worse than expected)` : ""),
    );
  }
}

/** Deno's Jupyter API inside the kernel, else null (reading `Deno.jupyter` outside throws). */
function jupyter(): { display(obj: unknown, options?: { raw?: boolean }): Promise<void> } | null {
  try {
    const api = (Deno as unknown as { jupyter?: { display?: unknown } }).jupyter;
    return api && typeof api.display === "function"
      ? api as { display(obj: unknown, options?: { raw?: boolean }): Promise<void> }
      : null;
  } catch {
    return null;
  }
}

/**
 * Writes `text` to `path` atomically with the library's writer: a temporary file in the same
 * folder, then a rename; leftovers of an earlier killed write are removed.
 */
export function writeAtomic(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, text, { op: "writeAtomic" });
}

/** The notebook's context: its name, mode, output folder and summary. */
export class Notebook {
  /** The notebook's file name without `.ipynb`. */
  readonly name: string;
  /** Quick mode (`NOTEBOOK_QUICK=1`): shorter runs, for a fast check that everything works. */
  readonly quick: boolean;
  /** The folder for figures, models and the summary: `NOTEBOOK_OUT`, else `out/<name>/`. */
  readonly out: string;
  /** Key results, written by {@link Notebook.writeSummary}. */
  readonly summary: Record<string, unknown>;
  /** The notebook's reproduction tables, in the order they were made. */
  readonly tables: ReproductionTable[] = [];

  /** Prefer {@link openNotebook}. */
  constructor(name: string, env: { quick?: string; out?: string } = {}) {
    this.name = name;
    this.quick = ["1", "true", "yes"].includes((env.quick ?? "").toLowerCase());
    this.out = env.out ?? new URL(`../out/${name}`, import.meta.url).pathname;
    this.summary = { notebook: name, quick: this.quick };
  }

  /** Shows a figure in the notebook and saves it as `<file>.svg` and `<file>.png` in `out`. */
  async show(figure: Figure, file: string): Promise<void> {
    await figure.save(`${this.out}/${file}.svg`);
    await figure.save(`${this.out}/${file}.png`);
    await figure.show();
  }

  /** Reads a JSON file of `notebooks/data/`. */
  async readData<T = unknown>(file: string): Promise<T> {
    return JSON.parse(await Deno.readTextFile(new URL(`./data/${file}`, import.meta.url))) as T;
  }

  /** A new reproduction table over `expectations` (quantity → expectation). */
  table(expectations: Record<string, Expectation> = {}): ReproductionTable {
    const table = new ReproductionTable(expectations);
    this.tables.push(table);
    return table;
  }

  /**
   * Adds `results` to the summary, with the reproduction tables and a headline that counts the
   * rows per state, writes `summary.json` into `out` atomically and prints the headline.
   */
  async writeSummary(results: Record<string, unknown> = {}, headlineExtra = ""): Promise<void> {
    const rows = this.tables.flatMap((t) => t.rows);
    const counts = countStates(rows);
    const headline = `reproduction: ${stateLine(counts)}${
      headlineExtra ? `; ${headlineExtra}` : ""
    }`;
    Object.assign(this.summary, results, {
      headline,
      reproduction: {
        rows,
        counts,
        line: stateLine(counts),
        unexpected: rows.filter((r) => !r.asExpected).length,
      } satisfies TableSummary,
    });
    await Deno.mkdir(this.out, { recursive: true });
    await writeAtomic(`${this.out}/summary.json`, JSON.stringify(this.summary, null, 1) + "\n");
    console.log(headline);
  }
}

/**
 * Opens the notebook `name`: reads quick mode (`NOTEBOOK_QUICK`) and the output folder
 * (`NOTEBOOK_OUT`, else `out/<name>/` at the repository root), creates that folder and prints
 * one line saying both.
 *
 * @example
 * ```ts
 * const nb = openNotebook("00_classifiers_step_by_step");
 * const epochs = nb.quick ? 3 : 100;
 * ```
 */
export function openNotebook(name: string): Notebook {
  const nb = new Notebook(name, {
    quick: Deno.env.get("NOTEBOOK_QUICK"),
    out: Deno.env.get("NOTEBOOK_OUT") || undefined,
  });
  Deno.mkdirSync(nb.out, { recursive: true });
  console.log(`quick mode: ${nb.quick}; figures and results go to out/${name}/`);
  return nb;
}
