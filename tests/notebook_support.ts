/**
 * What every notebook test shares: run one notebook headless in quick mode through
 * `notebooks/run_notebooks.ts` (Jupyter with the Deno kernel) and read back its `summary.json`;
 * `assertClose` (from tests/assert_close.ts) checks the numbers.
 */
import assert from "node:assert/strict";

/** A parsed JSON value (summaries and fixtures are checked field by field). */
// deno-lint-ignore no-explicit-any
export type Json = any;

const ROOT = new URL("..", import.meta.url);

/**
 * Runs notebook `name` in quick mode, asserts that every cell ran (showing the runner's report
 * otherwise) and returns the summary the notebook wrote, checked to be a quick-mode one.
 */
export async function runQuickNotebook(name: string): Promise<Json> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "notebooks/run_notebooks.ts", "--quick", name],
    cwd: ROOT,
    stdin: "null",
  }).output();
  const report = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `run_notebooks.ts failed:\n${report}`);
  const summary = JSON.parse(await Deno.readTextFile(new URL(`out/${name}/summary.json`, ROOT)));
  assert.equal(summary.quick, true, "the summary is not from a quick-mode run");
  return summary;
}

/** Reads a JSON fixture or reference file. */
export async function readJson(url: URL): Promise<Json> {
  return JSON.parse(await Deno.readTextFile(url));
}

/** The shared tolerance assertion (tests/assert_close.ts), re-exported for the notebook tests. */
export { assertClose } from "./assert_close.ts";
