/**
 * Creating tensors: from nested arrays or typed arrays, constants, ranges, grids, and dtype casts.
 *
 * @module
 */
import {
  allocate,
  checkShape,
  type DType,
  type NestedArray,
  shapeSize,
  shapeStr,
  Tensor,
  type TensorData,
} from "./tensor.ts";

/** The dtype option most creation functions take. */
export interface DTypeOptions {
  /** Element type; `"float64"` when omitted, as in NumPy. */
  dtype?: DType;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends DTypeOptions {
  /** Shape for flat input (a typed array or flat number array); inferred from nesting otherwise. */
  shape?: readonly number[];
}

/** A value `tensor()` accepts. */
export type TensorLike = NestedArray | TensorData | ArrayLike<number> | Tensor;

function inferShape(value: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function fillNested(value: NestedArray, shape: number[], out: TensorData): void {
  let o = 0;
  const walk = (v: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (typeof v !== "number") {
        throw new TypeError(`tensor: ragged nested array, expected a number at depth ${dim}`);
      }
      out[o++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new TypeError(
        `tensor: ragged nested array: expected length ${
          shape[dim]
        } at depth ${dim}, inferred shape ${shapeStr(shape)}`,
      );
    }
    for (const item of v) walk(item, dim + 1);
  };
  walk(value, 0);
}

/**
 * Makes a tensor from a number, nested arrays, a typed array or another tensor (always copies).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "@dlfs/deno-dl/tensor";
 *
 * const a = tensor([[1, 2], [3, 4]]); // float64 [2, 2]
 * const b = tensor(new Float32Array(6), { shape: [2, 3] }); // float32 [2, 3]
 * assert.deepEqual([a.dtype, a.shape], ["float64", [2, 2]]);
 * assert.deepEqual([b.dtype, b.shape], ["float32", [2, 3]]);
 * ```
 */
export function tensor(value: TensorLike, options: TensorOptions = {}): Tensor {
  if (value instanceof Tensor) {
    const dtype = options.dtype ?? value.dtype;
    const out = allocate(dtype, value.size);
    out.set(value.data);
    return new Tensor(out, options.shape ?? value.shape);
  }
  if (typeof value === "number" || Array.isArray(value)) {
    const nested = value as NestedArray;
    const shape = inferShape(nested);
    const out = allocate(options.dtype ?? "float64", shapeSize(shape));
    fillNested(nested, shape, out);
    if (options.shape) return new Tensor(out, options.shape);
    return new Tensor(out, shape);
  }
  const flat = value as ArrayLike<number>;
  const dtype = options.dtype ?? (flat instanceof Float32Array ? "float32" : "float64");
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = flat[i];
  return new Tensor(out, options.shape ?? [flat.length]);
}

function shapeOf(shape: number | readonly number[]): number[] {
  const s = typeof shape === "number" ? [shape] : [...shape];
  checkShape("create", s);
  return s;
}

/** A tensor of zeros, like `np.zeros(shape)`. */
export function zeros(shape: number | readonly number[], options: DTypeOptions = {}): Tensor {
  const s = shapeOf(shape);
  return new Tensor(allocate(options.dtype ?? "float64", shapeSize(s)), s);
}

/** A tensor filled with `value`, like `np.full(shape, value)`. */
export function full(
  shape: number | readonly number[],
  value: number,
  options: DTypeOptions = {},
): Tensor {
  const t = zeros(shape, options);
  t.data.fill(value);
  return t;
}

/** A tensor of ones, like `np.ones(shape)`. */
export function ones(shape: number | readonly number[], options: DTypeOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Zeros with the shape and (unless given) dtype of `x`. */
export function zerosLike(x: Tensor, options: DTypeOptions = {}): Tensor {
  return zeros(x.shape, { dtype: options.dtype ?? x.dtype });
}

/** Ones with the shape and (unless given) dtype of `x`. */
export function onesLike(x: Tensor, options: DTypeOptions = {}): Tensor {
  return full(x.shape, 1, { dtype: options.dtype ?? x.dtype });
}

/** Options of {@link eye}. */
export interface EyeOptions extends DTypeOptions {
  /** Columns (defaults to `n`). */
  m?: number;
  /** Diagonal offset: 0 main, positive above, negative below. */
  k?: number;
}

/** The `n x m` identity-like matrix with ones on diagonal `k`, like `np.eye(n, m, k)`. */
export function eye(n: number, options: EyeOptions = {}): Tensor {
  const m = options.m ?? n;
  const k = options.k ?? 0;
  const t = zeros([n, m], options);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < m) t.data[i * m + j] = 1;
  }
  return t;
}

/** Options of {@link arange}. */
export interface ArangeOptions extends DTypeOptions {
  /** Step between values (default 1, may be negative, never 0). */
  step?: number;
}

/**
 * Evenly spaced values in `[start, stop)`, like `np.arange(start, stop, step)`.
 * With one argument, counts from 0: `arange(5)` is `[0, 1, 2, 3, 4]`.
 */
export function arange(start: number, stop?: number, options: ArangeOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  const step = options.step ?? 1;
  if (step === 0 || !Number.isFinite(step)) {
    throw new RangeError(`arange: step must be finite and non-zero, got ${step}`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const t = zeros([n], options);
  // NumPy computes start + i*step (not repeated addition), which avoids drift.
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return t;
}

/** Options of {@link linspace}. */
export interface LinspaceOptions extends DTypeOptions {
  /** Number of samples (default 50, as NumPy). */
  num?: number;
  /** Whether `stop` is the last sample (default true). */
  endpoint?: boolean;
}

/** `num` evenly spaced samples from `start` to `stop`, like `np.linspace`. */
export function linspace(start: number, stop: number, options: LinspaceOptions = {}): Tensor {
  const num = options.num ?? 50;
  const endpoint = options.endpoint ?? true;
  if (!Number.isInteger(num) || num < 0) {
    throw new RangeError(`linspace: num must be an integer >= 0, got ${num}`);
  }
  const t = zeros([num], options);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : NaN;
  // NumPy: y = arange(num) * step + start, then the last value set to stop exactly.
  for (let i = 0; i < num; i++) t.data[i] = div > 0 ? i * step + start : start;
  if (endpoint && num > 1) t.data[num - 1] = stop;
  return t;
}

/** Options of {@link meshgrid}. */
export interface MeshgridOptions {
  /** `"xy"` (default, as NumPy: outputs are `[ny, nx]`) or `"ij"` (outputs are `[nx, ny]`). */
  indexing?: "xy" | "ij";
}

/** Coordinate matrices from two coordinate vectors, like `np.meshgrid(x, y)`. */
export function meshgrid(x: Tensor, y: Tensor, options: MeshgridOptions = {}): [Tensor, Tensor] {
  if (x.ndim !== 1 || y.ndim !== 1) {
    throw new RangeError(
      `meshgrid: expected two 1-D tensors, got shapes ${shapeStr(x.shape)} and ${
        shapeStr(y.shape)
      }`,
    );
  }
  const nx = x.size, ny = y.size;
  const ij = options.indexing === "ij";
  const shape = ij ? [nx, ny] : [ny, nx];
  const dtype = x.dtype === "float64" || y.dtype === "float64" ? "float64" : "float32";
  const xx = zeros(shape, { dtype }), yy = zeros(shape, { dtype });
  for (let r = 0; r < shape[0]; r++) {
    for (let c = 0; c < shape[1]; c++) {
      const o = r * shape[1] + c;
      xx.data[o] = ij ? x.data[r] : x.data[c];
      yy.data[o] = ij ? y.data[c] : y.data[r];
    }
  }
  return [xx, yy];
}

/** A copy converted to `dtype` (float64 → float32 rounds to nearest). */
export function astype(x: Tensor, dtype: DType): Tensor {
  const out = allocate(dtype, x.size);
  out.set(x.data);
  return new Tensor(out, x.shape);
}
