/**
 * Element-wise operations with NumPy broadcasting: arithmetic, comparisons, `where`, unary math.
 *
 * Broadcasting is done without materialising the broadcast operands: each operand gets stride 0 along
 * the dimensions where it has size 1, adjacent dimensions that are contiguous in all operands are merged,
 * and an op-specific loop runs over the innermost run. That keeps the inner loops monomorphic and tight
 * (no per-element closure calls).
 *
 * @module
 */
import {
  allocate,
  type DType,
  shapeSize,
  shapeStr,
  stridesOf,
  Tensor,
  type TensorData,
} from "./tensor.ts";
import { addRowInPlace, addsRowNatively, overlaps } from "./linalg.ts";
import { addRowInto } from "./typed_loops.ts";

/** A tensor or a plain number (a 0-d operand that takes the other operand's dtype). */
export type Operand = Tensor | number;

/** Options of the arithmetic and unary functions: where to write the result. */
export interface OutOptions {
  /**
   * Write the result into this tensor and return it, like NumPy's `out=`: it must have the result's
   * shape and dtype. It may be an operand of that same shape (`add(x, y, {out: x})` is `x += y`).
   * A loop that repeats an operation on same-shaped tensors then allocates nothing.
   */
  out?: Tensor;
}

/** The data of `out` after checking that it can hold a result of `shape` and `dtype`. */
function outData(op: string, out: Tensor, shape: readonly number[], dtype: DType): TensorData {
  if (
    out.dtype !== dtype || out.ndim !== shape.length || out.shape.some((d, i) => d !== shape[i])
  ) {
    throw new RangeError(
      `${op}: out has shape ${shapeStr(out.shape)} and dtype ${out.dtype}, but the result has ` +
        `shape ${shapeStr(shape)} and dtype ${dtype}`,
    );
  }
  return out.data;
}

/** The result dtype of combining two operands: float64 unless every tensor operand is float32. */
export function resultDType(...xs: Operand[]): DType {
  let sawTensor = false;
  for (const x of xs) {
    if (x instanceof Tensor) {
      sawTensor = true;
      if (x.dtype === "float64") return "float64";
    }
  }
  return sawTensor ? "float32" : "float64";
}

/**
 * The broadcast shape of several shapes (NumPy rules: align right; sizes equal or 1).
 * @throws RangeError naming the operation and every shape.
 */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else {
        throw new RangeError(
          `${op}: operands could not be broadcast together with shapes ${
            shapes.map(shapeStr).join(" ")
          }`,
        );
      }
    }
  }
  return out;
}

function asTensor(x: Operand): Tensor {
  return x instanceof Tensor ? x : new Tensor(new Float64Array([x]), []);
}

/** Strides of `shape` read inside the broadcast `outShape` (0 where broadcast). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : own[i - lead]));
}

/** Merges adjacent dimensions that are contiguous for every operand, to lengthen the inner loop. */
function coalesce(shape: number[], strides: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const last = outShape.length - 1;
    const mergeable = last >= 0 &&
      strides.every((s, k) => outStrides[k][last] === s[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offsets, n, innerStrides)` once per innermost run of the broadcast iteration space,
 * with each operand's starting offset. The output (operand 0) is contiguous.
 */
function forEachRow(
  outShape: readonly number[],
  operandStrides: number[][],
  row: (offsets: number[], n: number, strides: number[]) => void,
): void {
  if (shapeSize(outShape) === 0) return;
  const c = coalesce([...outShape], operandStrides);
  const nd = c.shape.length;
  if (nd === 0) {
    row(operandStrides.map(() => 0), 1, operandStrides.map(() => 0));
    return;
  }
  const inner = c.shape[nd - 1];
  const innerStrides = c.strides.map((s) => s[nd - 1]);
  const offsets = operandStrides.map(() => 0);
  const counter = new Array<number>(nd - 1).fill(0);
  const rows = shapeSize(c.shape) / inner;
  for (let r = 0; r < rows; r++) {
    row(offsets, inner, innerStrides);
    // Advance the multi-index of the outer dimensions like an odometer.
    for (let d = nd - 2; d >= 0; d--) {
      counter[d]++;
      for (let k = 0; k < offsets.length; k++) offsets[k] += c.strides[k][d];
      if (counter[d] < c.shape[d]) break;
      for (let k = 0; k < offsets.length; k++) offsets[k] -= c.strides[k][d] * c.shape[d];
      counter[d] = 0;
    }
  }
}

/** The inner loop of a binary op: out[o+i] = f(a[ia + i*sa], b[ib + i*sb]) for i < n. */
type BinaryRow = (
  out: TensorData,
  o: number,
  a: TensorData,
  ia: number,
  sa: number,
  b: TensorData,
  ib: number,
  sb: number,
  n: number,
) => void;

function binary(
  op: string,
  x: Operand,
  y: Operand,
  rowKernel: BinaryRow,
  options: OutOptions = {},
): Tensor {
  const a = asTensor(x), b = asTensor(y);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const dtype = resultDType(x, y);
  const out = options.out
    ? outData(op, options.out, shape, dtype)
    : allocate(dtype, shapeSize(shape));
  const strides = [
    stridesOf(shape),
    broadcastStrides(a.shape, shape),
    broadcastStrides(b.shape, shape),
  ];
  forEachRow(shape, strides, (off, n, s) => {
    rowKernel(out, off[0], a.data, off[1], s[1], b.data, off[2], s[2], n);
  });
  return options.out ?? new Tensor(out, shape);
}

/** `a + b` element-wise with broadcasting, like `np.add`. */
export function add(a: Operand, b: Operand, options: OutOptions = {}): Tensor {
  return addRow(a, b, options) ?? binary("add", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] + y[iy];
  }, options);
}

/**
 * `matrix + row` (a [..., n] tensor plus a [n] vector of the same dtype, `x @ w + b`) without the
 * general broadcasting loop. In place, or float32 with a native BLAS ({@link addsRowNatively}):
 * the matrix copied into the result (a memcpy), then a rank-1 update adds the row with the loop's
 * bits, vectorised and on the BLAS's threads. Otherwise one pass of a loop written for the element
 * type (for float64 that beats the two passes of copy and update). Null when the general loop is
 * to be used.
 */
function addRow(x: Operand, y: Operand, options: OutOptions): Tensor | null {
  if (!(x instanceof Tensor) || !(y instanceof Tensor) || y.ndim !== 1 || x.ndim < 2) return null;
  const n = y.size, rows = x.size / Math.max(n, 1);
  if (x.dtype !== y.dtype || x.shape[x.ndim - 1] !== n) return null;
  const out = options.out
    ? outData("add", options.out, x.shape, x.dtype)
    : allocate(x.dtype, x.size);
  // The row must not be overwritten before it is read; an out that is `x` itself is fine, one
  // that overlaps `x` elsewhere is left to the general loop.
  if (overlaps(out, y.data) || (out !== x.data && overlaps(out, x.data))) return null;
  if (out === x.data || (out instanceof Float32Array && addsRowNatively(out, y.data, rows))) {
    if (out !== x.data) out.set(x.data);
    addRowInPlace(out, y.data, rows);
  } else addRowInto(out, x.data, y.data, rows);
  return options.out ?? new Tensor(out, x.shape);
}

/** `a - b` element-wise with broadcasting, like `np.subtract`. */
export function sub(a: Operand, b: Operand, options: OutOptions = {}): Tensor {
  return binary("sub", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] - y[iy];
  }, options);
}

/** `a * b` element-wise with broadcasting, like `np.multiply`. */
export function mul(a: Operand, b: Operand, options: OutOptions = {}): Tensor {
  return binary("mul", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] * y[iy];
  }, options);
}

/** `a / b` element-wise with broadcasting (IEEE: x/0 is ±inf or nan), like `np.divide`. */
export function div(a: Operand, b: Operand, options: OutOptions = {}): Tensor {
  return binary("div", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] / y[iy];
  }, options);
}

/** `a ** b` element-wise with broadcasting, like `np.power` on floats. */
export function pow(a: Operand, b: Operand, options: OutOptions = {}): Tensor {
  return binary("pow", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] ** y[iy];
  }, options);
}

/** Element-wise maximum, NaN-propagating like `np.maximum`. */
export function maximum(a: Operand, b: Operand, options: OutOptions = {}): Tensor {
  const relu = reluOf(a, b, options);
  if (relu) return relu;
  return binary("maximum", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) {
      const u = x[ix], v = y[iy];
      out[o + i] = u > v || u !== u ? u : v;
    }
  }, options);
}

/** Whether this machine stores numbers little-endian (every platform Deno runs on, in practice). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `maximum(x, 0)` and `maximum(0, x)` (a ReLU) on the bits, without a branch: a pre-activation's
 * signs are random, and the comparison's branch, mispredicted half the time, made a 60000 x 128
 * maximum take 44-54 ms instead of 7 (float32) or 12 (float64). Each 32-bit word (the high word of
 * a float64) is kept or zeroed with a mask built from its sign, a NaN test and, for
 * `maximum(0, x)`, a -0 test, so the result has exactly the bits of the general loop,
 * `u > v || u !== u ? u : v`:
 *
 * - `maximum(x, 0)`: x when x > 0 or NaN, else +0 (-0 and -Infinity give +0);
 * - `maximum(0, x)`: x when x >= 0 (so -0 stays -0) or NaN, else +0.
 *
 * Null when the operands are not a tensor and the number +0 (then the general loop runs).
 */
function reluOf(a: Operand, b: Operand, options: OutOptions): Tensor | null {
  const zeroFirst = Object.is(a, 0) && b instanceof Tensor; // +0 exactly, not -0
  const zeroSecond = Object.is(b, 0) && a instanceof Tensor;
  if (!LITTLE_ENDIAN || !(zeroFirst || zeroSecond)) return null;
  const x = (zeroFirst ? b : a) as Tensor;
  const out = options.out
    ? outData("maximum", options.out, x.shape, x.dtype)
    : allocate(x.dtype, x.size);
  if (out !== x.data && overlaps(out, x.data)) return null; // a partial overlap: the loop
  const src = new Int32Array(x.data.buffer, x.data.byteOffset, x.data.byteLength / 4);
  const dst = new Int32Array(out.buffer, out.byteOffset, out.byteLength / 4);
  if (x.dtype === "float32") reluBits32(src, dst, zeroFirst);
  else reluBits64(src, dst, zeroFirst);
  return options.out ?? new Tensor(out, x.shape);
}

/**
 * float32 words: keep where the sign is clear or the value is NaN, and (keepNegZero) where it
 * is -0. `(0x7f800000 - (w & 0x7fffffff)) >> 31` is -1 exactly for a NaN (a magnitude above infinity's);
 * `~(z | -z) >> 31` is -1 exactly for z = 0. Two loops, so that `maximum(x, 0)` does no -0 test.
 */
function reluBits32(src: Int32Array, dst: Int32Array, keepNegZero: boolean): void {
  if (!keepNegZero) {
    for (let i = 0; i < src.length; i++) {
      const w = src[i];
      dst[i] = w & (~(w >> 31) | ((0x7f800000 - (w & 0x7fffffff)) >> 31));
    }
    return;
  }
  for (let i = 0; i < src.length; i++) {
    const w = src[i];
    const z = w ^ 0x80000000; // 0 exactly for -0
    dst[i] = w & (~(w >> 31) | ((0x7f800000 - (w & 0x7fffffff)) >> 31) | (~(z | -z) >> 31));
  }
}

/**
 * float64 as (low, high) word pairs: the sign is the high word's; a NaN has an exponent of all ones
 * and a non-zero mantissa, which spans both words; -0 is (0, 0x80000000). Two loops, as above.
 */
function reluBits64(src: Int32Array, dst: Int32Array, keepNegZero: boolean): void {
  if (!keepNegZero) {
    for (let i = 0; i < src.length; i += 2) {
      const lo = src[i], hi = src[i + 1];
      const keep = ~(hi >> 31) | (((0x7ff00000 - (hi & 0x7fffffff)) - ((lo | -lo) >>> 31)) >> 31);
      dst[i] = lo & keep;
      dst[i + 1] = hi & keep;
    }
    return;
  }
  for (let i = 0; i < src.length; i += 2) {
    const lo = src[i], hi = src[i + 1];
    const loNonZero = (lo | -lo) >>> 31; // 1 when the low word is not 0
    const nan = ((0x7ff00000 - (hi & 0x7fffffff)) - loNonZero) >> 31;
    const z = (hi ^ 0x80000000) | lo; // 0 exactly for -0
    const keep = ~(hi >> 31) | nan | (~(z | -z) >> 31);
    dst[i] = lo & keep;
    dst[i + 1] = hi & keep;
  }
}

/** Element-wise minimum, NaN-propagating like `np.minimum`. */
export function minimum(a: Operand, b: Operand, options: OutOptions = {}): Tensor {
  return binary("minimum", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) {
      const u = x[ix], v = y[iy];
      out[o + i] = u < v || u !== u ? u : v;
    }
  }, options);
}

/** `a > b` as a 0/1 mask (NumPy returns booleans; 0/1 floats multiply straight into gradients). */
export function greater(a: Operand, b: Operand): Tensor {
  return binary("greater", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] > y[iy] ? 1 : 0;
  });
}

/** `a >= b` as a 0/1 mask. */
export function greaterEqual(a: Operand, b: Operand): Tensor {
  return binary("greaterEqual", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] >= y[iy] ? 1 : 0;
  });
}

/** `a < b` as a 0/1 mask. */
export function less(a: Operand, b: Operand): Tensor {
  return binary("less", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] < y[iy] ? 1 : 0;
  });
}

/** `a <= b` as a 0/1 mask. */
export function lessEqual(a: Operand, b: Operand): Tensor {
  return binary("lessEqual", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] <= y[iy] ? 1 : 0;
  });
}

/** `a == b` as a 0/1 mask (NaN is never equal). */
export function equal(a: Operand, b: Operand): Tensor {
  return binary("equal", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] === y[iy] ? 1 : 0;
  });
}

/** `a != b` as a 0/1 mask (NaN is always unequal). */
export function notEqual(a: Operand, b: Operand): Tensor {
  return binary("notEqual", a, b, (out, o, x, ix, sx, y, iy, sy, n) => {
    for (let i = 0; i < n; i++, ix += sx, iy += sy) out[o + i] = x[ix] !== y[iy] ? 1 : 0;
  });
}

/**
 * Picks `a` where `mask` is non-zero and `b` elsewhere, broadcasting all three, like `np.where`.
 * The dtype follows `a` and `b` (the mask's dtype does not matter).
 */
export function where(mask: Operand, a: Operand, b: Operand): Tensor {
  const m = asTensor(mask), x = asTensor(a), y = asTensor(b);
  const shape = broadcastShapes("where", m.shape, x.shape, y.shape);
  const out = allocate(resultDType(a, b), shapeSize(shape));
  const strides = [
    stridesOf(shape),
    broadcastStrides(m.shape, shape),
    broadcastStrides(x.shape, shape),
    broadcastStrides(y.shape, shape),
  ];
  const md = m.data, xd = x.data, yd = y.data;
  forEachRow(shape, strides, (off, n, s) => {
    let im = off[1], ix = off[2], iy = off[3];
    for (let i = 0; i < n; i++, im += s[1], ix += s[2], iy += s[3]) {
      out[off[0] + i] = md[im] !== 0 ? xd[ix] : yd[iy];
    }
  });
  return new Tensor(out, shape);
}

/** The output of a unary op: same shape and dtype as `x`, `options.out` when given. */
function like(op: string, x: Tensor, options: OutOptions): TensorData {
  return options.out ? outData(op, options.out, x.shape, x.dtype) : allocate(x.dtype, x.size);
}

/** `-x` element-wise. */
export function neg(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("neg", x, options);
  for (let i = 0; i < d.length; i++) out[i] = -d[i];
  return options.out ?? new Tensor(out, x.shape);
}

/** `e^x` element-wise (overflows to inf above ~709.78 in float64, as NumPy). */
export function exp(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("exp", x, options);
  for (let i = 0; i < d.length; i++) out[i] = Math.exp(d[i]);
  return options.out ?? new Tensor(out, x.shape);
}

/** Natural logarithm element-wise (`log(0)` is -inf, negative input gives NaN, as NumPy). */
export function log(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("log", x, options);
  for (let i = 0; i < d.length; i++) out[i] = Math.log(d[i]);
  return options.out ?? new Tensor(out, x.shape);
}

/** Square root element-wise. */
export function sqrt(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("sqrt", x, options);
  for (let i = 0; i < d.length; i++) out[i] = Math.sqrt(d[i]);
  return options.out ?? new Tensor(out, x.shape);
}

/** Absolute value element-wise. */
export function abs(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("abs", x, options);
  for (let i = 0; i < d.length; i++) out[i] = Math.abs(d[i]);
  return options.out ?? new Tensor(out, x.shape);
}

/** Sine element-wise. */
export function sin(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("sin", x, options);
  for (let i = 0; i < d.length; i++) out[i] = Math.sin(d[i]);
  return options.out ?? new Tensor(out, x.shape);
}

/** Cosine element-wise. */
export function cos(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("cos", x, options);
  for (let i = 0; i < d.length; i++) out[i] = Math.cos(d[i]);
  return options.out ?? new Tensor(out, x.shape);
}

/** Hyperbolic tangent element-wise. */
export function tanh(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("tanh", x, options);
  for (let i = 0; i < d.length; i++) out[i] = Math.tanh(d[i]);
  return options.out ?? new Tensor(out, x.shape);
}

/** -1, 0 or 1 by sign (NaN stays NaN; -0 gives 0), like `np.sign`. */
export function sign(x: Tensor, options: OutOptions = {}): Tensor {
  const d = x.data, out = like("sign", x, options);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    out[i] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN;
  }
  return options.out ?? new Tensor(out, x.shape);
}

/** Limits values to `[lo, hi]`, like `np.clip(x, lo, hi)` (NaN stays NaN). */
export function clip(x: Tensor, lo: number, hi: number, options: OutOptions = {}): Tensor {
  if (lo > hi) throw new RangeError(`clip: lower bound ${lo} is above upper bound ${hi}`);
  const d = x.data, out = like("clip", x, options);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return options.out ?? new Tensor(out, x.shape);
}
