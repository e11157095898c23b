/**
 * lib/format against Python and NumPy: every string in tests/fixtures/format_vectors.json (made by
 * tests/gen/format_vectors.py with Python 3.11 / NumPy 1.24) must be reproduced exactly.
 */
import assert from "node:assert/strict";
import {
  arrayRepr,
  arrayToString,
  format,
  getPrintOptions,
  repr,
  setPrintOptions,
  sprintf,
  str,
} from "../lib/format/mod.ts";
import type { PrintOptions } from "../lib/format/mod.ts";
import { Tensor } from "../lib/tensor/tensor.ts";

interface Arg {
  t: "i" | "f" | "s";
  v: string;
}
interface ArrayCase {
  name: string;
  dtype: string;
  shape: number[];
  options: Partial<PrintOptions>;
  str: string;
  repr: string;
}
const fx = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/format_vectors.json", import.meta.url)),
) as {
  repr: { x: string; out: string }[];
  format: {
    x?: string;
    int?: string;
    str?: string;
    spec: string;
    out: string;
    percent?: boolean;
  }[];
  sprintf: { fmt: string; args?: Arg[]; mapping?: Record<string, Arg>; out: string }[];
  arrays: ArrayCase[];
  array_data: Record<string, string[]>;
  dragon4: { x: string; sci: string; pos: string; pos8: string }[];
};

/** A double from its 16-hex-digit big-endian IEEE bit pattern. */
function fromHex(h: string): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, BigInt("0x" + h));
  return dv.getFloat64(0);
}

function argValue(a: Arg): unknown {
  return a.t === "i" ? BigInt(a.v) : a.t === "f" ? fromHex(a.v) : a.v;
}

/** Checks every case, collecting all mismatches into one failure message. */
function checkAll<T>(cases: T[], run: (c: T) => [string, string, string]): number {
  const bad: string[] = [];
  for (const c of cases) {
    const [got, want, label] = run(c);
    if (got !== want) {
      bad.push(`${label}: got ${JSON.stringify(got)}, Python ${JSON.stringify(want)}`);
    }
  }
  assert.equal(bad.length, 0, bad.slice(0, 15).join("\n"));
  return cases.length;
}

let compared = 0;

Deno.test(`repr() matches Python's repr(float) for ${fx.repr.length} doubles`, () => {
  compared += checkAll(fx.repr, (c) => [repr(fromHex(c.x)), c.out, `repr(${c.x})`]);
});

Deno.test("format() matches Python's format(x, spec) for floats, ints and strings", () => {
  compared += checkAll(fx.format.filter((c) => !c.percent), (c) => {
    const value = c.x !== undefined ? fromHex(c.x) : c.int !== undefined ? BigInt(c.int) : c.str!;
    return [format(value, c.spec), c.out, `format(${c.x ?? c.int ?? c.str}, '${c.spec}')`];
  });
});

Deno.test("sprintf() matches Python's '%.Nf' % x on exact ties (round half to even)", () => {
  const ties = fx.format.filter((c) => c.percent);
  assert.ok(ties.length > 300);
  compared += checkAll(ties, (c) => [sprintf(c.spec, fromHex(c.x!)), c.out, `${c.spec} % ${c.x}`]);
});

Deno.test("sprintf() matches Python's fmt % args", () => {
  compared += checkAll(fx.sprintf, (c) => {
    const got = c.mapping
      ? sprintf(
        c.fmt,
        Object.fromEntries(Object.entries(c.mapping).map(([k, a]) => [k, argValue(a)])),
      )
      : sprintf(c.fmt, ...c.args!.map(argValue));
    return [got, c.out, c.fmt];
  });
});

/** The fixture array as our input type: a tensor (float64/float32) or an Int32Array. */
function arrayInput(c: ArrayCase): Tensor | Int32Array {
  const values = fx.array_data[c.name].map(fromHex);
  if (c.dtype === "int32") return Int32Array.from(values);
  const data = c.dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values);
  return new Tensor(data, c.shape);
}

Deno.test("arrayToString() matches np.array2string under each print option set", () => {
  compared += checkAll(fx.arrays, (c) => [
    arrayToString(arrayInput(c), c.options),
    c.str,
    `${c.name} ${JSON.stringify(c.options)}`,
  ]);
});

Deno.test("arrayRepr() matches repr(np.array) (NumPy 1.24 layout)", () => {
  compared += checkAll(fx.arrays, (c) => [
    arrayRepr(arrayInput(c), c.options),
    c.repr,
    `${c.name} ${JSON.stringify(c.options)}`,
  ]);
});

Deno.test("single values print with NumPy's Dragon4 digits (scientific and positional)", () => {
  compared += checkAll(fx.dragon4, (c) => {
    const x = fromHex(c.x), ax = Math.abs(x);
    const t = new Tensor(new Float64Array([x]), []);
    // A 0-d array prints in scientific notation exactly when |x| >= 1e8 or 0 < |x| < 1e-4.
    const sci = ax !== 0 && (ax >= 1e8 || ax < 1e-4);
    return [
      arrayToString(t, { floatmode: "unique" }),
      sci ? c.sci : c.pos,
      c.x,
    ];
  });
  const small = fx.dragon4.filter((c) => Math.abs(fromHex(c.x)) < 1e8);
  compared += checkAll(small, (c) => {
    const t = new Tensor(new Float64Array([fromHex(c.x)]), []);
    return [arrayToString(t, { precision: 8, suppress: true }), c.pos8, c.x];
  });
});

Deno.test("arrayToString() takes nested arrays and the notebook's print options", () => {
  const x = [[1, 0.5], [-2.25, 1e-9]];
  // np.set_printoptions(suppress=True, precision=6, linewidth=200); print(np.array(x))
  assert.equal(
    arrayToString(x, { suppress: true, precision: 6, linewidth: 200 }),
    "[[ 1.    0.5 ]\n [-2.25  0.  ]]",
  );
  assert.equal(arrayToString(x), "[[ 1.00e+00  5.00e-01]\n [-2.25e+00  1.00e-09]]");
  assert.throws(() => arrayToString([[1, 2], [3]]), /ragged/);
});

Deno.test("setPrintOptions() changes the defaults like np.set_printoptions", () => {
  const saved = getPrintOptions();
  try {
    setPrintOptions({ precision: 3, suppress: true });
    assert.equal(arrayToString([1 / 3, 2e-9]), "[0.333 0.   ]");
    assert.equal(str(new Tensor(new Float64Array([1 / 3]), [1])), "[0.333]");
  } finally {
    setPrintOptions(saved);
  }
  assert.equal(arrayToString([1 / 3]), "[0.33333333]");
});

Deno.test("repr()/str() follow Python for non-float values", () => {
  assert.equal(repr(12n), "12");
  assert.equal(repr("it's"), `"it's"`);
  assert.equal(repr("a'b\"c"), `'a\\'b"c'`);
  assert.equal(repr([1, "x", true, null]), "[1.0, 'x', True, None]");
  assert.equal(repr({ loss: 0.5 }), "{'loss': 0.5}");
  assert.equal(str("plain"), "plain");
  assert.equal(str(new Tensor(new Float64Array([2.5]), [])), "2.5");
});

Deno.test("format() and sprintf() reject what Python rejects", () => {
  assert.throws(() => format(1.5, "d"), /unknown format code 'd'/);
  assert.throws(() => format(1, "q"), /invalid format specifier/);
  assert.throws(() => format("s", ".2f"), /format code 'f' for object of type 'str'/);
  assert.throws(() => sprintf("%d %d", 1), /not enough arguments/);
  assert.throws(() => sprintf("%d", 1, 2), /not all arguments converted/);
  assert.throws(() => sprintf("%x", 1.5), /integer is required/);
});

globalThis.addEventListener("unload", () => {
  console.log(`format_test: ${compared} strings compared with Python/NumPy`);
});

Deno.test("arrayToString({integer: true}) prints counts as NumPy prints an int array", async () => {
  const { arange, confusionMatrix, reshape, tensor } = await import("../lib/mod.ts");
  // Expected strings: /usr/bin/python3 (NumPy 1.24), str(np.array(...)) of the same values.
  const cm = confusionMatrix([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 2, 2]);
  assert.equal(arrayToString(cm, { integer: true }), "[[1 1 0]\n [0 2 1]\n [0 0 1]]");
  assert.equal(
    arrayToString(tensor([[50, 2, 0], [3, 1045, 2], [0, 1, 47]]), { integer: true }),
    "[[  50    2    0]\n [   3 1045    2]\n [   0    1   47]]",
  );
  assert.equal(
    arrayToString(tensor([[-3, 20], [100, -4000]]), { integer: true }),
    "[[   -3    20]\n [  100 -4000]]",
  );
  assert.equal(
    arrayToString(reshape(arange(2000), [40, 50]), { integer: true }),
    "[[   0    1    2 ...   47   48   49]\n [  50   51   52 ...   97   98   99]\n" +
      " [ 100  101  102 ...  147  148  149]\n ...\n [1850 1851 1852 ... 1897 1898 1899]\n" +
      " [1900 1901 1902 ... 1947 1948 1949]\n [1950 1951 1952 ... 1997 1998 1999]]",
  );
  assert.throws(() => arrayToString(tensor([1.5]), { integer: true }), /holds 1.5/);
});
