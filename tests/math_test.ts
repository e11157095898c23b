/**
 * lib/math against independent references (tests/fixtures/math_vectors.json, made by
 * tests/gen/math_vectors.py): `fma` against exact rational arithmetic rounded once, `glibcLog`
 * and `glibcLog1p` against the C library's own `log`/`log1p`. Every value is compared bit for bit.
 */
import assert from "node:assert/strict";
import { fma, glibcLog, glibcLog1p } from "../lib/math/mod.ts";

interface Fixture {
  fma: { a: string; b: string; c: string; fma: string }[];
  log: { x: string; y: string }[];
  log1p: { x: string; y: string }[];
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/math_vectors.json", import.meta.url)),
) as Fixture;

/** Python's `float.hex()` text (`-0x1.8p+1`, `0x0.0000000000001p-1022`, `inf`) as a double. */
function fromHex(text: string): number {
  if (text === "inf") return Infinity;
  if (text === "-inf") return -Infinity;
  if (text === "nan") return NaN;
  const m = /^(-?)0x([0-9a-f])\.?([0-9a-f]*)p([+-]\d+)$/.exec(text);
  if (m === null) throw new Error(`not a float.hex() value: ${text}`);
  const [, sign, lead, frac, exp] = m;
  // The mantissa has at most 53 bits, so Number() is exact; scaling by powers of two in two steps
  // keeps the intermediate normal, so only a subnormal result rounds, and it is representable.
  const mant = Number(BigInt(`0x${lead}${frac}`));
  const e = Number(exp) - 4 * frac.length;
  const half = Math.trunc(e / 2);
  const v = mant * 2 ** half * 2 ** (e - half);
  return sign === "-" ? -v : v;
}

/** Bit-for-bit equality that tells -0 from 0 and prints both values in hex on failure. */
function sameBits(actual: number, expected: number, what: string): void {
  assert.ok(Object.is(actual, expected), `${what}: got ${actual}, expected ${expected}`);
}

Deno.test("fromHex reads Python's float.hex() exactly", () => {
  assert.equal(fromHex("0x1.8000000000000p+1"), 3);
  assert.equal(fromHex("-0x1.0000000000000p-1"), -0.5);
  assert.equal(fromHex("0x0.0000000000001p-1022"), Number.MIN_VALUE);
  assert.equal(fromHex("0x1.fffffffffffffp+1023"), Number.MAX_VALUE);
  assert.ok(Object.is(fromHex("0x0.0p+0"), 0));
});

Deno.test(`fma(a, b, c) rounds a*b + c once, as exact arithmetic (${fixture.fma.length} triples)`, () => {
  for (const { a, b, c, fma: want } of fixture.fma) {
    const [x, y, z] = [fromHex(a), fromHex(b), fromHex(c)];
    sameBits(fma(x, y, z), fromHex(want), `fma(${x}, ${y}, ${z})`);
  }
});

Deno.test(`glibcLog(x) returns glibc's log bits (${fixture.log.length} inputs)`, () => {
  for (const { x, y } of fixture.log) sameBits(glibcLog(fromHex(x)), fromHex(y), `log(${x})`);
});

Deno.test(`glibcLog1p(x) returns glibc's log1p bits (${fixture.log1p.length} inputs)`, () => {
  for (const { x, y } of fixture.log1p) {
    sameBits(glibcLog1p(fromHex(x)), fromHex(y), `log1p(${x})`);
  }
});

Deno.test("glibcLog and glibcLog1p at the edges: 0, negatives, infinity, NaN", () => {
  assert.equal(glibcLog(0), -Infinity);
  assert.ok(Number.isNaN(glibcLog(-1)));
  assert.equal(glibcLog(Infinity), Infinity);
  assert.ok(Number.isNaN(glibcLog(NaN)));
  assert.equal(glibcLog1p(-1), -Infinity);
  assert.ok(Number.isNaN(glibcLog1p(-2)));
  assert.ok(Object.is(glibcLog1p(-0), -0));
});
