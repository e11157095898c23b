/**
 * Hot loops written once per element type.
 *
 * V8 compiles a loop for the array types it has seen at that line of source. A loop that has run on
 * both Float32Array and Float64Array checks the type on every element access and runs about 1.6×
 * slower on each (summing the columns of a 60000x128 float64 matrix: 7.3 ms instead of 4.8). A
 * program that trains in one precision and evaluates in the other would pay that everywhere, so
 * the loops a training step spends its time in exist here twice, one copy per type, with the same
 * arithmetic in the same order: each copy gives the bits of the plain loop. (Closures made by one
 * factory would share one type profile, so the copies are written out.)
 *
 * @module
 */

/** Rows summed per block: their 4 columns' partial sums stay in registers over the block. */
const ROW_BLOCK = 256;

/**
 * `acc[at + j] += x[from + r * n + j]` for every row `r < rows`, in row order: the column sums of
 * the row-major [rows, n] matrix that starts at `x[from]`, added to the n sums that start at
 * `acc[at]` (NumPy's `x.sum(axis=0)` order, in double precision).
 *
 * Four columns at a time are summed over a block of rows in local variables, so the partial sums
 * are not written back after every element; each column still adds its rows one by one in order,
 * which keeps the bits of the plain loop (60000x128 float32: 2.8 ms instead of 4.7).
 */
export function addColumnSums(
  x: Float32Array | Float64Array,
  from: number,
  rows: number,
  n: number,
  acc: Float64Array,
  at = 0,
): void {
  if (x instanceof Float32Array) columnSums32(x, from, rows, n, acc, at);
  else columnSums64(x, from, rows, n, acc, at);
}

function columnSums32(
  x: Float32Array,
  from: number,
  rows: number,
  n: number,
  acc: Float64Array,
  at: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const start = from + r0 * n, end = from + Math.min(rows, r0 + ROW_BLOCK) * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let a0 = acc[at + j], a1 = acc[at + j + 1], a2 = acc[at + j + 2], a3 = acc[at + j + 3];
      for (let o = start + j; o < end; o += n) {
        a0 += x[o], a1 += x[o + 1], a2 += x[o + 2], a3 += x[o + 3];
      }
      acc[at + j] = a0, acc[at + j + 1] = a1, acc[at + j + 2] = a2, acc[at + j + 3] = a3;
    }
    for (; j < n; j++) {
      let a = acc[at + j];
      for (let o = start + j; o < end; o += n) a += x[o];
      acc[at + j] = a;
    }
  }
}

function columnSums64(
  x: Float64Array,
  from: number,
  rows: number,
  n: number,
  acc: Float64Array,
  at: number,
): void {
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const start = from + r0 * n, end = from + Math.min(rows, r0 + ROW_BLOCK) * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let a0 = acc[at + j], a1 = acc[at + j + 1], a2 = acc[at + j + 2], a3 = acc[at + j + 3];
      for (let o = start + j; o < end; o += n) {
        a0 += x[o], a1 += x[o + 1], a2 += x[o + 2], a3 += x[o + 3];
      }
      acc[at + j] = a0, acc[at + j + 1] = a1, acc[at + j + 2] = a2, acc[at + j + 3] = a3;
    }
    for (; j < n; j++) {
      let a = acc[at + j];
      for (let o = start + j; o < end; o += n) a += x[o];
      acc[at + j] = a;
    }
  }
}

/**
 * `out[r * n + j] = x[r * n + j] + row[j]` for the row-major [rows, n] matrix `x` and a row of
 * length n, all three of one element type: a bias added to a matrix, into another matrix or into
 * `x` itself (`out === x`).
 */
export function addRowInto(
  out: Float32Array | Float64Array,
  x: Float32Array | Float64Array,
  row: Float32Array | Float64Array,
  rows: number,
): void {
  if (out instanceof Float32Array) addRow32(out, x as Float32Array, row as Float32Array, rows);
  else addRow64(out, x as Float64Array, row as Float64Array, rows);
}

function addRow32(out: Float32Array, x: Float32Array, row: Float32Array, rows: number): void {
  const n = row.length;
  for (let o = 0, end = rows * n; o < end; o += n) {
    for (let j = 0; j < n; j++) out[o + j] = x[o + j] + row[j];
  }
}

function addRow64(out: Float64Array, x: Float64Array, row: Float64Array, rows: number): void {
  const n = row.length;
  for (let o = 0, end = rows * n; o < end; o += n) {
    for (let j = 0; j < n; j++) out[o + j] = x[o + j] + row[j];
  }
}
