/**
 * Builds the notebooks (`notebooks/<name>.ipynb`) from their sources (`notebooks/<name>.ts`),
 * TypeScript modules in the "percent" format that jupytext and VS Code also read:
 *
 * ```ts
 * // %% [markdown]
 * // # A heading
 * // Some *markdown*, each line behind `// `.
 *
 * // %%
 * const x = 1; // a code cell runs until the next `// %%` line
 * ```
 *
 * Lines before the first `// %%` are a header for readers of the source and are not copied. The
 * notebook is written without outputs; `deno task notebooks --inplace` executes it and stores the
 * outputs. A source is a module where it stands (its `../lib/mod.ts` resolves as it does in the
 * Jupyter kernel), so `deno check` and `deno lint` read it directly.
 *
 * ```sh
 * deno run -A notebooks/build_notebooks.ts                    # every notebook
 * deno run -A notebooks/build_notebooks.ts 01                 # the notebooks whose name has "01"
 * deno run -A notebooks/build_notebooks.ts --check            # fail when a notebook is stale
 * ```
 *
 * Only files named like `00_name.ts` are notebook sources; the other modules here (the support
 * module, the runner, this builder) are skipped.
 *
 * @module
 */

/** One notebook cell before serialisation. */
export interface SourceCell {
  /** `"markdown"` or `"code"`. */
  kind: "markdown" | "code";
  /** The cell text, without trailing blank lines. */
  text: string;
}

const MARKER = /^\/\/ %%(?:\s+\[(markdown|md)\])?\s*$/;

/** Splits a percent-format source into cells. */
export function parseCells(source: string): SourceCell[] {
  const cells: SourceCell[] = [];
  let current: { kind: "markdown" | "code"; lines: string[] } | null = null;
  const flush = () => {
    if (current === null) return;
    const text = current.lines.join("\n").replace(/\s+$/, "");
    if (text !== "") cells.push({ kind: current.kind, text });
  };
  for (const line of source.split("\n")) {
    const m = MARKER.exec(line);
    if (m) {
      flush();
      current = { kind: m[1] ? "markdown" : "code", lines: [] };
    } else if (current?.kind === "markdown") {
      // Markdown lines sit behind `// ` so that the source stays a valid TypeScript file.
      if (line.trim() !== "" && !line.startsWith("//")) {
        throw new Error(`build_notebooks: markdown line without "//": ${JSON.stringify(line)}`);
      }
      current.lines.push(line.replace(/^\/\/ ?/, ""));
    } else if (current !== null) {
      current.lines.push(line);
    }
  }
  flush();
  return cells;
}

/** Jupyter stores cell sources as lines that keep their `\n`. */
function sourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));
}

/** Serialises cells as an nbformat 4.5 notebook for the Deno kernel (no outputs). */
export function toNotebook(cells: readonly SourceCell[]): string {
  const nb = {
    cells: cells.map((cell, i) => {
      // Stable ids keep the diffs of the committed notebook small.
      const id = `c${String(i).padStart(3, "0")}`;
      return cell.kind === "markdown"
        ? { cell_type: "markdown", id, metadata: {}, source: sourceLines(cell.text) }
        : {
          cell_type: "code",
          execution_count: null,
          id,
          metadata: {},
          outputs: [],
          source: sourceLines(cell.text),
        };
    }),
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: {
        codemirror_mode: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        name: "typescript",
        nbconvert_exporter: "script",
        pygments_lexer: "typescript",
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + "\n";
}

/** The cells of a notebook file (kind and text), ignoring outputs and ids. */
export function cellsOfNotebook(json: string): SourceCell[] {
  const nb = JSON.parse(json);
  return nb.cells.map((cell: { cell_type: string; source: string | string[] }) => ({
    kind: cell.cell_type === "markdown" ? "markdown" : "code",
    text: Array.isArray(cell.source) ? cell.source.join("") : cell.source,
  }));
}

/** Whether a notebook's cells are exactly its source's (outputs aside). */
export function upToDate(notebook: readonly SourceCell[], source: readonly SourceCell[]): boolean {
  return notebook.length === source.length &&
    notebook.every((c, i) => c.kind === source[i].kind && c.text === source[i].text);
}

/** Notebook sources are named `<two digits>_<name>.ts`; other modules here are not notebooks. */
export const SOURCE_NAME: RegExp = /^\d\d_[a-z0-9_]+\.ts$/;

if (import.meta.main) {
  const here = new URL(".", import.meta.url).pathname;
  const checkOnly = Deno.args.includes("--check");
  const args = Deno.args.filter((a) => a !== "--check");
  // Arguments select sources by a part of their name ("01", "01_neural_network_from_scratch").
  const names = [...Deno.readDirSync(here)]
    .filter((e) => e.isFile && SOURCE_NAME.test(e.name))
    .map((e) => e.name.slice(0, -3))
    .filter((name) =>
      args.length === 0 || args.some((a) => name.includes(a.replace(/\.(ts|ipynb)$/, "")))
    )
    .sort();
  if (names.length === 0) {
    console.error(`build_notebooks: no notebook source in notebooks/ matches ${args.join(" ")}`);
    Deno.exit(1);
  }
  let stale = 0;
  for (const name of names) {
    const cells = parseCells(Deno.readTextFileSync(`${here}${name}.ts`));
    const target = `${here}${name}.ipynb`;
    if (checkOnly) {
      let current: SourceCell[] = [];
      try {
        current = cellsOfNotebook(Deno.readTextFileSync(target));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      const ok = upToDate(current, cells);
      if (!ok) stale++;
      console.log(`${ok ? "ok   " : "STALE"} notebooks/${name}.ipynb`);
      continue;
    }
    // Written to a temporary file first, so that a notebook is never left half-written.
    Deno.writeTextFileSync(`${target}.tmp`, toNotebook(cells));
    Deno.renameSync(`${target}.tmp`, target);
    console.log(`wrote notebooks/${name}.ipynb (${cells.length} cells)`);
  }
  if (stale > 0) {
    console.log(
      `${stale} notebook(s) differ from their source: deno run -A notebooks/build_notebooks.ts`,
    );
    Deno.exit(1);
  }
}
