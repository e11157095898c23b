/**
 * Shape manipulation: `reshape`, `transpose`, `flatten`, `squeeze`, `expandDims`, `concat`, `hstack`, `vstack`.
 *
 * @module
 */
import {
  allocate,
  normalizeAxis,
  resolveReshape,
  shapeSize,
  shapeStr,
  stridesOf,
  Tensor,
} from "./tensor.ts";

/** Same elements with a new shape (one dimension may be -1); shares the data, like NumPy's view. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return new Tensor(x.data, resolveReshape(x.shape, shape));
}

/** A 1-D copy of all elements, like `x.flatten()`. */
export function flatten(x: Tensor): Tensor {
  return new Tensor(x.data.slice(), [x.size]);
}

/**
 * Permutes the axes (reverses them when `axes` is omitted), like `np.transpose`; returns a contiguous copy.
 * For a 2-D matrix product prefer `matmul(a, b, {transA: true})`, which transposes without copying.
 */
export function transpose(x: Tensor, axes?: readonly number[]): Tensor {
  const nd = x.ndim;
  const perm = axes
    ? axes.map((a) => normalizeAxis("transpose", a, x.shape))
    : [...x.shape.keys()].reverse();
  if (perm.length !== nd || new Set(perm).size !== nd) {
    throw new RangeError(
      `transpose: axes [${axes?.join(",")}] do not match a tensor of shape ${shapeStr(x.shape)}`,
    );
  }
  const shape = perm.map((p) => x.shape[p]);
  const out = allocate(x.dtype, x.size);
  const src = x.data;
  if (nd === 2 && perm[0] === 1) {
    const [r, c] = x.shape;
    // Blocked so that both the reads and the writes stay within a few cache lines.
    for (let i0 = 0; i0 < r; i0 += 32) {
      for (let j0 = 0; j0 < c; j0 += 32) {
        for (let i = i0; i < Math.min(i0 + 32, r); i++) {
          for (let j = j0; j < Math.min(j0 + 32, c); j++) out[j * r + i] = src[i * c + j];
        }
      }
    }
    return new Tensor(out, shape);
  }
  const inStrides = stridesOf(x.shape);
  const readStrides = perm.map((p) => inStrides[p]);
  const counter = new Array<number>(nd).fill(0);
  let off = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = src[off];
    for (let d = nd - 1; d >= 0; d--) {
      counter[d]++;
      off += readStrides[d];
      if (counter[d] < shape[d]) break;
      off -= readStrides[d] * shape[d];
      counter[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** Removes axes of size 1 (all of them, or the one given), like `np.squeeze`. Shares the data. */
export function squeeze(x: Tensor, options: { axis?: number } = {}): Tensor {
  if (options.axis === undefined) return new Tensor(x.data, x.shape.filter((d) => d !== 1));
  const axis = normalizeAxis("squeeze", options.axis, x.shape);
  if (x.shape[axis] !== 1) {
    throw new RangeError(
      `squeeze: cannot select an axis to squeeze out which has size not equal to one (axis ${options.axis}, shape ${
        shapeStr(x.shape)
      })`,
    );
  }
  return new Tensor(x.data, x.shape.filter((_, i) => i !== axis));
}

/** Inserts an axis of size 1 at `axis` (negative counts from the end of the result), like `np.expand_dims`. */
export function expandDims(x: Tensor, axis: number): Tensor {
  const shape = [...x.shape];
  const a = normalizeAxis("expandDims", axis, [...shape, 1]);
  shape.splice(a, 0, 1);
  return new Tensor(x.data, shape);
}

/** Joins tensors along an existing axis (default 0), like `np.concatenate`. */
export function concat(tensors: readonly Tensor[], options: { axis?: number } = {}): Tensor {
  if (tensors.length === 0) throw new RangeError("concat: need at least one tensor");
  const first = tensors[0];
  if (first.ndim === 0) {
    throw new RangeError("concat: zero-dimensional tensors cannot be concatenated");
  }
  const axis = normalizeAxis("concat", options.axis ?? 0, first.shape);
  for (const t of tensors) {
    const ok = t.ndim === first.ndim && t.shape.every((d, i) => i === axis || d === first.shape[i]);
    if (!ok) {
      throw new RangeError(
        `concat: shapes ${
          tensors.map((u) => shapeStr(u.shape)).join(" ")
        } differ outside axis ${axis}`,
      );
    }
  }
  const shape = [...first.shape];
  shape[axis] = tensors.reduce((s, t) => s + t.shape[axis], 0);
  const dtype = tensors.some((t) => t.dtype === "float64") ? "float64" : "float32";
  const out = allocate(dtype, shapeSize(shape));
  const outer = shapeSize(shape.slice(0, axis));
  const rowOut = shapeSize(shape.slice(axis));
  let colOffset = 0;
  for (const t of tensors) {
    const rowIn = shapeSize(t.shape.slice(axis));
    for (let o = 0; o < outer; o++) {
      out.set(t.data.subarray(o * rowIn, (o + 1) * rowIn), o * rowOut + colOffset);
    }
    colOffset += rowIn;
  }
  return new Tensor(out, shape);
}

/** Stacks column-wise (axis 1; axis 0 for 1-D inputs), like `np.hstack`. */
export function hstack(tensors: readonly Tensor[]): Tensor {
  return concat(tensors, { axis: tensors[0]?.ndim === 1 ? 0 : 1 });
}

/** Stacks row-wise (1-D inputs become rows), like `np.vstack`. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return concat(tensors.map((t) => (t.ndim === 1 ? reshape(t, [1, t.size]) : t)), { axis: 0 });
}
