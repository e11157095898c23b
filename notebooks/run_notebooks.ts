/**
 * Executes every `notebooks/*.ipynb` headless through Jupyter with the Deno kernel.
 *
 * ```sh
 * deno task notebooks                 # full assignments
 * NOTEBOOK_QUICK=1 deno task notebooks   # quick mode (fewer epochs), as CI runs them
 * deno task notebooks 01              # only the notebooks whose name contains "01"
 * deno task notebooks --inplace       # also write the executed notebooks back (to commit them)
 * ```
 *
 * For each notebook it writes `out/<name>/<name>.ipynb` (executed, with outputs); the notebook
 * itself writes its figures, `summary.json` and ONNX models into the same folder, which it finds in
 * the `NOTEBOOK_OUT` environment variable (read by `notebooks/support.ts`). The notebooks are
 * built from their sources `notebooks/<name>.ts` by `notebooks/build_notebooks.ts`; rebuild them
 * before running after editing a source. One line per notebook is printed; a failing cell is
 * shown with its index, its source and the error, and the exit code is non-zero.
 *
 * Options: `--quick` (same as `NOTEBOOK_QUICK=1`), `--inplace`, `--timeout=<seconds per cell>`
 * (default 600 in quick mode and 14400 in full mode, or `NOTEBOOK_CELL_TIMEOUT`), `--no-install`
 * (leave the kernelspec alone),
 * `--dir=<folder>` (run the notebooks of another folder) and `--out=<folder>` (write outputs there
 * instead of `out/`).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { writeFileAtomicSync } from "../lib/files/mod.ts";

/** The repository root (this file lives in `<root>/notebooks/`), decoded (`%20` is a space). */
const ROOT: string = fileURLToPath(new URL("..", import.meta.url)).replace(/[\\/]$/, "");
/** This folder: where the notebooks and `nbconvert_deno.py` live. */
const HERE = join(ROOT, "notebooks");
const KERNEL_NAME = "deno";

/** Options of one `run_notebooks.ts` invocation. */
export interface RunOptions {
  /** Quick mode: the notebooks shrink epochs/data (exported to them as `NOTEBOOK_QUICK=1`). */
  quick: boolean;
  /** Copy each executed notebook back over its source in `notebooks/`. */
  inplace: boolean;
  /** Per-cell timeout in seconds. */
  timeout: number;
  /** (Re)install the Deno kernelspec when it does not point at this Deno. */
  install: boolean;
  /** Substrings selecting notebooks by file name; all notebooks when empty. */
  filters: string[];
  /** The folder whose `*.ipynb` are run (default `notebooks/`). */
  dir: string;
  /** The folder that receives `<name>/<name>.ipynb` and the notebooks' files (default `out/`). */
  out: string;
}

/** The result of executing one notebook. */
export interface NotebookResult {
  /** File name without `.ipynb`. */
  name: string;
  /** Whether every cell ran without error. */
  ok: boolean;
  /** Wall-clock seconds. */
  seconds: number;
  /** Readable failure description (cell index, source, error), empty when ok. */
  error: string;
}

const INSTALL_HELP = `Jupyter's nbconvert was not found, and the notebooks run through it.
Install it with one of:
  Debian/Ubuntu:  sudo apt-get install jupyter-nbconvert python3-nbclient python3-jupyter-client
  any OS (pip):   python3 -m pip install nbconvert nbclient jupyter_client
then run \`deno task notebooks\` again (the Deno kernelspec is installed automatically).`;

/** Parses command-line arguments and environment variables into {@link RunOptions}. */
export function parseArgs(args: string[]): RunOptions {
  const envQuick = Deno.env.get("NOTEBOOK_QUICK");
  const options: RunOptions = {
    quick: envQuick !== undefined && envQuick !== "" && envQuick !== "0",
    inplace: false,
    timeout: NaN, // set below: quick and full mode have different defaults
    install: true,
    filters: [],
    dir: HERE,
    out: join(ROOT, "out"),
  };
  for (const arg of args) {
    if (arg === "--quick") options.quick = true;
    else if (arg === "--inplace") options.inplace = true;
    else if (arg === "--no-install") options.install = false;
    else if (arg.startsWith("--timeout=")) options.timeout = Number(arg.slice("--timeout=".length));
    else if (arg.startsWith("--dir=")) options.dir = arg.slice("--dir=".length);
    else if (arg.startsWith("--out=")) options.out = arg.slice("--out=".length);
    else if (arg.startsWith("-")) throw new Error(`run_notebooks: unknown option ${arg}`);
    else options.filters.push(arg);
  }
  if (Number.isNaN(options.timeout)) {
    const fromEnv = Deno.env.get("NOTEBOOK_CELL_TIMEOUT");
    // A full run's longest cell (notebook 04's 1,100 full-batch epochs) takes 10-25 minutes on a
    // 2-core machine; quick-mode cells take seconds, so a hang there is caught early.
    options.timeout = fromEnv ? Number(fromEnv) : options.quick ? 600 : 4 * 3600;
  }
  if (!(options.timeout > 0)) {
    throw new Error(`run_notebooks: the cell timeout must be > 0 seconds, got ${options.timeout}`);
  }
  return options;
}

/** Runs a command and returns its exit code and decoded output; `null` when it does not exist. */
async function capture(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string } | null> {
  // A missing working folder also fails with NotFound: say so rather than "command not found".
  if (!isDirectory(ROOT)) throw new Error(`run_notebooks: the folder ${ROOT} does not exist`);
  try {
    const out = await new Deno.Command(cmd, { args, env, cwd: ROOT, stdin: "null" }).output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** True when `jupyter nbconvert` runs. */
async function hasNbconvert(): Promise<boolean> {
  const r = await capture("jupyter", ["nbconvert", "--version"]);
  return r !== null && r.code === 0;
}

/** The "deno" kernelspec Jupyter would use: its folder and the executable it starts. */
async function findKernelspec(): Promise<{ dir: string; exe: string } | null> {
  const list = await capture("jupyter", ["kernelspec", "list", "--json"]);
  if (list === null || list.code !== 0) return null;
  const spec = JSON.parse(list.stdout).kernelspecs?.[KERNEL_NAME];
  if (!spec?.resource_dir || !spec?.spec?.argv?.[0]) return null;
  return { dir: spec.resource_dir, exe: spec.spec.argv[0] };
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** Whether two paths name the same file (following symbolic links). */
function sameFile(a: string, b: string): boolean {
  try {
    return Deno.realPathSync(a) === Deno.realPathSync(b);
  } catch {
    return false;
  }
}

/**
 * Makes sure Jupyter's "deno" kernelspec starts this very Deno (`Deno.execPath()`), so the
 * notebooks run with the same Deno version as the tests. Reinstalls it with
 * `deno jupyter --install --force` when it is missing or points elsewhere, then pins the
 * executable path in `kernel.json` (deno writes the path it was invoked by, which may be a link
 * that another Deno shadows later).
 */
async function ensureKernelspec(): Promise<void> {
  const before = await findKernelspec();
  if (before && sameFile(before.exe, Deno.execPath())) return;
  const r = await capture(Deno.execPath(), ["jupyter", "--install", "--force"]);
  if (r === null || r.code !== 0) {
    throw new Error(`run_notebooks: \`deno jupyter --install\` failed:\n${r?.stderr ?? ""}`);
  }
  const after = await findKernelspec();
  if (after === null) throw new Error("run_notebooks: Jupyter does not list the Deno kernelspec");
  if (!sameFile(after.exe, Deno.execPath())) {
    const file = `${after.dir}/kernel.json`;
    const spec = JSON.parse(Deno.readTextFileSync(file));
    spec.argv[0] = Deno.execPath();
    writeFileAtomicSync(file, JSON.stringify(spec, null, 2) + "\n");
  }
  console.log(`installed the Jupyter kernelspec "${KERNEL_NAME}" -> ${Deno.execPath()}`);
}

/** The notebooks to run: `<dir>/*.ipynb` sorted by name, filtered. */
function listNotebooks(dir: string, filters: string[]): string[] {
  const names: string[] = [];
  if (!isDirectory(dir)) {
    throw new Error(`run_notebooks: the notebook folder ${dir} does not exist`);
  }
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".ipynb")) continue;
    const name = entry.name.slice(0, -".ipynb".length);
    if (filters.length === 0 || filters.some((f) => name.includes(f))) names.push(name);
  }
  return names.sort();
}

/** Removes terminal colour codes (the Deno kernel colours its tracebacks). */
function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Finds which code cell of a notebook has exactly this source (for the error report). */
function cellIndexOf(notebookPath: string, source: string): number {
  const nb = JSON.parse(Deno.readTextFileSync(notebookPath));
  const wanted = source.trim();
  return nb.cells.findIndex((cell: { source: string | string[] }) => {
    const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    return text.trim() === wanted;
  });
}

/**
 * Turns nbconvert's stderr into a short report: the failing cell's index and source and the
 * kernel's error; for a dead kernel, the report `nbconvert_deno.py` wrote (the cell's index,
 * source and last output); nbconvert's own last lines otherwise.
 */
export function describeFailure(notebookPath: string, stderr: string): string {
  const text = stripAnsi(stderr);
  const dead = /^DEAD_KERNEL_BEGIN\n([\s\S]*?)\nDEAD_KERNEL_END$/m.exec(text);
  if (dead) return dead[1].trim();
  const marker = text.search(
    /An error occurred while executing the following cell:|A cell timed out/,
  );
  if (marker < 0) return text.trim().split("\n").slice(-25).join("\n");
  const report = text.slice(marker).trim();
  const parts = report.split(/^-{10,}$/m);
  if (parts.length >= 3) {
    const index = cellIndexOf(notebookPath, parts[1]);
    if (index >= 0) return `cell ${index} (counting from 0) failed:\n${report}`;
  }
  return report;
}

/** Executes one notebook with `jupyter nbconvert --execute` and collects the result. */
async function runNotebook(name: string, options: RunOptions): Promise<NotebookResult> {
  const source = join(options.dir, `${name}.ipynb`);
  const outDir = join(options.out, name);
  Deno.mkdirSync(outDir, { recursive: true });
  // A summary left from an earlier run must not pass for this run's.
  try {
    Deno.removeSync(join(outDir, "summary.json"));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const env: Record<string, string> = {
    NOTEBOOK_OUT: outDir,
    NOTEBOOK_QUICK: options.quick ? "1" : "0",
    NO_COLOR: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONPATH: [HERE, Deno.env.get("PYTHONPATH")].filter(Boolean).join(":"),
  };
  const start = performance.now();
  const r = await capture("jupyter", [
    "nbconvert",
    "--to",
    "notebook",
    // `--execute`, with a preprocessor that also keeps outputs the Deno kernel publishes just
    // after reporting idle (see nbconvert_deno.py); plain `--execute` loses some of them.
    "--Exporter.preprocessors=nbconvert_deno.DenoExecutePreprocessor",
    `--DenoExecutePreprocessor.timeout=${options.timeout}`,
    `--DenoExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
    // No per-cell timestamps in the stored notebook: they would change on every run.
    "--DenoExecutePreprocessor.record_timing=False",
    "--output-dir",
    outDir,
    "--output",
    `${name}.ipynb`,
    source,
  ], env);
  const seconds = (performance.now() - start) / 1000;
  if (r === null) throw new Error(INSTALL_HELP);
  if (r.code !== 0) return { name, ok: false, seconds, error: describeFailure(source, r.stderr) };
  if (options.inplace) {
    writeFileAtomicSync(source, Deno.readFileSync(join(outDir, `${name}.ipynb`)));
  }
  return { name, ok: true, seconds, error: "" };
}

/** A one-line headline from the notebook's `summary.json`, when it wrote one. */
function headline(out: string, name: string): string {
  try {
    const summary = JSON.parse(Deno.readTextFileSync(join(out, name, "summary.json")));
    return typeof summary.headline === "string" ? `  ${summary.headline}` : "";
  } catch {
    return "";
  }
}

/** Runs the selected notebooks and returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const options = parseArgs(args);
  if (options.inplace && options.quick) {
    console.error("run_notebooks: --inplace writes committed notebooks; run it without quick mode");
    return 2;
  }
  if (!(await hasNbconvert())) {
    console.error(INSTALL_HELP);
    return 2;
  }
  if (options.install) await ensureKernelspec();
  const names = listNotebooks(options.dir, options.filters);
  if (names.length === 0) {
    console.error(
      `run_notebooks: no notebook in ${options.dir} matches ${options.filters.join(" ")}`,
    );
    return 1;
  }
  const mode = options.quick ? "quick mode" : "full mode";
  console.log(`running ${names.length} notebook(s) in ${mode}, outputs under ${options.out}`);
  let failures = 0;
  for (const name of names) {
    const result = await runNotebook(name, options);
    const time = `${result.seconds.toFixed(1)} s`.padStart(8);
    if (result.ok) {
      console.log(`ok    ${name}  ${time}${headline(options.out, name)}`);
    } else {
      failures++;
      console.log(`FAIL  ${name}  ${time}`);
      console.log(result.error.replace(/^/gm, "      "));
    }
  }
  return failures === 0 ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(2);
  }
}
