/**
 * lib/tensor against NumPy: every case in tests/fixtures/tensor_ops.json (made by
 * tests/gen/tensor_ops.py) is run through our op and compared with NumPy's output or error.
 */
import assert from "node:assert/strict";
import { isClose } from "./assert_close.ts";
import * as T from "../lib/tensor/mod.ts";
import { Tensor } from "../lib/tensor/mod.ts";

type Num = number | "nan" | "inf" | "-inf";
interface Enc {
  shape: number[];
  dtype: "float32" | "float64" | "int";
  data: Num[];
}
type Expected = Enc | Enc[] | Num | null;
interface Case {
  op: string;
  inputs: (Enc | Num)[];
  options: Record<string, unknown> & { error?: string };
  expected: Expected;
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/tensor_ops.json", import.meta.url)),
) as { numpy: string; cases: Case[] };

function num(v: Num): number {
  return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
}

function decode(e: Enc | Num): Tensor | number {
  if (typeof e !== "object") return num(e);
  const values = e.data.map(num);
  if (e.dtype === "int") return new Tensor(Float64Array.from(values), e.shape);
  return T.tensor(values, { dtype: e.dtype, shape: e.shape });
}

function indices(e: Enc | Num): Int32Array {
  return Int32Array.from((e as Enc).data.map(num));
}

function tensorArg(e: Enc | Num): Tensor {
  return decode(e) as Tensor;
}

/** Runs one fixture case through lib/tensor. */
function run(c: Case): unknown {
  const o = c.options;
  const [a, b, d] = c.inputs;
  const t = () => tensorArg(a);
  const binary: Record<string, (x: T.Operand, y: T.Operand) => Tensor> = {
    add: T.add,
    sub: T.sub,
    mul: T.mul,
    div: T.div,
    pow: T.pow,
    maximum: T.maximum,
    minimum: T.minimum,
    greater: T.greater,
    greaterEqual: T.greaterEqual,
    less: T.less,
    lessEqual: T.lessEqual,
    equal: T.equal,
    notEqual: T.notEqual,
  };
  const unary: Record<string, (x: Tensor) => Tensor> = {
    exp: T.exp,
    log: T.log,
    sqrt: T.sqrt,
    abs: T.abs,
    sin: T.sin,
    cos: T.cos,
    tanh: T.tanh,
    sign: T.sign,
    neg: T.neg,
    flatten: T.flatten,
  };
  if (c.op in binary) return binary[c.op](decode(a), decode(b));
  if (c.op in unary) return unary[c.op](t());
  const reduceOpts = { axis: o.axis as number | undefined, keepdims: o.keepdims as boolean };
  switch (c.op) {
    case "where":
      return T.where(decode(a), decode(b), decode(d));
    case "clip":
      return T.clip(t(), o.lo as number, o.hi as number);
    case "sum":
      return T.sum(t(), reduceOpts);
    case "mean":
      return T.mean(t(), reduceOpts);
    case "std":
      return T.std(t(), reduceOpts);
    case "max":
      return T.max(t(), reduceOpts);
    case "min":
      return T.min(t(), reduceOpts);
    case "argmax":
      return T.argmax(t(), { axis: o.axis as number | undefined });
    case "argmin":
      return T.argmin(t(), { axis: o.axis as number | undefined });
    case "reshape":
      return T.reshape(t(), o.shape as number[]);
    case "transpose":
      return T.transpose(t(), o.axes as number[] | undefined);
    case "squeeze":
      return T.squeeze(t(), { axis: o.axis as number | undefined });
    case "expandDims":
      return T.expandDims(t(), o.axis as number);
    case "concat":
      return T.concat(c.inputs.map(tensorArg), { axis: o.axis as number });
    case "hstack":
      return T.hstack(c.inputs.map(tensorArg));
    case "vstack":
      return T.vstack(c.inputs.map(tensorArg));
    case "slice":
      return T.slice(t(), o.start as number, o.end as number | undefined);
    case "take":
      return T.take(t(), indices(b));
    case "gather":
      return T.gather(t(), indices(b), indices(d));
    case "scatterAdd":
      return T.scatterAdd(t(), indices(b), indices(d), o.value as number);
    case "oneHot":
      return T.oneHot(indices(a), o.numClasses as number);
    case "matmul":
      return T.matmul(t(), tensorArg(b), { transA: !!o.transA, transB: !!o.transB });
    case "arange":
      return T.arange(
        (o.start ?? o.stop) as number,
        o.start === undefined ? undefined : o.stop as number,
        { step: o.step as number | undefined },
      );
    case "linspace":
      return T.linspace(o.start as number, o.stop as number, {
        num: o.num as number,
        endpoint: o.endpoint as boolean | undefined,
      });
    case "eye":
      return T.eye(o.n as number, { m: o.m as number, k: o.k as number });
    case "meshgrid":
      return T.meshgrid(t(), tensorArg(b));
  }
  throw new Error(`no runner for op ${c.op}`);
}

/**
 * float64 must agree to 1e-12 (summation order is the only difference). float32 gets 1e-5: NumPy
 * accumulates float32 sums and products in float32, while we accumulate in float64.
 */
function close(actual: number, expected: number, tol: number): boolean {
  // |actual - expected| <= tol * (|expected| + 1); NaN matches NaN, infinities match exactly.
  return isClose(actual, expected, { rtol: tol, atol: tol, equalNan: true });
}

function compare(label: string, actual: unknown, expected: Expected): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${label}: expected a list of tensors`);
    expected.forEach((e, i) => compare(`${label}[${i}]`, (actual as unknown[])[i], e));
    return;
  }
  if (expected === null || typeof expected !== "object") {
    assert.equal(typeof actual, "number", `${label}: expected a plain number`);
    assert.ok(close(actual as number, num(expected!), 1e-12), `${label}: ${actual} vs ${expected}`);
    return;
  }
  const want = expected.data.map(num);
  const tol = expected.dtype === "float32" ? 1e-5 : 1e-12;
  if (expected.shape.length === 0 && typeof actual === "number") {
    // A reduction over everything returns a plain number, as NumPy returns a scalar.
    assert.ok(close(actual, want[0], tol), `${label}: ${actual} vs NumPy ${want[0]}`);
    return;
  }
  let got: ArrayLike<number>;
  if (expected.dtype === "int") {
    // Integer results (argmax) are Int32Arrays in the expected layout.
    assert.ok(actual instanceof Int32Array || actual instanceof Tensor, `${label}: got ${actual}`);
    got = actual instanceof Tensor ? actual.data : actual;
  } else {
    assert.ok(actual instanceof Tensor, `${label}: expected a Tensor, got ${actual}`);
    assert.deepEqual([...actual.shape], expected.shape, `${label}: shape`);
    assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
    got = actual.data;
  }
  assert.equal(got.length, want.length, `${label}: size`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(close(got[i], want[i], tol), `${label}: element ${i}: ${got[i]} vs NumPy ${want[i]}`);
  }
}

const byOp = new Map<string, Case[]>();
for (const c of fixture.cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

for (const [op, cases] of byOp) {
  Deno.test(`${op}() matches NumPy ${fixture.numpy} on ${cases.length} cases`, () => {
    cases.forEach((c, i) => {
      const label = `${op} case ${i} (${JSON.stringify(c.options)})`;
      if (c.options.error) {
        assert.throws(() => run(c), (err: Error) => {
          assert.ok(
            err.message.includes(c.options.error!),
            `${label}: message "${err.message}" should mention "${c.options.error}"`,
          );
          return true;
        });
      } else {
        compare(label, run(c), c.expected);
      }
    });
  });
}
