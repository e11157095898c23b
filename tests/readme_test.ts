/** The README's TypeScript blocks run as written, from the repository root. */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const readme = await Deno.readTextFile(new URL("README.md", root));
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

Deno.test("the README has a TypeScript tour", () => {
  assert.ok(blocks.length >= 1, "no ```ts block found in README.md");
});

blocks.forEach((code, i) => {
  Deno.test(`README block ${i + 1} runs from the repository root`, async () => {
    // Written next to deno.json so that `./lib/mod.ts` and the npm imports resolve as for a user.
    const file = new URL(`.readme_block_${i + 1}.ts`, root);
    await Deno.writeTextFile(file, code);
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", file.pathname],
        cwd: root.pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      const err = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `README block ${i + 1} failed:\n${text}\n${err}`);
      if (code.includes("test accuracy")) {
        // The tour trains a digits MLP: it must learn, and ONNX Runtime must agree with it.
        const acc = Number(/test accuracy ([\d.]+)%/.exec(text)?.[1]);
        assert.ok(acc > 90, `tour accuracy ${acc}% is too low:\n${text}`);
        assert.match(text, /ONNX Runtime agrees: true/);
      }
    } finally {
      await Deno.remove(file);
    }
  });
});
