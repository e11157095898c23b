/**
 * Downloading data files safely: SHA-256 check, atomic write (temporary file, then rename), a
 * progress line on stderr; plus a tiny reader for `.tar` archives (CIFAR-10 ships as one).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { removeStaleTemps, tempPathFor } from "../files/atomic.ts";

export { writeFileAtomic } from "../files/atomic.ts";

/** Options of {@link downloadFile}. */
export interface DownloadOptions {
  /** Expected SHA-256 of the file (hex); the download is discarded when it differs. */
  sha256?: string;
  /** Show a progress line on stderr (default true). */
  progress?: boolean;
}

const MB = 1024 * 1024;

/** Writes a progress line that overwrites itself (`\r`), at most every 200 ms. */
class ProgressLine {
  #label: string;
  #total: number;
  #last = 0;
  #encoder = new TextEncoder();
  constructor(label: string, total: number) {
    this.#label = label;
    this.#total = total;
  }
  update(received: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.#last < 200) return;
    this.#last = now;
    const mb = (received / MB).toFixed(1);
    const text = this.#total > 0
      ? `${(100 * received / this.#total).toFixed(0).padStart(3)}% (${mb} / ${
        (this.#total / MB).toFixed(1)
      } MB)`
      : `${mb} MB`;
    this.#write(`\rDownloading ${this.#label}: ${text}`);
  }
  done(): void {
    this.#write("\n");
  }
  #write(text: string): void {
    try {
      Deno.stderr.writeSync(this.#encoder.encode(text));
    } catch {
      // No stderr (e.g. some notebook hosts): progress is only a courtesy.
    }
  }
}

/**
 * Downloads `url` to `dest`. The bytes go to a temporary file next to `dest` and are hashed on the
 * way; only when the SHA-256 matches is the file renamed to `dest`, so an interrupted or corrupt
 * download never leaves a file that looks complete. Temporary files of downloads killed earlier
 * (`<dest>.part-<pid>-<hex>` of a process that is gone) are removed first.
 *
 * @param url where to download from
 * @param dest the final file path (its folder is created)
 * @throws Error with the URL and the reason (HTTP status, network error, checksum mismatch)
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<void> {
  const { sha256, progress = true } = options;
  removeStaleTemps(dest);
  const tmp = tempPathFor(dest);
  let file: Deno.FsFile | undefined;
  try {
    const response = await fetch(url);
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    await Deno.mkdir(dirname(dest), { recursive: true });
    const total = Number(response.headers.get("content-length") ?? 0);
    const line = progress ? new ProgressLine(url.replace(/^.*\//, ""), total) : undefined;
    const hash = createHash("sha256");
    file = await Deno.open(tmp, { write: true, createNew: true });
    let received = 0;
    for await (const chunk of response.body) {
      hash.update(chunk);
      await writeAll(file, chunk);
      received += chunk.length;
      line?.update(received);
    }
    line?.update(received, true);
    line?.done();
    file.close();
    file = undefined;
    const digest = hash.digest("hex");
    if (sha256 && digest !== sha256.toLowerCase()) {
      throw new Error(`SHA-256 ${digest} does not match the expected ${sha256}; discarded`);
    }
    await Deno.rename(tmp, dest);
  } catch (e) {
    file?.close();
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`Cannot download ${url}: ${describe(e)}`);
  }
}

/** An error's message with its cause (fetch's "fetch failed" hides the DNS or TLS error there). */
function describe(e: unknown): string {
  const err = e as Error & { cause?: unknown };
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
  return `${err.message}${cause}`;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

/**
 * The regular files of a `.tar` archive (POSIX ustar or old v7 headers), by path.
 * Each file is a view on `bytes`, not a copy.
 *
 * @param bytes the uncompressed archive
 * @param name the archive's name, used in error messages
 * @throws Error when a header is damaged or a file runs past the end of the archive
 */
export function untar(bytes: Uint8Array, name = "archive"): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const text = (from: number, length: number): string => {
    const field = bytes.subarray(from, from + length);
    const end = field.indexOf(0);
    return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
  };
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    if (bytes.subarray(offset, offset + 512).every((b) => b === 0)) break; // end-of-archive block
    const size = parseInt(text(offset + 124, 12).trim() || "0", 8);
    if (!Number.isFinite(size)) throw new Error(`Cannot read ${name}: bad tar header at ${offset}`);
    const type = text(offset + 156, 1);
    const prefix = text(offset + 257, 6).startsWith("ustar") ? text(offset + 345, 155) : "";
    const path = (prefix ? prefix + "/" : "") + text(offset, 100);
    const start = offset + 512;
    if (start + size > bytes.length) {
      throw new Error(
        `Cannot read ${name}: it is truncated: ${path} needs ${size} bytes at offset ${start} ` +
          `but the archive has ${bytes.length}`,
      );
    }
    if (type === "0" || type === "") files.set(path, bytes.subarray(start, start + size));
    offset = start + Math.ceil(size / 512) * 512;
  }
  return files;
}
