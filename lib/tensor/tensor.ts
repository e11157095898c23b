/**
 * The `Tensor` type: a contiguous row-major Float64Array or Float32Array with a shape.
 *
 * Tensors are values: operations return new tensors, except the few explicit `...InPlace` helpers
 * used by optimizers. float64 is the default dtype, as in NumPy, because reproducing the assignments'
 * printed numbers needs double precision; float32 is there for speed.
 *
 * @module
 */
// Printing lives in lib/format (Python/NumPy number formatting), which takes any array of the
// shape { data, shape, dtype } and so needs nothing from this module: no import cycle.
import { arrayRepr, arrayToString } from "../format/array_print.ts";
import { adviseHugePages } from "./memory.ts";

/** Element type of a tensor. */
export type DType = "float32" | "float64";

/** The typed array behind a tensor. */
export type TensorData = Float32Array | Float64Array;

/** A nested JavaScript array of numbers (any depth), as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

/**
 * Makes an empty (zero-filled) typed array of the dtype. Large ones are advised to use huge pages,
 * so that their first write does not pay a page fault per 4 KiB (see `memory.ts`).
 * @throws TypeError for a dtype other than "float64" and "float32"; RangeError naming the size
 *   when the memory cannot be had.
 */
export function allocate(dtype: DType, size: number): TensorData {
  let data: TensorData;
  try {
    if (dtype === "float64") data = new Float64Array(size);
    else if (dtype === "float32") data = new Float32Array(size);
    else {
      throw new TypeError(
        `allocate: dtype must be "float64" or "float32", got ${JSON.stringify(dtype)}`,
      );
    }
  } catch (e) {
    if (e instanceof TypeError) throw e;
    const bytes = size * (dtype === "float32" ? 4 : 8);
    throw new RangeError(
      `allocate: cannot allocate ${size} ${dtype} elements (${bytes} bytes): ${
        (e as Error).message
      }`,
    );
  }
  adviseHugePages(data);
  return data;
}

/**
 * The dtype of a typed array.
 * @throws TypeError for anything but a Float32Array or Float64Array (see {@link checkTensorData}).
 */
export function dtypeOfData(data: TensorData): DType {
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Float32Array) return "float32";
  return checkTensorData("Tensor", data);
}

/**
 * Refuses data that is not a Float32Array or Float64Array, naming what it is and how to convert:
 * other typed arrays (a Uint8Array of image bytes) would otherwise reach the kernels, which read
 * their bytes as floats (garbage, or a crash in native BLAS).
 */
export function checkTensorData(op: string, data: unknown): never {
  const what = ArrayBuffer.isView(data)
    ? data.constructor.name
    : Array.isArray(data)
    ? "plain Array"
    : data === null
    ? "null"
    : typeof data;
  const hint = data instanceof Uint8Array
    ? "for image bytes use scaleImages(images) or Float64Array.from(bytes)"
    : Array.isArray(data)
    ? "use tensor(values) or Float64Array.from(values)"
    : "convert first, e.g. Float64Array.from(data)";
  throw new TypeError(
    `${op}: data must be a Float64Array or Float32Array, got a ${what}; ${hint}`,
  );
}

/** Number of elements of a shape (1 for the 0-d shape `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Formats a shape the way error messages show it: `[2,3]`. */
export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** Throws unless every dimension is a non-negative integer. */
export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${op}: the shape must be an array of sizes, e.g. [2, 3], got ${shape}`);
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${op}: invalid shape ${shapeStr(shape)}: dimensions must be integers >= 0`,
      );
    }
  }
}

/** Row-major strides (in elements) of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Resolves a possibly negative axis against `ndim`, throwing a message naming the op and shape. */
export function normalizeAxis(op: string, axis: number, shape: readonly number[]): number {
  const ndim = shape.length;
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(
      `${op}: axis ${axis} is out of bounds for a tensor of shape ${
        shapeStr(shape)
      } (ndim ${ndim})`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * An n-dimensional array of float64 or float32 numbers, contiguous and row-major.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tensor } from "@dlfs/deno-dl/tensor";
 *
 * const x = new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
 * assert.equal(x.get(1, 0), 3);
 * ```
 */
export class Tensor {
  /** The elements, row-major. Writing to it changes the tensor. */
  readonly data: TensorData;
  /** The dimensions; `[]` for a 0-d (scalar) tensor. */
  readonly shape: readonly number[];
  /** `"float64"` or `"float32"`, from the typed array. */
  readonly dtype: DType;

  /**
   * Wraps a typed array (no copy).
   * @throws TypeError when `data` is not a Float64Array or Float32Array.
   * @throws RangeError when the array length is not the product of the shape.
   */
  constructor(data: TensorData, shape: readonly number[]) {
    const dtype = dtypeOfData(data);
    checkShape("Tensor", shape);
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new RangeError(
        `Tensor: data has ${data.length} elements but shape ${shapeStr(shape)} needs ${size}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Row-major flat offset of a multi-index (negative indices count from the end). */
  #offset(index: number[]): number {
    if (index.length !== this.shape.length) {
      throw new RangeError(
        `Tensor.get: ${index.length} indices for a tensor of shape ${shapeStr(this.shape)}`,
      );
    }
    let off = 0;
    for (let d = 0; d < index.length; d++) {
      const n = this.shape[d];
      let i = index[d];
      if (i < 0) i += n;
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new RangeError(
          `Tensor.get: index ${index[d]} is out of bounds for axis ${d} with size ${n}`,
        );
      }
      off = off * n + i;
    }
    return off;
  }

  /** The element at a multi-index, e.g. `x.get(1, 2)`. */
  get(...index: number[]): number {
    return this.data[this.#offset(index)];
  }

  /** Sets the element at a multi-index (the value goes last): `x.set(1, 2, value)`. */
  set(...indexAndValue: number[]): void {
    const value = indexAndValue[indexAndValue.length - 1];
    this.data[this.#offset(indexAndValue.slice(0, -1))] = value;
  }

  /** The single element of a size-1 tensor, as NumPy's `item()`. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(
        `Tensor.item: only a tensor of size 1 converts to a number, shape is ${
          shapeStr(this.shape)
        }`,
      );
    }
    return this.data[0];
  }

  /** A copy with its own data. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** The elements as nested JavaScript arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const { data, shape } = this;
    if (shape.length === 0) return data[0];
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = shape[dim];
      const inner = stride / (n || 1);
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === shape.length - 1
          ? data[offset + i]
          : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /** The elements printed as NumPy's `str(a)` does, under the current print options. */
  toString(): string {
    return arrayToString(this);
  }

  /** What `console.log` and a notebook cell show: NumPy's `repr(a)`, e.g. `array([1., 2.])`. */
  [Symbol.for("Deno.customInspect")](): string {
    return arrayRepr(this);
  }

  /** Same data viewed with another shape (one dimension may be -1). Shares the data. */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, resolveReshape(this.shape, shape));
  }
}

/** Resolves a target shape with at most one `-1` against an element count, or throws. */
export function resolveReshape(from: readonly number[], to: readonly number[]): number[] {
  const size = shapeSize(from);
  const out = [...to];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) {
    throw new RangeError(`reshape: only one dimension can be -1, got ${shapeStr(to)}`);
  }
  if (unknown >= 0) {
    const known = shapeSize(out.filter((_, i) => i !== unknown));
    if (known === 0 || size % known !== 0) {
      throw new RangeError(
        `reshape: cannot reshape a tensor of shape ${shapeStr(from)} (size ${size}) into ${
          shapeStr(to)
        }`,
      );
    }
    out[unknown] = size / known;
  }
  checkShape("reshape", out);
  if (shapeSize(out) !== size) {
    throw new RangeError(
      `reshape: cannot reshape a tensor of shape ${shapeStr(from)} (size ${size}) into ${
        shapeStr(to)
      }`,
    );
  }
  return out;
}
