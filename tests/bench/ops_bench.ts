/**
 * The "fresh results" part of `deno task bench`: each tensor-level operation timed three ways on the
 * same operands, so the table shows what allocating a result costs next to the kernel itself:
 *
 * - `raw`: the kernel alone (`gemm` of the backend `auto` picks, or a plain typed-array loop)
 *   writing into a buffer it already used;
 * - `fresh`: the public function (`matmul`, `add`, `maximum`, `sum`, `Linear.forward`) allocating its
 *   result on every call, as a user's code does, in a loop's steady state (after warm-up calls that
 *   allocate 1 GiB of results);
 * - `out`: the same function writing into a kept tensor (`{out}`, or a layer reusing its buffers).
 *
 * The three take turns, call by call, and each time is the median of its calls.
 *
 * @module
 */
import { autoChoice, getCalibration, type KernelDType, tryBackend } from "../../kernels/mod.ts";
import { add, matmul, maximum, sum } from "../../lib/tensor/mod.ts";
import { allocate, Tensor } from "../../lib/tensor/tensor.ts";
import { Linear } from "../../lib/nn/mod.ts";

/**
 * Median milliseconds of each function over `runs` rounds, the functions taking turns within each
 * round, so that the machine speeding up or slowing down during the measurement (a virtual
 * machine's speed drifts by 10-30% within minutes) weighs on all of them alike and their ratio
 * holds. Function `i` first runs `warmup[i]` times (default 1).
 */
function interleavedMs(fns: (() => void)[], runs: number, warmup: number[] = []): number[] {
  fns.forEach((fn, i) => {
    for (let w = 0; w < (warmup[i] ?? 1); w++) fn();
  });
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      fn();
      times[i].push(performance.now() - t0);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(runs / 2)]);
}

/** Uniform values in [-0.5, 0.5) from a small LCG (deterministic, no lib/random). */
function filled(dtype: KernelDType, shape: number[], seed: number): Tensor {
  const t = new Tensor(allocate(dtype, shape.reduce((p, d) => p * d, 1)), shape);
  let s = seed >>> 0;
  for (let i = 0; i < t.size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    t.data[i] = s / 2 ** 32 - 0.5;
  }
  return t;
}

/**
 * Warm-up calls for a function that allocates a result of `bytes` each call: enough to allocate
 * 1 GiB, so that V8 has collected the first results and their memory is reused, as in the steady
 * state of a training loop (the first calls of a process pay for new memory instead).
 */
function steady(bytes: number): number {
  return Math.min(400, Math.max(3, Math.ceil(2 ** 30 / bytes)));
}

/**
 * The raw loops, compiled once per element type. V8 keeps one type profile per function source,
 * so a loop run on float32 and then float64 arrays is compiled for both and runs slower on each (a
 * 60000x128 float64 add: 14 ms instead of 5); a loop built per dtype (`new Function`) is what a
 * program that uses one element type gets.
 */
function rawLoops() {
  type F = (...args: unknown[]) => void;
  const make = (params: string[], body: string) => new Function(...params, body) as F;
  return {
    add: make(
      ["zd", "bd", "yd"],
      `for (let r = 0; r < 60000; r++) { const o = r * 128;
        for (let j = 0; j < 128; j++) yd[o + j] = zd[o + j] + bd[j]; }`,
    ),
    relu: make(
      ["zd", "yd"],
      `for (let i = 0; i < zd.length; i++) yd[i] = zd[i] > 0 || zd[i] !== zd[i] ? zd[i] : 0;`,
    ),
    colSums: make(
      ["zd", "acc"],
      `acc.fill(0); for (let r = 0; r < 60000; r++) { const o = r * 128;
        for (let j = 0; j < 128; j++) acc[j] += zd[o + j]; }`,
    ),
    bias: make(
      ["yd", "bd"],
      `for (let r = 0; r < 60000; r++) { const o = r * 128;
        for (let j = 0; j < 128; j++) yd[o + j] += bd[j]; }`,
    ),
  };
}

/** One table row: name, raw, fresh and out times, and raw / fresh. */
function row(name: string, raw: number, fresh: number, out: number): string[] {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
  return [name, ms(raw), ms(fresh), ms(out), (raw / fresh).toFixed(2)];
}

/** The rows of the table (matrix products, element-wise ops, a reduction, a Linear layer). */
export function opsRows(options: { quick?: boolean } = {}): string[][] {
  const runs = options.quick ? 5 : 21;
  const rows: string[][] = [];
  const products: [number, number, number][] = [[60000, 128, 784]];
  if (!options.quick) products.unshift([1024, 1024, 1024]);
  const table = getCalibration({ settle: true });
  for (const [m, n, k] of products) {
    for (const dtype of ["float32", "float64"] as const) {
      const a = filled(dtype, [m, k], 1), b = filled(dtype, [k, n], 2);
      const c = filled(dtype, [m, n], 3);
      const backend = tryBackend(autoChoice(table, dtype, m * n * k, tryBackend))!;
      const call = { transA: false, transB: false, m, n, k, alpha: 1, beta: 0 };
      const [raw, fresh, out] = interleavedMs(
        [
          () => backend.gemm({ ...call, a: a.data, b: b.data, c: c.data }),
          () => matmul(a, b),
          () => matmul(a, b, { out: c }),
        ],
        runs,
        [1, steady(c.data.byteLength)],
      );
      rows.push(row(`matmul ${m}x${k} @ ${k}x${n} ${dtype} (${backend.name})`, raw, fresh, out));
    }
  }
  for (const dtype of ["float32", "float64"] as const) {
    const raw = rawLoops();
    const z = filled(dtype, [60000, 128], 4), bias = filled(dtype, [128], 5);
    const y = filled(dtype, [60000, 128], 6);
    const zd = z.data, bd = bias.data, yd = y.data;
    const warmup = [1, steady(y.data.byteLength)];
    const [rawAdd, freshAdd, outAdd] = interleavedMs(
      [
        () => raw.add(zd, bd, yd),
        () => add(z, bias),
        () => add(z, bias, { out: y }),
      ],
      runs,
      warmup,
    );
    rows.push(row(`add(z, bias) 60000x128 + 128 ${dtype}`, rawAdd, freshAdd, outAdd));
    const [rawRelu, freshRelu, outRelu] = interleavedMs(
      [
        () => raw.relu(zd, yd),
        () => maximum(z, 0),
        () => maximum(z, 0, { out: y }),
      ],
      runs,
      warmup,
    );
    rows.push(row(`maximum(z, 0) 60000x128 ${dtype}`, rawRelu, freshRelu, outRelu));
    const acc = new Float64Array(128), colSums = allocate(dtype, 128);
    const [rawSum, freshSum] = interleavedMs(
      [
        () => {
          raw.colSums(zd, acc);
          colSums.set(acc);
        },
        () => sum(z, { axis: 0 }),
      ],
      runs,
      [1, steady(colSums.byteLength)],
    );
    rows.push(row(`sum(z, {axis: 0}) 60000x128 ${dtype}`, rawSum, freshSum, NaN));
    // A Linear layer's forward: gemm + bias against the layer allocating or reusing its output.
    const x = filled(dtype, [60000, 784], 7);
    const layer = new Linear(784, 128, { init: "zeros", dtype });
    layer.weight.data.set(filled(dtype, [784, 128], 8).data);
    const backend = tryBackend(autoChoice(table, dtype, 60000 * 128 * 784, tryBackend))!;
    const w = layer.weight.data;
    const rawLinear = () => {
      backend.gemm({
        transA: false,
        transB: false,
        m: 60000,
        n: 128,
        k: 784,
        alpha: 1,
        a: x.data,
        b: w,
        beta: 0,
        c: yd,
      });
      raw.bias(yd, bd);
    };
    // The same layer cannot both allocate and reuse its output, so a second one with the same
    // weights reuses its buffers.
    const kept = new Linear(784, 128, { init: "zeros", dtype });
    kept.weight.data.set(w);
    kept.reuseBuffers = true;
    const [rawL, freshL, outL] = interleavedMs(
      [rawLinear, () => layer.forward(x), () => kept.forward(x)],
      runs,
      warmup,
    );
    rows.push(row(`Linear(784, 128).forward, batch 60000 ${dtype}`, rawL, freshL, outL));
  }
  return rows;
}
