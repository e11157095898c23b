/**
 * The argument handling and dispatch shared by `Generator.integers` and `RandomState.randint`.
 *
 * @module
 */

import { boundedUint64, fillBounded } from "./bounded.ts";
import type { BitSource } from "./bit_source.ts";
import { shapeCount, sizeToShape } from "./common.ts";
import type { Size } from "./common.ts";

/** Options of `Generator.integers`. */
export interface IntegersOptions {
  /** Output length or shape; omitted: one number. */
  size?: Size;
  /** Include `high` in the range (NumPy's `endpoint=True`). */
  endpoint?: boolean;
}

/** `IntegersOptions` with a size: the call returns an array. */
export interface SizedIntegersOptions extends IntegersOptions {
  /** Output length or shape. */
  size: Size;
}

/** Converts a bound given as number or bigint to bigint, checking it is an integer. */
function toBigInt(op: string, v: number | bigint): bigint {
  if (typeof v === "bigint") return v;
  if (!Number.isSafeInteger(v)) {
    throw new RangeError(`${op}: bounds must be integers (bigint beyond 2^53), got ${v}`);
  }
  return BigInt(v);
}

/** A bigint result as a number when it is a safe integer. */
function narrow(v: bigint): number | bigint {
  return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
}

/** Sorts out the `integers(high)`, `integers(low, high, size)` and option-object call forms. */
export function integerArgs(
  a: number | bigint,
  b?: number | bigint | IntegersOptions,
  c?: Size | IntegersOptions,
  d?: IntegersOptions,
): [number | bigint, number | bigint, Size | undefined, IntegersOptions] {
  if (typeof b === "object") return [0, a, b.size, b];
  if (c !== undefined && !Array.isArray(c) && typeof c === "object") {
    const opts = c as IntegersOptions;
    return b === undefined ? [0, a, opts.size, opts] : [a, b, opts.size, opts];
  }
  const size = c as Size | undefined;
  const opts = d ?? {};
  return b === undefined ? [0, a, size ?? opts.size, opts] : [a, b, size ?? opts.size, opts];
}

/** Draws integers in [low, high) (or [low, high]) with the masked or Lemire algorithm. */
export function drawIntegers(
  bits: BitSource,
  op: string,
  low: number | bigint,
  high: number | bigint,
  size: Size | undefined,
  opts: IntegersOptions,
  masked: boolean,
): number | bigint | Int32Array | BigInt64Array {
  const lo = toBigInt(op, low);
  const hi = toBigInt(op, high) - (opts.endpoint ? 0n : 1n);
  if (hi < lo) throw new RangeError(`${op}: low >= high (low ${low}, high ${high})`);
  if (lo < -(2n ** 63n) || hi >= 2n ** 63n) {
    throw new RangeError(`${op}: bounds [${low}, ${high}) are out of the int64 range`);
  }
  if (size === undefined) {
    return narrow(BigInt.asIntN(64, lo + boundedUint64(bits, hi - lo, masked)));
  }
  const n = shapeCount(sizeToShape(op, size));
  return fillBounded(bits, lo, hi, n, masked);
}
