/**
 * The IDX file format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/).
 *
 * An IDX file is a 4-byte magic number `00 00 TT DD` (TT the element type, DD the number of
 * dimensions), then DD big-endian 32-bit sizes, then the elements in row-major order, big-endian.
 * MNIST's images are `0x00000803` (uint8, 3 dims: N x 28 x 28) and its labels `0x00000801`.
 *
 * @module
 */
import { readMaybeGzip } from "./io.ts";

/** Element type of an IDX file. */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/** The typed array that holds the elements of an IDX file. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** The contents of an IDX file: its elements (row-major), shape and element type. */
export interface IdxArray {
  /** Elements in row-major order. For uint8 files this is a view on the file's bytes. */
  data: IdxData;
  /** Sizes from the header, e.g. `[60000, 28, 28]`. */
  shape: number[];
  /** Element type from the magic number. */
  type: IdxType;
}

/** Type codes of the third magic byte, with the element size in bytes. */
const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: "uint8", bytes: 1 },
  0x09: { type: "int8", bytes: 1 },
  0x0b: { type: "int16", bytes: 2 },
  0x0c: { type: "int32", bytes: 4 },
  0x0d: { type: "float32", bytes: 4 },
  0x0e: { type: "float64", bytes: 8 },
};

const hex = (v: number): string => "0x" + (v >>> 0).toString(16).padStart(8, "0");

/**
 * Parses an IDX file already in memory (not compressed).
 *
 * @param bytes the whole file
 * @param name the file name, used in error messages
 * @throws Error naming the file and the problem: bad magic number, unknown type, truncated data,
 *   or bytes after the data
 */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  const fail = (problem: string): never => {
    throw new Error(`Cannot read IDX file ${name}: ${problem}`);
  };
  if (bytes.length < 4) fail(`it is truncated: ${bytes.length} bytes, the magic number needs 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const code = bytes[2], ndim = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(
      `bad magic number ${hex(magic)}: an IDX file starts with two zero bytes (e.g. 0x00000803)`,
    );
  }
  const kind = TYPES[code];
  if (!kind) {
    fail(`bad magic number ${hex(magic)}: unknown element type code 0x${hex(code).slice(8)}`);
  }
  if (ndim === 0) fail(`bad magic number ${hex(magic)}: zero dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    fail(
      `it is truncated: ${bytes.length} bytes, the header of ${ndim} dimensions needs ${headerBytes}`,
    );
  }
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d));
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * kind.bytes;
  const found = bytes.length - headerBytes;
  const shapeText = `[${shape.join(",")}]`;
  if (found < dataBytes) {
    fail(
      `it is truncated: the header declares shape ${shapeText} of ${kind.type} ` +
        `(${dataBytes} bytes of data) but only ${found} bytes follow`,
    );
  }
  if (found > dataBytes) {
    fail(
      `it is corrupt: the header declares shape ${shapeText} of ${kind.type} ` +
        `(${dataBytes} bytes of data) but ${found} bytes follow`,
    );
  }
  return { data: decode(view, headerBytes, count, kind.type), shape, type: kind.type };
}

/** Reads `count` big-endian elements starting at `offset`. */
function decode(view: DataView, offset: number, count: number, type: IdxType): IdxData {
  const start = view.byteOffset + offset;
  switch (type) {
    case "uint8":
      return new Uint8Array(view.buffer, start, count);
    case "int8":
      return new Int8Array(view.buffer, start, count);
    case "int16": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i);
      return out;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i);
      return out;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i);
      return out;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i);
      return out;
    }
  }
}

/**
 * The size in bytes of the IDX file whose first bytes are `head`, from its header; `undefined`
 * until the header is complete or when it is not a valid IDX header (`parseIdx` then says why).
 * Used to stop decompressing a file that inflates past what its header declares.
 */
export function idxFileSize(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const kind = TYPES[head[2]], ndim = head[3];
  if (head[0] !== 0 || head[1] !== 0 || !kind || ndim === 0) return undefined;
  const headerBytes = 4 + 4 * ndim;
  if (head.length < headerBytes) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, headerBytes);
  let count = 1;
  for (let d = 0; d < ndim; d++) count *= view.getUint32(4 + 4 * d);
  return headerBytes + count * kind.bytes;
}

/**
 * Reads an IDX file, plain or gzip-compressed (detected from the content, so `foo-ubyte` and
 * `foo-ubyte.gz` both work).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdx } from "@dlfs/deno-dl/data";
 *
 * // Two 2x2 uint8 images: magic 0x00000803 (uint8, 3 dimensions), the sizes, then the bytes.
 * const header = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2];
 * const file = await Deno.makeTempFile({ suffix: "-idx3-ubyte" });
 * await Deno.writeFile(file, Uint8Array.from([...header, 0, 64, 128, 255, 1, 2, 3, 4]));
 * const { data, shape, type } = await readIdx(file); // a `.gz` file is decompressed first
 * assert.deepEqual(shape, [2, 2, 2]);
 * assert.equal(type, "uint8");
 * assert.deepEqual([...data.slice(0, 4)], [0, 64, 128, 255]);
 * await Deno.remove(file);
 * ```
 *
 * @param path a file path or URL
 * @throws Error naming the file when it is missing, truncated or corrupt
 */
export async function readIdx(path: string | URL): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readMaybeGzip(path, { expectedSize: idxFileSize });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot read IDX file ${path}: not found`);
    }
    throw e;
  }
  return parseIdx(bytes, String(path));
}
