/**
 * lib/random against NumPy: tests/fixtures/reference/001_reference_numbers.json (made by the scripts
 * in tests/gen/reference/001/) and the programs in
 * tests/fixtures/random_vectors.json (made by tests/gen/random_vectors.py), replayed call by call;
 * the same programs on `Generator(MT19937(seed))` from tests/fixtures/random_mt19937.json (made by
 * tests/gen/random_mt19937.py), on MT19937 itself and on a bare `BitSource` wrapping it.
 * Every value is compared exactly (bit for bit).
 */
import assert from "node:assert/strict";
import {
  type BitSource,
  choice,
  defaultRng,
  Generator,
  MT19937,
  normal as legacyNormal,
  PCG64,
  permutation,
  rand,
  randint,
  randn,
  RandomState,
  seed,
  SeedSequence,
  uniform as legacyUniform,
} from "../lib/random/mod.ts";
import { Tensor } from "../lib/tensor/tensor.ts";

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
interface Step {
  call: string;
  args: Json[];
  kwargs: { [k: string]: Json };
  out: Json;
}
interface Program {
  kind: "generator" | "legacy" | "generator-mt19937";
  seed: string | string[];
  steps: Step[];
}
interface Digest {
  kind: "generator" | "legacy" | "generator-mt19937";
  seed: string;
  call: string;
  n: number;
  high?: number;
  sha256_f64?: string;
  sha256_i32?: string;
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/random_vectors.json", import.meta.url)),
) as { programs: Program[]; module: { seed: string; steps: Step[] }; digests: Digest[] };
const mtFixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/random_mt19937.json", import.meta.url)),
) as { programs: Program[]; digests: Digest[] };
const ref001 = JSON.parse(
  Deno.readTextFileSync(
    new URL("./fixtures/reference/001_reference_numbers.json", import.meta.url),
  ),
);

/** Number of individual values compared in this file (reported by the last test). */
let compared = 0;

/** Compares an actual draw with NumPy's encoded result, exactly. */
function same(actual: unknown, expected: Json, where: string): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    const exp = expected as { shape: number[]; data: Json[] };
    let data: ArrayLike<number | bigint | string>;
    if (actual instanceof Tensor) {
      assert.deepEqual([...actual.shape], exp.shape, `${where}: shape`);
      data = actual.data;
    } else {
      data = actual as ArrayLike<number | bigint | string>;
    }
    assert.equal(data.length, exp.data.length, `${where}: length`);
    for (let i = 0; i < exp.data.length; i++) sameScalar(data[i], exp.data[i], `${where}[${i}]`);
    return;
  }
  sameScalar(actual, expected, where);
}

function sameScalar(actual: unknown, expected: Json, where: string): void {
  compared++;
  if (typeof expected === "string") {
    assert.equal(BigInt(actual as bigint), BigInt(expected), where);
  } else if (typeof actual === "bigint") {
    assert.equal(actual, BigInt(expected as number), where);
  } else {
    assert.ok(Object.is(actual, expected), `${where}: got ${actual}, NumPy ${expected}`);
  }
}

/** A nested JSON array of numbers as a tensor (1-D or 2-D). */
function tensorOf(nested: Json): Tensor {
  const rows = nested as Json[];
  if (!Array.isArray(rows[0])) {
    return new Tensor(Float64Array.from(rows as number[]), [rows.length]);
  }
  const flat = (rows as number[][]).flat();
  return new Tensor(Float64Array.from(flat), [rows.length, (rows[0] as number[]).length]);
}

function parseSeed(s: string | string[]): bigint | bigint[] {
  return Array.isArray(s) ? s.map((v) => BigInt(v)) : BigInt(s);
}

type Size = number | number[] | undefined;

/**
 * `Generator(MT19937(seed))` as NumPy seeds it, and its MT19937. `bare`: the generator draws through
 * a plain object with only the three `BitSource` methods (the path any user bit generator takes).
 */
function mtGenerator(seed: bigint, bare: boolean): { g: Generator<BitSource>; mt: MT19937 } {
  const mt = MT19937.fromSeedSequence(seed);
  if (!bare) return { g: new Generator(mt), mt };
  const source: BitSource = {
    nextUint32: () => mt.nextUint32(),
    nextUint64: () => mt.nextUint64(),
    nextDouble: () => mt.nextDouble(),
  };
  return { g: new Generator(source), mt };
}

/** Replays one recorded NumPy call on our generator and returns what it produced. */
function replayGenerator(g: Generator<BitSource>, step: Step, mt?: MT19937): unknown {
  const a = step.args as (number | number[])[];
  const kw = step.kwargs as { size?: Size; endpoint?: boolean; replace?: boolean; p?: number[] };
  switch (step.call) {
    case "state": {
      const st = (g.bitGenerator as PCG64).getState();
      return { state: String(st.state), inc: String(st.inc) };
    }
    case "mt_state": {
      const { key, pos } = mt!.getKey();
      return { key_head: [...key.slice(0, 6)], key_tail: [...key.slice(-3)], pos };
    }
    case "random_raw":
      // NumPy's raw output: 64-bit words for PCG64, 32-bit words for MT19937.
      return Array.from(
        { length: a[0] as number },
        () => mt ? g.bitGenerator.nextUint32() : g.bitGenerator.nextUint64(),
      );
    case "random":
      return a.length ? g.random(a[0]) : g.random();
    case "uniform":
      return a.length > 2 ? g.uniform(a[0] as number, a[1] as number, a[2]) : g.uniform(
        a[0] as number,
        a[1] as number,
      );
    case "standard_normal":
      return a.length ? g.standardNormal(a[0]) : g.standardNormal();
    case "normal":
      return a.length > 2
        ? g.normal(a[0] as number, a[1] as number, a[2])
        : g.normal(a[0] as number | undefined, a[1] as number | undefined);
    case "integers": {
      const opts = { endpoint: kw.endpoint };
      const [lo, hi] = a.map((v) => BigInt(v as number));
      if (kw.size !== undefined) {
        return a.length === 1
          ? g.integers(lo, { ...opts, size: kw.size })
          : g.integers(lo, hi, { ...opts, size: kw.size });
      }
      return a.length === 1 ? g.integers(lo, opts) : g.integers(lo, hi, opts);
    }
    case "permutation":
      return typeof a[0] === "number" ? g.permutation(a[0]) : g.permutation(tensorOf(a[0]));
    case "shuffle":
      return shuffled((x) => g.shuffle(x), a[0]);
    case "choice":
      return choiceOf((x, size, o) => g.choice(x as Tensor, size, o), a, kw);
  }
  throw new Error(`unknown call ${step.call}`);
}

/** Shuffles a copy of `arr` (ints as Int32Array, floats as a tensor) with `shuffle`. */
function shuffled(shuffle: (x: Tensor | Int32Array) => void, arr: Json): unknown {
  const rows = arr as Json[];
  if (!Array.isArray(rows[0]) && rows.every((v) => Number.isInteger(v))) {
    const x = Int32Array.from(rows as number[]);
    shuffle(x);
    return x;
  }
  const t = tensorOf(arr);
  shuffle(t);
  return t;
}

function choiceOf(
  choose: (
    a: number | Tensor | Float64Array,
    size: Size,
    o: { replace?: boolean; p?: number[] },
  ) => unknown,
  a: (number | number[])[],
  kw: { replace?: boolean; p?: number[] },
): unknown {
  const pop = typeof a[0] === "number"
    ? a[0]
    : Array.isArray((a[0] as Json[])[0])
    ? tensorOf(a[0])
    : Float64Array.from(a[0] as number[]);
  return choose(pop, a[1] as Size, { replace: kw.replace, p: kw.p });
}

function replayLegacy(rs: RandomState, step: Step): unknown {
  const a = step.args as (number | number[])[];
  const kw = step.kwargs as { size?: Size; replace?: boolean; p?: number[] };
  switch (step.call) {
    case "legacy_state": {
      const st = rs.getState();
      return {
        key_head: [...st.key.slice(0, 6)],
        key_tail: [...st.key.slice(-3)],
        pos: st.pos,
        has_gauss: st.hasGauss,
        cached_gaussian: st.cachedGaussian,
      };
    }
    case "rand":
      return rs.rand(...(a as number[]));
    case "randn":
      return rs.randn(...(a as number[]));
    case "random_sample":
      return rs.randomSample(a[0]);
    case "random":
      return rs.random(a[0]);
    case "standard_normal":
      return rs.standardNormal(a[0]);
    case "normal":
      return a.length > 2
        ? rs.normal(a[0] as number, a[1] as number, a[2])
        : rs.normal(a[0] as number | undefined, a[1] as number | undefined);
    case "uniform":
      return a.length > 2
        ? rs.uniform(a[0] as number, a[1] as number, a[2])
        : rs.uniform(a[0] as number | undefined, a[1] as number | undefined);
    case "randint": {
      const [lo, hi] = a.map((v) => BigInt(v as number));
      if (kw.size !== undefined) {
        return a.length === 1
          ? rs.randint(lo, { size: kw.size })
          : rs.randint(lo, hi, { size: kw.size });
      }
      return a.length === 1 ? rs.randint(lo) : rs.randint(lo, hi);
    }
    case "permutation":
      return typeof a[0] === "number" ? rs.permutation(a[0]) : rs.permutation(tensorOf(a[0]));
    case "shuffle":
      return shuffled((x) => rs.shuffle(x), a[0]);
    case "choice":
      return choiceOf((x, size, o) => rs.choice(x as Tensor, size, o), a, kw);
  }
  throw new Error(`unknown call ${step.call}`);
}

function compareStep(actual: unknown, step: Step, where: string): void {
  const out = step.out;
  if (step.call === "state" || step.call === "legacy_state" || step.call === "mt_state") {
    const exp = out as { [k: string]: Json };
    const act = actual as { [k: string]: unknown };
    for (const k of Object.keys(exp)) {
      const e = exp[k];
      if (Array.isArray(e)) same(act[k], { shape: [e.length], data: e }, `${where}.${k}`);
      else {sameScalar(
          typeof e === "string" ? BigInt(act[k] as string) : act[k],
          e,
          `${where}.${k}`,
        );}
    }
    return;
  }
  same(actual, out, where);
}

for (const prog of fixture.programs) {
  const label = Array.isArray(prog.seed) ? `[${prog.seed.join(",")}]` : prog.seed;
  Deno.test(`${prog.kind === "generator" ? "defaultRng" : "RandomState"}(${label}) replays NumPy's calls bit for bit`, () => {
    if (prog.kind === "generator") {
      const s = parseSeed(prog.seed);
      const g = defaultRng(Array.isArray(s) ? s : s);
      prog.steps.forEach((step, i) => {
        compareStep(replayGenerator(g, step), step, `step ${i} ${step.call}`);
      });
    } else {
      const s = parseSeed(prog.seed);
      const rs = new RandomState(Array.isArray(s) ? s.map(Number) : s);
      prog.steps.forEach((step, i) => {
        compareStep(replayLegacy(rs, step), step, `step ${i} ${step.call}`);
      });
    }
  });
}

Deno.test("module-level seed()/rand()/randn()/randint()/... share one RandomState like np.random", () => {
  seed(7);
  randn(3); // leaves a cached normal that seed() must clear
  seed(Number(fixture.module.seed));
  const calls: Record<string, (a: (number | number[])[], kw: Record<string, Json>) => unknown> = {
    rand: (a) => rand(...(a as number[])),
    randn: (a) => randn(...(a as number[])),
    randint: (a, kw) => randint(a[0] as number, a[1] as number, kw.size as number),
    permutation: (a) => permutation(a[0] as number),
    choice: (a, kw) => choice(a[0] as number, a[1] as number, { replace: kw.replace as boolean }),
    uniform: (a) => legacyUniform(a[0] as number, a[1] as number, a[2] as number),
    normal: (a) => legacyNormal(a[0] as number, a[1] as number, a[2] as number),
  };
  fixture.module.steps.forEach((step, i) => {
    same(calls[step.call](step.args as number[], step.kwargs), step.out, `step ${i} ${step.call}`);
  });
});

async function sha256(bytes: ArrayBufferView): Promise<string> {
  const view = new Uint8Array(bytes.byteLength);
  view.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", view));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The long stream that a generator digest hashes. */
function generatorStream(g: Generator<BitSource>, d: Digest): Float64Array | Int32Array {
  if (d.call === "standard_normal") return g.standardNormal(d.n).data as Float64Array;
  if (d.call === "random") return g.random(d.n).data as Float64Array;
  if (d.call === "integers") return g.integers(0, d.high!, { size: d.n }) as Int32Array;
  return g.permutation(d.n);
}

for (const d of fixture.digests) {
  Deno.test(`${d.kind === "generator" ? "defaultRng" : "RandomState"}(${d.seed}).${d.call} of ${d.n} matches NumPy's SHA-256`, async () => {
    let out: Float64Array | Int32Array;
    if (d.kind === "generator") {
      out = generatorStream(defaultRng(BigInt(d.seed)), d);
    } else {
      const rs = new RandomState(Number(d.seed));
      if (d.call === "randn") out = rs.randn(d.n).data as Float64Array;
      else if (d.call === "rand") out = rs.rand(d.n).data as Float64Array;
      else if (d.call === "randint") out = rs.randint(0, d.high!, { size: d.n }) as Int32Array;
      else out = rs.permutation(d.n);
    }
    assert.equal(await sha256(out), d.sha256_f64 ?? d.sha256_i32);
    compared += d.n;
  });
}

for (const bare of [false, true]) {
  const via = bare ? "a bare BitSource over MT19937" : "MT19937";
  for (const prog of mtFixture.programs) {
    Deno.test(`Generator on ${via} (seed ${prog.seed}) replays NumPy's Generator(MT19937) calls bit for bit`, () => {
      const { g, mt } = mtGenerator(BigInt(prog.seed as string), bare);
      prog.steps.forEach((step, i) => {
        compareStep(replayGenerator(g, step, mt), step, `step ${i} ${step.call}`);
      });
    });
  }
  for (const d of mtFixture.digests) {
    Deno.test(`Generator on ${via} (seed ${d.seed}).${d.call} of ${d.n} matches NumPy's SHA-256`, async () => {
      const out = generatorStream(mtGenerator(BigInt(d.seed), bare).g, d);
      assert.equal(await sha256(out), d.sha256_f64 ?? d.sha256_i32);
      compared += d.n;
    });
  }
}

Deno.test("SeedSequence(12345) and PCG64 seeding match the reference state", () => {
  const p = ref001.prng;
  same(new SeedSequence(12345).generateState64(4), {
    shape: [4],
    data: p.seedsequence_generate_state_4_uint64,
  }, "generate_state");
  const st = new PCG64(12345).getState();
  sameScalar(st.state, p.pcg64_state_after_seeding.state, "state");
  sameScalar(st.inc, p.pcg64_state_after_seeding.inc, "inc");
  const g = new PCG64(12345);
  same(Array.from({ length: 5 }, () => g.nextUint64()), {
    shape: [5],
    data: p.first_5_raw_uint64,
  }, "raw");
});

Deno.test("defaultRng(12345) gives the reference uniforms, normals, integers and permutation", () => {
  const p = ref001.prng;
  same(defaultRng(12345).random(12), { shape: [12], data: p.first_12_uniform }, "uniform");
  same(defaultRng(12345).normal(0, 1, 6), { shape: [6], data: p.first_6_normal }, "normal");
  same(defaultRng(12345).integers(2, { size: 5 }), { shape: [5], data: p.integers_2_size5 }, "int");
  const perm = ref001.digits_permutation_seed12345 as number[];
  same(defaultRng(12345).permutation(1797), { shape: [perm.length], data: perm }, "permutation");
});

Deno.test("defaultRng(12345) uniform stream agrees with the notebook's block sums", () => {
  const b = ref001.uniform_stream_block_sums;
  const u = defaultRng(12345).random(8320).data;
  for (const i of [2079, 2080, 4160, 6240, 8319]) sameScalar(u[i], b[`u[${i}]`], `u[${i}]`);
  for (const [start, end] of [[0, 2048], [2048, 2080], [2080, 4160], [4160, 6240], [6240, 8320]]) {
    let s = 0;
    for (let i = start; i < end; i++) s += u[i];
    // NumPy sums pairwise, we sum in order: equal up to rounding.
    assert.ok(Math.abs(s - b[`${start}_${end}`]) < 1e-9, `sum ${start}_${end}`);
  }
});

Deno.test("RandomState rejects seeds outside [0, 2^32) and setState restores a stream", () => {
  assert.throws(() => new RandomState(-1), /seed must be an integer in \[0, 2\*\*32 - 1\]/);
  assert.throws(() => new RandomState(2 ** 32), /seed/);
  const rs = new RandomState(3);
  rs.randn(); // leaves a cached value: part of the state
  const st = rs.getState();
  const a = rs.randn(5).data.slice();
  rs.setState(st);
  assert.deepEqual(rs.randn(5).data, a);
  const mt = new MT19937(5489);
  // The reference implementation's first output for the default seed 5489.
  assert.equal(mt.nextUint32(), 3499211612);
});

Deno.test("integers()/choice() report bad arguments with the values", () => {
  const g = defaultRng(0);
  assert.throws(() => g.integers(5, 3), /low >= high \(low 5, high 3\)/);
  assert.throws(() => g.integers(0), /low >= high/);
  assert.throws(
    () => g.choice(3, 5, { replace: false }),
    /larger sample \(5\) than population \(3\)/,
  );
  assert.throws(() => g.choice(3, 2, { p: [0.5, 0.6, 0.1] }), /do not sum to 1/);
  assert.throws(() => g.choice(3, 2, { p: [0.5, 0.5] }), /same size/);
  assert.throws(() => g.normal(0, -1), /scale must be >= 0/);
  assert.throws(() => defaultRng(-3), /non-negative/);
  assert.throws(() => defaultRng(1.5), /integer/);
});

Deno.test("Generator state round-trips through getState()/setState()", () => {
  const g = defaultRng(99);
  g.integers(0, 10, { size: 3 }); // leaves a buffered 32-bit half
  const st = g.bitGenerator.getState();
  const a = g.integers(0, 10, { size: 9 });
  g.bitGenerator.setState(st);
  assert.deepEqual(g.integers(0, 10, { size: 9 }), a);
});

// Report how many values were compared (for the closing note).
globalThis.addEventListener("unload", () => {
  console.log(`random_test: ${compared} values compared with NumPy`);
});
