/**
 * What every notebook test shares: run one notebook headless in quick mode through
 * `notebooks/run_notebooks.ts` (Jupyter with the Deno kernel) and read back its `summary.json`,
 * plus tolerance assertions over nested number arrays that name the failing place.
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

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| element-wise over nested arrays,
 * naming the place that fails.
 */
export function assertClose(
  actual: Json,
  expected: Json,
  what: string,
  rtol = 1e-12,
  atol = 0,
): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${what}: expected a number, got ${actual}`);
    const tol = atol + rtol * Math.abs(expected);
    assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} != ${expected} (tol ${tol})`);
    return;
  }
  assert.ok(Array.isArray(actual), `${what}: expected an array, got ${JSON.stringify(actual)}`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e: Json, i: number) => assertClose(actual[i], e, `${what}[${i}]`, rtol, atol));
}
