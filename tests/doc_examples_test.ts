/**
 * Every code example in the JSDoc of lib/ and kernels/ is a program: it imports what it uses and
 * asserts its result with `node:assert/strict`, so that `deno test --doc` (run by `deno task check`)
 * proves what it says. Blocks that are not code (formulas, diagrams) are fenced as `text`.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** Every .ts file under `dir`. */
async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

/** The fenced blocks of the JSDoc comments of `source`: language, first line, code. */
function docBlocks(source: string): { lang: string; line: number; code: string }[] {
  const blocks: { lang: string; line: number; code: string }[] = [];
  for (const comment of source.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const text = comment[0].split("\n").map((l) => l.replace(/^\s*\*? ?/, "")).join("\n");
    const line = source.slice(0, comment.index).split("\n").length;
    for (const block of text.matchAll(/```(\w*)[^\n]*\n([\s\S]*?)```/g)) {
      blocks.push({ lang: block[1], line, code: block[2] });
    }
  }
  return blocks;
}

Deno.test("every JSDoc example in lib/ and kernels/ imports what it uses and asserts", async () => {
  const problems: string[] = [];
  let examples = 0;
  for (const dir of ["lib/", "kernels/"]) {
    for await (const file of walk(new URL(dir, ROOT))) {
      const where = file.href.replace(ROOT.href, "");
      for (const { lang, line, code } of docBlocks(await Deno.readTextFile(file))) {
        if (lang === "text") continue;
        if (!["ts", "typescript"].includes(lang)) {
          problems.push(`${where}:${line}: a \`\`\`${lang || "(no language)"} block (ts or text)`);
          continue;
        }
        examples++;
        if (!/^import assert from "node:assert\/strict";$/m.test(code)) {
          problems.push(`${where}:${line}: no import of node:assert/strict`);
        } else if (!/\bassert(\.\w+)?\(/.test(code)) {
          problems.push(`${where}:${line}: no assertion`);
        }
        if (!/^import [\s\S]*? from "@dlfs\/deno-dl(\/\w+)?";$/m.test(code)) {
          problems.push(`${where}:${line}: imports nothing from the package`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(examples >= 40, `only ${examples} examples found`);
});
