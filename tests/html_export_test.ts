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

const ROOT = new URL("../", import.meta.url).pathname;
const NAME = "01_neural_network_from_scratch";

interface Image {
  width: number;
  height: number;
  /** Bytes per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  pixels: Uint8Array;
}

/** Decodes an 8-bit, non-interlaced PNG (what resvg and Chromium write), checking its structure. */
async function decodePng(bytes: Uint8Array): Promise<Image> {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  assert.ok(signature.every((b, i) => bytes[i] === b), "not a PNG (bad signature)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, channels = 0;
  const idat: Uint8Array<ArrayBuffer>[] = [];
  for (let pos = 8; pos < bytes.length;) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (type === "IHDR") {
      [width, height] = [view.getUint32(pos + 8), view.getUint32(pos + 12)];
      assert.equal(data[8], 8, "bit depth");
      assert.equal(data[12], 0, "interlace");
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]];
      assert.ok(channels, `colour type ${data[9]}`);
    } else if (type === "IDAT") idat.push(data.slice());
    else if (type === "IEND") break;
    pos += 12 + length;
  }
  const inflated = new Response(
    new Blob(idat).stream().pipeThrough(new DecompressionStream("deflate")),
  );
  const raw = new Uint8Array(await inflated.arrayBuffer());
  const stride = width * channels;
  assert.equal(raw.length, height * (stride + 1), "decompressed size");
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? pixels[y * stride + i - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
      let predicted = 0;
      if (filter === 1) predicted = a;
      else if (filter === 2) predicted = b;
      else if (filter === 3) predicted = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else assert.equal(filter, 0, `filter ${filter}`);
      pixels[y * stride + i] = (x + predicted) & 255;
    }
  }
  return { width, height, channels, pixels };
}

/** Pixels that are visibly not white once composited over a white page. */
function inkPixels(image: Image): number {
  const { channels, pixels } = image;
  const colour = channels >= 3 ? 3 : 1;
  let ink = 0;
  for (let p = 0; p < pixels.length; p += channels) {
    const alpha = channels === 2 || channels === 4 ? pixels[p + channels - 1] / 255 : 1;
    for (let k = 0; k < colour; k++) {
      if (255 - (255 - pixels[p + k]) * alpha < 225) {
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

/** The first of `chromium`, `chromium-browser` on PATH, or null. */
async function findChromium(): Promise<string | null> {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const r = await new Deno.Command(name, {
        args: ["--version"],
        stdout: "null",
        stderr: "null",
      })
        .output();
      if (r.code === 0) return name;
    } catch {
      // not installed under this name
    }
  }
  return null;
}

/**
 * Screenshots the first figure of an exported notebook in headless Chromium: a style sheet added
 * to a copy of the page hides every cell but the first one with an image or SVG output, and every
 * output of that cell but those, so the figure is what the window shows.
 */
async function screenshotFirstFigure(chromium: string, html: string, dir: string): Promise<Image> {
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
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
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

const chromium = await findChromium();

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
