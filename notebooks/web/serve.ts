/**
 * Serves the model page (`notebooks/web/`) on localhost: the page's files, onnxruntime-web's files
 * from the installed npm package, and the exported models found under `out/<notebook>/`.
 *
 *     deno task serve                      # http://localhost:8000/
 *     deno task serve --port 8080 --models /some/folder/with/onnx/files
 *
 * Every answer carries the cross-origin isolation headers (`Cross-Origin-Opener-Policy:
 * same-origin`, `Cross-Origin-Embedder-Policy: require-corp`): without them a browser gives the
 * page no `SharedArrayBuffer`, and onnxruntime-web's multi-threaded WebAssembly falls back to one
 * thread.
 *
 * Routes: `/` and the page's files; `/ort/<file>` from `node_modules/onnxruntime-web/dist/`;
 * `/models.json`, the list of models (each `.onnx` file of a model folder, with its
 * `.samples.json` when there is one); `/models/<folder index>/<file>` the files themselves.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const WEB_DIR = fromFileUrl(new URL(".", import.meta.url));
const REPO = fromFileUrl(new URL("../../", import.meta.url));
const ORT_DIST = join(REPO, "node_modules", "onnxruntime-web", "dist");

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  wasm: "application/wasm",
  onnx: "application/octet-stream",
  map: "application/json; charset=utf-8",
  svg: "image/svg+xml",
};

/** Headers that make the page cross-origin isolated (threads for WebAssembly). */
const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-cache",
};

/** One model of `/models.json`. */
export interface ListedModel {
  /** File name, e.g. `02_mnist_mlp_relu.onnx`. */
  name: string;
  /** The notebook folder it is in, e.g. `02_mnist_mlp_from_scratch`. */
  folder: string;
  /** URL of the model. */
  url: string;
  /** URL of its test samples, or `null`. */
  samples: string | null;
}

/** Options of {@link serveWeb}. */
export interface ServeWebOptions {
  /** Port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Host name to listen on; default `127.0.0.1` (this machine only). */
  hostname?: string;
  /**
   * Folders to look for models in: each `.onnx` file in the folder or in its direct subfolders.
   * Default: the repository's `out/`.
   */
  modelDirs?: readonly string[];
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Called once listening, with the port. */
  onListen?: (addr: { hostname: string; port: number }) => void;
}

async function onnxFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".onnx")) found.push(e.name);
    }
  } catch {
    // a folder that does not exist has no models
  }
  return found.sort();
}

/** The models under the folders (in each folder and each direct subfolder). */
export async function listModels(modelDirs: readonly string[]): Promise<ListedModel[]> {
  const models: ListedModel[] = [];
  for (const [i, dir] of modelDirs.entries()) {
    const folders = [""];
    try {
      for await (const e of Deno.readDir(dir)) if (e.isDirectory) folders.push(e.name);
    } catch {
      continue;
    }
    for (const folder of folders.sort()) {
      for (const name of await onnxFilesIn(join(dir, folder))) {
        const rel = folder === "" ? name : `${folder}/${name}`;
        const samples = rel.replace(/\.onnx$/, ".samples.json");
        let hasSamples = true;
        await Deno.stat(join(dir, samples)).catch(() => hasSamples = false);
        models.push({
          name,
          folder: folder || dir.split("/").filter(Boolean).pop() || dir,
          url: `/models/${i}/${rel}`,
          samples: hasSamples ? `/models/${i}/${samples}` : null,
        });
      }
    }
  }
  return models;
}

async function fileResponse(path: string): Promise<Response> {
  try {
    const file = await Deno.open(path, { read: true });
    const ext = path.split(".").pop() ?? "";
    return new Response(file.readable, {
      headers: { ...ISOLATION, "Content-Type": TYPES[ext] ?? "application/octet-stream" },
    });
  } catch {
    return notFound(path);
  }
}

function notFound(what: string): Response {
  return new Response(`not found: ${what}\n`, {
    status: 404,
    headers: { ...ISOLATION, "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** A path below `root` for the URL path `rest`, or `null` if it would leave `root`. */
function inside(root: string, rest: string): string | null {
  const parts = decodeURIComponent(rest).split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) return null;
  return join(root, ...parts);
}

/** The request handler: page files, `/ort/`, `/models.json`, `/models/`. */
export function webHandler(modelDirs: readonly string[]): (req: Request) => Promise<Response> {
  return async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (path === "/models.json") {
      return new Response(JSON.stringify(await listModels(modelDirs)), {
        headers: { ...ISOLATION, "Content-Type": TYPES.json },
      });
    }
    let file: string | null;
    if (path.startsWith("/ort/")) {
      file = inside(ORT_DIST, path.slice("/ort/".length));
    } else if (path.startsWith("/models/")) {
      const [index, ...rest] = path.slice("/models/".length).split("/");
      const dir = modelDirs[Number(index)];
      file = dir === undefined ? null : inside(dir, rest.join("/"));
    } else {
      file = inside(WEB_DIR, path === "/" ? "index.html" : path);
      if (file?.endsWith(".ts")) file = null; // the server's own source is not part of the page
    }
    return file === null ? notFound(path) : await fileResponse(file);
  };
}

/** Starts the server; resolves to it (its `finished` promise ends after `signal` aborts). */
export function serveWeb(options: ServeWebOptions = {}): Deno.HttpServer<Deno.NetAddr> {
  const modelDirs = options.modelDirs ?? [join(REPO, "out")];
  return Deno.serve({
    port: options.port ?? 8000,
    hostname: options.hostname ?? "127.0.0.1",
    signal: options.signal,
    onListen: options.onListen ?? (() => {}),
  }, webHandler(modelDirs));
}

function argValue(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

if (import.meta.main) {
  const port = Number(argValue("--port") ?? 8000);
  const dirs = Deno.args.flatMap((a, i) => (Deno.args[i - 1] === "--models" ? [a] : []));
  const modelDirs = dirs.length > 0 ? dirs : [join(REPO, "out")];
  const models = await listModels(modelDirs);
  serveWeb({
    port,
    modelDirs,
    onListen: ({ port }) => {
      console.log(`Models: ${models.length} in ${modelDirs.join(", ")}`);
      if (models.length === 0) console.log("(run `deno task notebooks` to export some)");
      console.log(`Open http://localhost:${port}/ in a browser (Ctrl+C stops the server).`);
    },
  });
}
