/**
 * File helpers shared by the data-set readers: read a local file (or a `file:`/`https:` URL) and
 * undo gzip compression with the web-standard `DecompressionStream`.
 *
 * @module
 */

/** True when the bytes start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Default cap on decompressed data: 1 GiB (CIFAR-10's archive, the largest here, is 178 MB). */
export const MAX_DECOMPRESSED_BYTES = 2 ** 30;

/** At most this much is reserved up front, whatever the gzip trailer claims. */
const MAX_RESERVE = 256 * 2 ** 20;

/** Limits on decompression: a gzip of a few MB can inflate to gigabytes. */
export interface GunzipLimits {
  /** Refuse output larger than this (default {@link MAX_DECOMPRESSED_BYTES}). */
  maxBytes?: number;
  /**
   * The exact size the format's header declares, from the first bytes of the output
   * (`undefined` until enough bytes are there); decompression stops as soon as it is exceeded.
   */
  expectedSize?: (head: Uint8Array) => number | undefined;
}

/**
 * Decompresses a gzip file held in memory.
 *
 * @param bytes the compressed file
 * @param name the file name, used in error messages
 * @param limits size caps (default: 1 GiB)
 * @throws Error naming the file when the stream is truncated or corrupt, or inflates past a cap
 */
export function gunzip(
  bytes: Uint8Array,
  name: string,
  limits: GunzipLimits = {},
): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  return gunzipStream(stream, sizeHint(bytes.subarray(-4), bytes.length), name, limits);
}

/**
 * Decompresses a gzip stream into one buffer, allocated once from `hint` (the size the gzip
 * trailer records, at most 256 MB) so that the data does not also sit in a list of chunks and a
 * second copy. Stops with an error as soon as the output passes the caps of `limits`.
 */
async function gunzipStream(
  compressed: ReadableStream<Uint8Array<ArrayBuffer>>,
  hint: number,
  name: string,
  limits: GunzipLimits,
): Promise<Uint8Array> {
  const maxBytes = limits.maxBytes ?? MAX_DECOMPRESSED_BYTES;
  let cap = maxBytes, capReason = `the limit of ${maxBytes} bytes`;
  let expected = limits.expectedSize ? undefined : -1;
  let out = new Uint8Array(Math.min(hint, maxBytes, MAX_RESERVE));
  let length = 0;
  const reader = compressed.pipeThrough(smallChunks()).pipeThrough(new DecompressionStream("gzip"))
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.length > cap) {
        await reader.cancel().catch(() => {});
        throw new SizeError(
          `Cannot read ${name}: it decompresses to more than ${capReason}; the file is ` +
            `corrupt or not what it claims to be`,
        );
      }
      if (length + value.length > out.length) {
        // The trailer lied (several gzip members, or a damaged file): grow geometrically.
        const grown = new Uint8Array(Math.max(2 * out.length, length + value.length));
        grown.set(out.subarray(0, length));
        out = grown;
      }
      out.set(value, length);
      length += value.length;
      if (expected === undefined) {
        expected = limits.expectedSize!(out.subarray(0, length));
        if (expected !== undefined && expected >= 0 && expected < cap) {
          cap = expected;
          capReason = `the ${expected} bytes its header declares`;
        }
      }
    }
  } catch (e) {
    if (e instanceof SizeError) throw new Error(e.message);
    throw new Error(
      `Cannot read ${name}: the gzip data is truncated or corrupt (${length} bytes decompressed ` +
        `before the error: ${(e as Error).message})`,
    );
  }
  return length === out.length ? out : out.slice(0, length);
}

/** Compressed input is fed in pieces of at most this size, so that one output chunk stays small. */
const INPUT_PIECE = 16 * 1024;

/**
 * Splits compressed chunks into pieces of at most 16 KB: the decompressor inflates each input chunk
 * at once (up to 1032 times its size), so small pieces let a cap stop it early.
 */
function smallChunks(): TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>> {
  return new TransformStream({
    transform(chunk, controller) {
      for (let at = 0; at < chunk.length; at += INPUT_PIECE) {
        controller.enqueue(chunk.subarray(at, at + INPUT_PIECE));
      }
    },
  });
}

/** A cap was exceeded (kept apart from the stream's own errors). */
class SizeError extends Error {}

/**
 * Decompressed size recorded in the last 4 bytes (`tail`) of a gzip file of `n` bytes, capped at
 * a plausible value.
 */
function sizeHint(tail: Uint8Array, n: number): number {
  if (n < 18 || tail.length < 4) return 1024;
  const isize = (tail[0] | (tail[1] << 8) | (tail[2] << 16) | (tail[3] << 24)) >>> 0;
  // Deflate cannot compress better than about 1032:1, so a larger ISIZE means a damaged file.
  return Math.max(1024, Math.min(isize, n * 1032));
}

/** Reads a file given as a path or a `file:` URL; `http(s):` URLs are fetched. */
export async function readBytes(path: string | URL): Promise<Uint8Array> {
  const url = path instanceof URL ? path : null;
  if (url && url.protocol !== "file:") {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`Cannot fetch ${url}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  return await Deno.readFile(path);
}

/**
 * Reads a file and decompresses it when it is gzip (detected by its magic number, not its name).
 * A local gzip file is streamed from disk, so the compressed bytes are never all in memory.
 * `limits` caps the decompressed size (default 1 GiB; see {@link GunzipLimits}).
 */
export async function readMaybeGzip(
  path: string | URL,
  limits: GunzipLimits = {},
): Promise<Uint8Array> {
  if (path instanceof URL && path.protocol !== "file:") {
    const bytes = await readBytes(path);
    return isGzip(bytes) ? await gunzip(bytes, String(path), limits) : bytes;
  }
  const file = await Deno.open(path);
  let streaming = false;
  try {
    const { size } = await file.stat();
    const head = new Uint8Array(2);
    const got = await file.read(head);
    if (got !== 2 || !isGzip(head)) {
      file.close();
      return await Deno.readFile(path);
    }
    const tail = new Uint8Array(4);
    await file.seek(-4, Deno.SeekMode.End);
    const tailRead = (await file.read(tail)) ?? 0;
    await file.seek(0, Deno.SeekMode.Start);
    streaming = true; // the stream closes the file when it ends or fails
    return await gunzipStream(
      file.readable,
      sizeHint(tail.subarray(0, tailRead), size),
      String(path),
      limits,
    );
  } finally {
    if (!streaming) {
      try {
        file.close();
      } catch { /* already closed */ }
    }
  }
}

/** True when a regular file exists at `path` (false without read permission). */
export function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The value of an environment variable, or undefined when unset or not permitted. */
export function envGet(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
