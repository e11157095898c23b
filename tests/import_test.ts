/**
 * The library loads from any Deno program, as a user's would: a script in an empty folder run with
 * `--no-config` (no import map, no lock file, no node_modules beside it), and a project with its own
 * `deno.json`. Importing `lib/tensor/mod.ts` alone loads neither plotting nor ONNX Runtime. The npm
 * versions pinned in the source (`lib/plot/deps.ts`, `kernels/deps.ts`) are the ones `deno.json`
 * installs.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const LIB = new URL("lib/mod.ts", ROOT).href;

/** A program that uses one thing from each area, and prints "ok" when all agree. */
const MAIN = (from: string) => `
import assert from "node:assert/strict";
import { defaultRng, Linear, linePlot, matmul, ReLU, runOnnx, Sequential, tensor, toOnnx } from "${from}";

const x = tensor([[1, 2], [3, 4]]);
assert.deepEqual(Array.from(matmul(x, x).data), [7, 10, 15, 22]);
const rng = defaultRng(0);
const net = new Sequential([new Linear(2, 3, { rng }), new ReLU(), new Linear(3, 1, { rng })]);
const ours = net.forward(x);
const fromOrt = await runOnnx(toOnnx(net, { inputShape: [2] }), x);
assert.deepEqual(fromOrt.shape, ours.shape);
for (let i = 0; i < ours.size; i++) assert.ok(Math.abs(fromOrt.data[i] - ours.data[i]) < 1e-5);
const figure = linePlot([3, 2, 1.5], { title: "loss" });
assert.match(figure.svg(), /^<svg[\\s\\S]*<\\/svg>\\s*$/);
assert.ok((await figure.png()).length > 1000);
console.log("ok");
`;

/** Runs `deno <args>` in `cwd`; returns its exit code and output. */
async function deno(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code: r.code, out: text.decode(r.stdout) + text.decode(r.stderr) };
}

/** A fresh empty folder, removed after `fn`. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dl_import_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "a script in an empty folder imports lib/mod.ts with --no-config",
  sanitizeResources: false,
  async fn() {
    await inTempDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/main.ts`, MAIN(LIB));
      const r = await deno(["run", "-A", "--no-config", "main.ts"], dir);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /^ok$/m);
    });
  },
});

Deno.test({
  name: "a project with its own deno.json imports the library through its import map",
  sanitizeResources: false,
  async fn() {
    await inTempDir(async (dir) => {
      const config = { imports: { "deep-learning/": new URL("lib/", ROOT).href } };
      await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify(config, null, 2));
      await Deno.writeTextFile(`${dir}/main.ts`, MAIN("deep-learning/mod.ts"));
      const r = await deno(["run", "-A", "main.ts"], dir);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /^ok$/m);
    });
  },
});

interface InfoModule {
  specifier: string;
  dependencies?: { specifier: string; isDynamic?: boolean }[];
}

Deno.test("lib/tensor/mod.ts's module graph has no plotting, no ONNX and no npm package", async () => {
  const r = await deno(
    ["info", "--no-config", "--json", new URL("lib/tensor/mod.ts", ROOT).href],
    ROOT.pathname,
  );
  assert.equal(r.code, 0, r.out);
  const info = JSON.parse(r.out.slice(r.out.indexOf("{"))) as {
    modules: InfoModule[];
    npmPackages: Record<string, unknown>;
  };
  const files = info.modules.map((m) => m.specifier.replace(ROOT.href, ""));
  assert.ok(files.includes("lib/tensor/mod.ts"), files.join("\n"));
  const loaded = files.filter((f) => /^lib\/(plot|onnx)\/|^npm:|\/deps\.ts$/.test(f));
  assert.deepEqual(loaded, [], "modules that importing lib/tensor must not load");
  assert.deepEqual(Object.keys(info.npmPackages), []);
  // ONNX Runtime may be required lazily by a compute backend, never imported statically.
  const staticNpm = info.modules.flatMap((m) =>
    (m.dependencies ?? []).filter((d) => !d.isDynamic && /^npm:|onnxruntime|plot/.test(d.specifier))
      .map((d) => `${m.specifier} -> ${d.specifier}`)
  );
  assert.deepEqual(staticNpm, []);
});

Deno.test({
  name: "computing with lib/tensor/mod.ts maps no ONNX Runtime or resvg library (Linux)",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await inTempDir(async (dir) => {
      const code = `
import { matmul, ones, sum } from "${new URL("lib/tensor/mod.ts", ROOT).href}";
const a = ones([128, 128]);
if (sum(matmul(a, a)) !== 128 ** 3) throw new Error("wrong product");
const maps = Deno.readTextFileSync("/proc/self/maps");
console.log(/onnxruntime|resvg/.test(maps) ? "loaded" : "clean");
`;
      await Deno.writeTextFile(`${dir}/main.ts`, code);
      const r = await deno(["run", "-A", "--no-config", "main.ts"], dir);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /^clean$/m);
    });
  },
});

Deno.test("the npm versions pinned in the source are the ones deno.json installs", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const imports = config.imports as Record<string, string>;
  const pinned = new Map<string, string>();
  for (const file of ["lib/plot/deps.ts", "kernels/deps.ts"]) {
    const source = await Deno.readTextFile(new URL(file, ROOT));
    for (const m of source.matchAll(/"npm:(@?[^@"]+)@([^/"]+)[^"]*"/g)) pinned.set(m[1], m[2]);
  }
  assert.ok(pinned.size >= 5, `found ${[...pinned.keys()]}`);
  for (const [name, version] of pinned) {
    assert.equal(imports[name], `npm:${name}@${version}`, `deno.json imports["${name}"]`);
  }
  // Every other module of lib/ and kernels/ imports by relative path or node: only (a bare name
  // would need this repository's import map; an npm: one would pin a version a second time).
  for (const dir of ["lib", "kernels"]) {
    for await (const file of walk(new URL(`${dir}/`, ROOT))) {
      if (file.endsWith("deps.ts")) continue;
      const code = (await Deno.readTextFile(file)).replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, ""); // the code, without its comments
      const found = [...code.matchAll(/(?:from|import\(|require\()\s*"([^"]+)"/g)]
        .map((m) => m[1]).filter((s) => !/^(\.\.?\/|node:)/.test(s));
      assert.deepEqual(found, [], `${file} imports packages outside deps.ts`);
    }
  }
});

/** Every .ts file under `dir`. */
async function* walk(dir: URL): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (entry.name.endsWith(".ts")) yield url.pathname;
  }
}
