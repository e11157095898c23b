/**
 * NumPy's module-level legacy functions (`np.random.seed`, `np.random.rand`, `np.random.randn`,
 * ...), all drawing from one shared `RandomState`, as in NumPy.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { randn, seed } from "@dlfs/deno-dl/random";
 * import type { Tensor } from "@dlfs/deno-dl/tensor";
 *
 * seed(0);
 * const x = randn(2, 3) as Tensor; // the numbers of np.random.seed(0); np.random.randn(2, 3)
 * assert.equal(x.data[0], 1.764052345967664);
 * ```
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { RandomState } from "./random_state.ts";
import type { LegacySeed, RandintOptions } from "./random_state.ts";
import type { MT19937State } from "./mt19937.ts";
import type { ChoiceOptions, Shuffleable, Size } from "./common.ts";

/** The shared generator behind the module-level functions (seeded from OS entropy at load). */
export const globalRandomState: RandomState = new RandomState();

/** `np.random.seed(seed)`: re-seeds the shared generator (no seed: OS entropy). */
export function seed(s?: LegacySeed): void {
  globalRandomState.seed(s);
}

/** `np.random.get_state()` of the shared generator. */
export function getState(): MT19937State {
  return globalRandomState.getState();
}

/** `np.random.set_state(state)` of the shared generator. */
export function setState(
  state: MT19937State | readonly [string, ArrayLike<number>, number, number, number],
): void {
  globalRandomState.setState(state);
}

/** `np.random.rand(d0, d1, ...)`: uniform [0, 1); no arguments: a number. */
export function rand(...shape: number[]): number | Tensor {
  return globalRandomState.rand(...shape);
}

/** `np.random.randn(d0, d1, ...)`: standard normals; no arguments: a number. */
export function randn(...shape: number[]): number | Tensor {
  return globalRandomState.randn(...shape);
}

/** `np.random.random_sample(size)`: uniform [0, 1). */
export function randomSample(size?: Size): number | Tensor {
  return size === undefined
    ? globalRandomState.randomSample()
    : globalRandomState.randomSample(size);
}

/** `np.random.random(size)`: uniform [0, 1). */
export function random(size?: Size): number | Tensor {
  return randomSample(size);
}

/** `np.random.uniform(low, high, size)`. */
export function uniform(low = 0, high = 1, size?: Size): number | Tensor {
  return size === undefined
    ? globalRandomState.uniform(low, high)
    : globalRandomState.uniform(low, high, size);
}

/** `np.random.normal(loc, scale, size)`. */
export function normal(loc = 0, scale = 1, size?: Size): number | Tensor {
  return size === undefined
    ? globalRandomState.normal(loc, scale)
    : globalRandomState.normal(loc, scale, size);
}

/** `np.random.standard_normal(size)`. */
export function standardNormal(size?: Size): number | Tensor {
  return size === undefined
    ? globalRandomState.standardNormal()
    : globalRandomState.standardNormal(size);
}

/**
 * `np.random.randint(low, high, size)`: integers in [low, high) (`randint(n)`: [0, n)); arrays are
 * Int32Array (BigInt64Array for ranges beyond int32), a single draw a number.
 */
export function randint(
  low: number | bigint,
  high?: number | bigint | RandintOptions,
  size?: Size | RandintOptions,
): number | bigint | Int32Array | BigInt64Array {
  return (globalRandomState.randint as (
    a: number | bigint,
    b?: number | bigint | RandintOptions,
    c?: Size | RandintOptions,
  ) => number | bigint | Int32Array | BigInt64Array)(low, high, size);
}

/** `np.random.permutation(n or x)`. */
export function permutation(x: number | Tensor): Int32Array | Tensor {
  return typeof x === "number"
    ? globalRandomState.permutation(x)
    : globalRandomState.permutation(x);
}

/** `np.random.shuffle(x)`: in place, along the first axis. */
export function shuffle(x: Shuffleable): void {
  globalRandomState.shuffle(x);
}

/** `np.random.choice(a, size, replace, p)`. */
export function choice(
  a: number | Tensor | ArrayLike<number>,
  size?: Size,
  options?: ChoiceOptions,
): number | Int32Array | Tensor {
  return (globalRandomState.choice as (
    a: number | Tensor | ArrayLike<number>,
    size?: Size,
    options?: ChoiceOptions,
  ) => number | Int32Array | Tensor)(a, size, options);
}
