/**
 * Builds a notebook (`notebooks/<name>.ipynb`) from its reviewable source
 * (`notebooks/build/<name>.ts`), a TypeScript file in the "percent" format that jupytext and
 * VS Code also read:
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
 * Lines before the first `// %%` are a header for reviewers and are not copied. The notebook is
 * written without outputs; `deno task notebooks --inplace` executes it and stores the outputs.
 *
 * ```sh
 * deno run -A notebooks/build/build_notebook.ts 01_neural_network_from_scratch
 * deno run -A notebooks/build/build_notebook.ts --check   # type-check the code cells instead
 * ```
 *
 * `--check` joins the code cells of each notebook into one module next to the notebooks (so that
 * `../lib/mod.ts` resolves as it does in the kernel), runs `deno check` on it and removes it: the
 * Jupyter kernel does not type-check, so this is where API mismatches show up before a run.
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
        throw new Error(`build_notebook: markdown line without "//": ${JSON.stringify(line)}`);
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

/** The code cells joined into one TypeScript module, as the kernel runs them in order. */
export function codeOf(cells: readonly SourceCell[]): string {
  return cells.filter((c) => c.kind === "code").map((c) => c.text).join("\n\n") + "\n";
}

/** Type-checks the code cells of a notebook source with `deno check`; returns success. */
async function check(name: string, cells: readonly SourceCell[], here: string): Promise<boolean> {
  const file = `${here}../.check_${name}.ts`;
  Deno.writeTextFileSync(file, codeOf(cells));
  try {
    const out = await new Deno.Command(Deno.execPath(), { args: ["check", file] }).output();
    const text = new TextDecoder().decode(out.stderr);
    console.log(`${out.code === 0 ? "ok  " : "FAIL"} deno check ${name}`);
    if (out.code !== 0) console.log(text);
    return out.code === 0;
  } finally {
    Deno.removeSync(file);
  }
}

if (import.meta.main) {
  const here = new URL(".", import.meta.url).pathname;
  const checkOnly = Deno.args.includes("--check");
  const args = Deno.args.filter((a) => a !== "--check");
  const names = args.length > 0 ? args : [...Deno.readDirSync(here)]
    .filter((e) => e.isFile && /^\d\d_.*\.ts$/.test(e.name))
    .map((e) => e.name.slice(0, -3))
    .sort();
  let ok = true;
  for (const name of names) {
    const cells = parseCells(Deno.readTextFileSync(`${here}${name}.ts`));
    if (checkOnly) {
      ok = (await check(name, cells, here)) && ok;
      continue;
    }
    Deno.writeTextFileSync(`${here}../${name}.ipynb`, toNotebook(cells));
    console.log(`wrote notebooks/${name}.ipynb (${cells.length} cells)`);
  }
  if (!ok) Deno.exit(1);
}
