/**
 * Figures survive a notebook's HTML export. Notebook 01, executed headless in quick mode through
 * the repository's runner, is exported with `jupyter nbconvert --to html` (Debian's nbconvert 6.5
 * sanitizes inline SVG away); the export must carry a decodable PNG for every figure, and headless
 * Chromium must draw the first one. A control notebook whose figure is SVG only (what the display
 * code used to send) goes through the same steps and must come out blank, so the check can fail.
 *
 * Jupyter (nbconvert) must be installed, as for the notebook tests; the Chromium steps are skipped,
 * with a note, where no `chromium` is installed (`bash .ci/setup` installs Debian's).
 */
import assert from "node:assert/strict";
import { linePlot } from "../lib/plot/mod.ts";
import { decodePng, findChromium, HEADLESS_FLAGS, type RgbaImage } from "./chromium.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const NAME = "01_neural_network_from_scratch";

/** Pixels that are visibly not white once composited over a white page. */
function inkPixels(image: RgbaImage): number {
  const { data } = image;
  let ink = 0;
  for (let p = 0; p < data.length; p += 4) {
    const alpha = data[p + 3] / 255;
    for (let k = 0; k < 3; k++) {
      if (255 - (255 - data[p + k]) * alpha < 225) {
        ink++;
        break;
      }
    }
  }
  return ink;
}

/** Runs a command; returns its exit code and output. */
async function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(cmd, { args, cwd: ROOT, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder();
  return { code: r.code, out: text.decode(r.stdout) + text.decode(r.stderr) };
}

/** Exports `notebook` to `<dir>/<stem>.html` with nbconvert's default (lab) HTML template. */
async function exportHtml(notebook: string, dir: string): Promise<string> {
  const r = await run("jupyter", ["nbconvert", "--to", "html", notebook, "--output-dir", dir]);
  assert.equal(r.code, 0, `nbconvert --to html failed:\n${r.out}`);
  const stem = notebook.split("/").pop()!.replace(/\.ipynb$/, "");
  return await Deno.readTextFile(`${dir}/${stem}.html`);
}

/**
 * Screenshots the first figure of an exported notebook in headless Chromium: a style sheet added
 * to a copy of the page hides every cell but the first one with an image or SVG output, and every
 * output of that cell but those, so the figure is what the window shows.
 */
async function screenshotFirstFigure(
  chromium: string,
  html: string,
  dir: string,
): Promise<RgbaImage> {
  const figure = ".jp-RenderedImage, .jp-RenderedSVG";
  const style = `<style>
.jp-Cell, .jp-InputArea, .jp-OutputPrompt { display: none !important; }
.jp-Cell:has(${figure}) { display: block !important; }
.jp-Cell:has(${figure}) ~ .jp-Cell { display: none !important; }
.jp-OutputArea-child:not(:has(${figure})) { display: none !important; }
</style>`;
  const page = `${dir}/first_figure.html`;
  await Deno.writeTextFile(page, html.replace("</head>", `${style}</head>`));
  const shot = `${dir}/first_figure.png`;
  const r = await run(chromium, [
    ...HEADLESS_FLAGS.filter((flag) => !flag.startsWith("--remote-debugging-port")),
    "--hide-scrollbars",
    `--user-data-dir=${dir}/chromium_profile`,
    `--screenshot=${shot}`,
    "--window-size=1000,700",
    `file://${page}`,
  ]);
  assert.equal(r.code, 0, `chromium failed:\n${r.out}`);
  return await decodePng(await Deno.readFile(shot));
}

/** The base64 PNGs of `<img>` elements in an exported page, decoded. */
function embeddedPngs(html: string): Uint8Array[] {
  return [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)]
    .map((m) => Uint8Array.from(atob(m[1].replace(/\s+/g, "")), (ch) => ch.charCodeAt(0)));
}

const chromium = findChromium() ?? null;

Deno.test({
  name: "notebook 01's HTML export shows every figure (nbconvert, headless Chromium)",
  // The notebook's kernel keeps ONNX Runtime's native threads; the test only waits for it.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const r = await run(Deno.execPath(), [
      "run",
      "--allow-all",
      "notebooks/run_notebooks.ts",
      "--quick",
      NAME,
    ]);
    assert.equal(r.code, 0, `the notebook did not run:\n${r.out}`);
    const executed = `${ROOT}out/${NAME}/${NAME}.ipynb`;
    const dir = await Deno.makeTempDir({ prefix: "html_export_" });
    try {
      const notebook = JSON.parse(await Deno.readTextFile(executed));
      type Output = { data?: Record<string, unknown> };
      const outputs: Output[] = notebook.cells.flatMap((c: { outputs?: Output[] }) =>
        c.outputs ?? []
      );
      const figures = outputs.filter((o) => o.data?.["image/png"] !== undefined);
      const saved = [...Deno.readDirSync(`${ROOT}out/${NAME}`)]
        .filter((e) => e.name.endsWith(".svg")).length;
      assert.ok(saved > 0, "the notebook saved no figure");
      assert.ok(figures.length >= saved, `${figures.length} PNG outputs for ${saved} figures`);
      assert.equal(outputs.filter((o) => o.data?.["image/svg+xml"] !== undefined).length, 0);

      const html = await exportHtml(executed, dir);
      const images = embeddedPngs(html);
      await t.step("the export embeds a decodable, non-blank PNG for each figure", async () => {
        assert.equal(images.length, figures.length, "figures in the HTML");
        for (const [i, png] of images.entries()) {
          const image = await decodePng(png);
          assert.ok(image.width >= 100 && image.height >= 100, `figure ${i}: ${image.width}`);
          assert.ok(inkPixels(image) > 1000, `figure ${i} is blank`);
        }
      });

      await t.step({
        name: "headless Chromium draws the first figure",
        ignore: chromium === null,
        async fn() {
          const expected = inkPixels(await decodePng(images[0]));
          const shot = await screenshotFirstFigure(chromium!, html, dir);
          const ink = inkPixels(shot);
          assert.ok(ink >= 0.9 * expected, `${ink} drawn pixels where the figure has ${expected}`);
        },
      });

      await t.step({
        name: "control: an SVG-only figure comes out blank through the same steps",
        ignore: chromium === null,
        async fn() {
          const fig = linePlot([3, 2, 1.5, 1.2], { title: "loss" });
          const control = {
            nbformat: 4,
            nbformat_minor: 5,
            metadata: {},
            cells: [{
              cell_type: "code",
              id: "control",
              metadata: {},
              execution_count: 1,
              source: "fig",
              outputs: [{
                output_type: "display_data",
                metadata: {},
                data: { "image/svg+xml": fig.svg(), "text/plain": fig.toString() },
              }],
            }],
          };
          const file = `${dir}/svg_only.ipynb`;
          await Deno.writeTextFile(file, JSON.stringify(control));
          const shot = await screenshotFirstFigure(chromium!, await exportHtml(file, dir), dir);
          const expected = inkPixels(await decodePng(await fig.png({ scale: 1 })));
          assert.ok(inkPixels(shot) < 0.05 * expected, "the SVG-only figure was drawn");
        },
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

if (chromium === null) {
  console.warn(
    "html_export_test: no chromium on PATH, the screenshot steps are skipped " +
      "(bash .ci/setup installs Debian's chromium).",
  );
}
