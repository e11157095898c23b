/**
 * Writing files so that a reader never sees half of one: the bytes go to a temporary file in the
 * same folder (`<name>.part-<pid>-<random>`), which is then renamed over the target. A rename
 * within one folder is atomic, so the target is either the old file or the new one, even when the
 * process is killed or the disk fills up midway. Temporary files left by a killed process are
 * removed the next time the same target is written.
 *
 * Paths may be given as strings or `file:` URLs (decoded as `fromFileUrl` does, so `%20` is a
 * space); other URLs are refused, as nothing is uploaded.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { basename, dirname, join } from "node:path";

/**
 * A file-system path from a path or a `file:` URL (percent-escapes decoded).
 * @param op the calling function, named in errors
 * @throws TypeError for a URL of another scheme (`https:`, `data:`, ...) or a non-string value
 */
export function toPath(op: string, path: string | URL): string {
  if (typeof path === "string") {
    if (path.startsWith("file:")) return fileURLToPath(path);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      throw new TypeError(
        `${op}: "${path}" is a ${path.split(":")[0]}: URL; give a file path or a file: URL`,
      );
    }
    return path;
  }
  if (path instanceof URL) {
    if (path.protocol === "file:") return fileURLToPath(path);
    throw new TypeError(
      `${op}: cannot use ${path.href}: only file paths and file: URLs are supported ` +
        `(a ${path.protocol} URL would not be written where it names)`,
    );
  }
  throw new TypeError(`${op}: expected a path (string) or a file: URL, got ${typeof path}`);
}

/** The temporary name a write to `dest` uses: `<dest>.part-<pid>-<8 hex digits>`. */
export function tempPathFor(dest: string): string {
  return `${dest}.part-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

/** How old a leftover must be to go when its process cannot be checked (not Linux). */
const STALE_MS = 60 * 60 * 1000;

/** Whether process `pid` is still running; `undefined` when this system cannot tell. */
function processAlive(pid: number): boolean | undefined {
  if (Deno.build.os !== "linux") return undefined;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? false : undefined;
  }
}

/**
 * Removes the temporary files that earlier writes of `dest` left behind when their process was
 * killed: `<dest>.part-<pid>-<hex>` (and the older `<dest>.<pid>.<hex>.tmp` of `saveOnnx`) whose
 * process is gone (on Linux), or older than an hour elsewhere. Best effort, never throws; returns
 * the paths removed.
 */
export function removeStaleTemps(dest: string): string[] {
  const folder = dirname(dest), base = basename(dest);
  const removed: string[] = [];
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync(folder);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.isFile || !entry.name.startsWith(base + ".")) continue;
    const rest = entry.name.slice(base.length);
    const m = /^\.part-(\d+)-[0-9a-f]{8}$/.exec(rest) ?? /^\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(rest);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === Deno.pid) continue; // this process's own write, maybe still under way
    const path = join(folder, entry.name);
    try {
      const alive = processAlive(pid);
      const old = () =>
        Date.now() - (Deno.statSync(path).mtime?.getTime() ?? Date.now()) > STALE_MS;
      if (alive === false || (alive === undefined && old())) {
        Deno.removeSync(path);
        removed.push(path);
      }
    } catch { /* gone already, or not ours to remove */ }
  }
  return removed;
}

/** Options of {@link writeFileAtomic}. */
export interface WriteAtomicOptions {
  /** The calling function, named in errors (default `writeFileAtomic`). */
  op?: string;
  /** Create the parent folders first (default false). */
  mkdir?: boolean;
}

/**
 * Writes `data` to `path` atomically: to a temporary file in the same folder, then a rename, so
 * that the previous file stays whole when the write fails (disk full, file-size limit, a kill).
 * Leftovers of killed earlier writes of the same path are removed first.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "@dlfs/deno-dl/files";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/summary.json`, JSON.stringify({ accuracy: 0.97 }));
 * assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/summary.json`)).accuracy, 0.97);
 * assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["summary.json"]); // no temporary left
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @throws the write's error, with the path named, after removing the temporary file
 */
export async function writeFileAtomic(
  path: string | URL,
  data: Uint8Array | string,
  options: WriteAtomicOptions = {},
): Promise<void> {
  const op = options.op ?? "writeFileAtomic";
  const dest = toPath(op, path);
  if (options.mkdir) await Deno.mkdir(dirname(dest), { recursive: true });
  removeStaleTemps(dest);
  const tmp = tempPathFor(dest);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data, { createNew: true });
    else await Deno.writeFile(tmp, data, { createNew: true });
    await Deno.rename(tmp, dest);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw failure(op, dest, e);
  }
}

/** The synchronous {@link writeFileAtomic}. */
export function writeFileAtomicSync(
  path: string | URL,
  data: Uint8Array | string,
  options: WriteAtomicOptions = {},
): void {
  const op = options.op ?? "writeFileAtomicSync";
  const dest = toPath(op, path);
  if (options.mkdir) Deno.mkdirSync(dirname(dest), { recursive: true });
  removeStaleTemps(dest);
  const tmp = tempPathFor(dest);
  try {
    if (typeof data === "string") Deno.writeTextFileSync(tmp, data, { createNew: true });
    else Deno.writeFileSync(tmp, data, { createNew: true });
    Deno.renameSync(tmp, dest);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never created */ }
    throw failure(op, dest, e);
  }
}

/** The write error, prefixed with the function and the target (the error class is kept). */
function failure(op: string, dest: string, e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  e.message = `${op}: cannot write ${dest} (the previous file, if any, is unchanged): ${e.message}`;
  return e;
}
