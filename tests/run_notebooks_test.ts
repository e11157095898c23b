/**
 * `notebooks/run_notebooks.ts` on throwaway notebooks (issue 15, rows 4 and 14): run from a folder
 * whose path has a space, it executes them, and reports a dead kernel (a cell calling
 * `Deno.exit(3)`, a cell killing its own process) with the cell's index, source and last output.
 *
 * The runner and its helpers are copied into `<temp>/with space/repo/notebooks/`, as in a clone
 * made in such a folder. Needs Jupyter's nbconvert and the Deno kernelspec (skipped without them).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function hasNbconvert(): boolean {
  try {
    const r = new Deno.Command("jupyter", { args: ["nbconvert", "--version"] }).outputSync();
    return r.code === 0;
  } catch {
    return false;
  }
}

/** A notebook of code cells for the Deno kernel. */
function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source, i) => ({
      cell_type: "code",
      execution_count: null,
      id: `c${i}`,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

Deno.test({
  name: "run_notebooks.ts works from a path with a space and reports dead kernels by cell",
  ignore: !hasNbconvert(),
  async fn() {
    const temp = await Deno.makeTempDir({ prefix: "run-notebooks-" });
    const repo = join(temp, "with space", "repo");
    await Deno.mkdir(join(repo, "notebooks"), { recursive: true });
    await Deno.mkdir(join(repo, "lib", "files"), { recursive: true });
    for (const f of ["notebooks/run_notebooks.ts", "notebooks/nbconvert_deno.py"]) {
      await Deno.copyFile(join(ROOT, f), join(repo, f));
    }
    for (const e of Deno.readDirSync(join(ROOT, "lib", "files"))) {
      await Deno.copyFile(join(ROOT, "lib", "files", e.name), join(repo, "lib", "files", e.name));
    }
    const nb = join(repo, "notebooks");
    await Deno.writeTextFile(join(nb, "a_ok.ipynb"), notebook(['console.log("hello")']));
    await Deno.writeTextFile(
      join(nb, "b_exit.ipynb"),
      notebook([
        'console.log("first")',
        "// a cell with nothing to run",
        'console.log("about to exit");\nDeno.exit(3);',
        'console.log("never")',
      ]),
    );
    await Deno.writeTextFile(
      join(nb, "c_crash.ipynb"),
      notebook(['console.log("last words");\nDeno.kill(Deno.pid, "SIGKILL");']),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(nb, "run_notebooks.ts"), "--no-install", "--timeout=120"],
      cwd: temp,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, `two notebooks fail, so the exit code is 1:\n${text}`);
    assert.doesNotMatch(text, /nbconvert was not found/);
    assert.match(text, /^ok {4}a_ok /m, text);
    assert.ok(Deno.statSync(join(repo, "out", "a_ok", "a_ok.ipynb")).isFile, "executed copy");
    assert.match(
      text,
      /FAIL {2}b_exit .*\n.*the kernel died while running cell 2 \(counting from 0\)[^\n]*\n.*cell source:\n.*console\.log\("about to exit"\);\n.*Deno\.exit\(3\);\n.*last output \(cell (2\):\n.*about to exit|0\):\n.*first)/,
    );
    assert.match(
      text,
      /FAIL {2}c_crash .*\n.*the kernel died while running cell 0 \(counting from 0\)[\s\S]*last output(: \(none\)| \(cell 0\):\n.*last words)/,
    );
    assert.doesNotMatch(text, /Traceback/, "no Python traceback");
    await Deno.remove(temp, { recursive: true });
  },
});
