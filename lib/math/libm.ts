/**
 * `log` and `log1p` exactly as glibc computes them on x86-64 CPUs with FMA.
 *
 * NumPy's normal generators call the C library: the legacy polar Box–Muller (`randn`) calls
 * `log`, the ziggurat's tail (`standard_normal`) calls `log1p`. V8's `Math.log`/`Math.log1p`
 * (fdlibm) differ from glibc's in the last bit for about 1 input in 3000, which then changes the
 * normal drawn. These ports follow glibc 2.28+'s code operation by operation, with each
 * multiply-add that the FMA build fuses done by an exact `fma`, so they return glibc's bits.
 * (NumPy on a machine without FMA, or on another C library, may itself differ in rare last bits.)
 *
 * @module
 */

import { fma } from "./fma.ts";
import { INVC, LN2HI, LN2LO, LOGC, POLY, POLY1 } from "./glibc_log_data.ts";

const view = new Float64Array(1);
const words = new Uint32Array(view.buffer); // words[0] low, words[1] high (little-endian)

const A0 = POLY[0], A1 = POLY[1], A2 = POLY[2], A3 = POLY[3], A4 = POLY[4];
const B0 = POLY1[0], B1 = POLY1[1], B2 = POLY1[2], B3 = POLY1[3], B4 = POLY1[4], B5 = POLY1[5];
const B6 = POLY1[6], B7 = POLY1[7], B8 = POLY1[8], B9 = POLY1[9], B10 = POLY1[10];
const TWO27 = 134217728;

/** Natural logarithm, bit-identical to glibc's `log` (FMA build). */
export function glibcLog(x: number): number {
  view[0] = x;
  let hi = words[1];
  // Close to 1 (x in [1 - 2^-4, 1 + 0x1.09p-4)): a degree-11 polynomial in r = x - 1.
  if (hi >= 0x3fee0000 && hi < 0x3ff10900) {
    return x === 1 ? 0 : logNearOne(x - 1);
  }
  if (((hi - 0x00100000) >>> 0) >= 0x7fe00000) {
    // Zero, subnormal, negative, infinite or NaN.
    if (x === 0) return -Infinity;
    if (x < 0 || Number.isNaN(x)) return NaN;
    if (x === Infinity) return x;
    view[0] = x * 4503599627370496; // subnormal: scale by 2^52, undo below
    words[1] -= 52 << 20;
    hi = words[1];
  }
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); the top 7 mantissa bits of z pick c near z.
  const tmpHi = (hi - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & 0x7f;
  const k = tmpHi >> 20;
  words[1] = hi - (k << 20);
  const z = view[0];
  const kd = k;
  const w = fma(kd, LN2HI, LOGC[i]);
  const r = fma(z, INVC[i], -1);
  const t1 = fma(r, A2, A1);
  const h = r + w;
  const r2 = r * r;
  const l = fma(kd, LN2LO, (w - h) + r);
  const r3 = r * r2;
  const t2 = fma(r, A4, A3);
  const t3 = fma(r2, A0, l);
  const t4 = fma(t2, r2, t1);
  return fma(r3, t4, t3) + h;
}

/** The near-1 branch of `glibcLog`: r = x - 1, |r| < 0.07. */
function logNearOne(r: number): number {
  const r2 = r * r;
  const a1 = fma(r, B2, B1);
  const a2 = fma(r, B5, B4);
  const a3 = fma(r, B8, B7);
  const a4 = fma(r2, B3, a1);
  const a5 = fma(r2, B6, a2);
  const r3 = r * r2;
  const a6 = fma(r2, B9, a3);
  const a7 = fma(r3, B10, a6);
  const a8 = fma(a7, r3, a5);
  const a9 = fma(a8, r3, a4);
  // r split into a 26-bit head and a tail so that B0 * r^2 (B0 = -0.5) is formed exactly.
  const t = fma(r, TWO27, r);
  const rhi = fma(-TWO27, r, t);
  const rlo = r - rhi;
  const rhi2 = rhi * rhi;
  const h = fma(rhi2, B0, r);
  const l = fma(rhi2, B0, r - h);
  const l2 = fma(B0 * rlo, r + rhi, l);
  return h + fma(a9, r3, l2);
}

// fdlibm's log1p constants (Sun Microsystems, freely redistributable), as glibc uses them.
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const LP1 = 6.666666666666735130e-01, LP2 = 3.999999999940941908e-01;
const LP3 = 2.857142874366239149e-01, LP4 = 2.222219843214978396e-01;
const LP5 = 1.818357216161805012e-01, LP6 = 1.531383769920937332e-01;
const LP7 = 1.479819860511658591e-01;

/** log(1 + x), bit-identical to glibc's `log1p` (fdlibm's algorithm, FMA build). */
export function glibcLog1p(x: number): number {
  view[0] = x;
  const hx = words[1] | 0;
  const ax = hx & 0x7fffffff;
  let k = 1, f = 0, c = 0, hu = 0;
  if (hx < 0x3fda827a) { // x < 0.41422
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5; // |x| < 2^-29
    // glibc's compiled test for "-0.2929 < x < 0.41422": no normalisation needed.
    if (((hx + 0x402d413c) >>> 0) > 0x402d413c) {
      k = 0;
      f = x;
      hu = 1;
    }
  } else if (hx >= 0x7ff00000) {
    return x + x;
  }
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      view[0] = u;
      hu = words[1];
      k = (hu >> 20) - 1023;
      c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u; // correction term for the rounding of 1 + x
    } else {
      u = x;
      hu = hx;
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    view[0] = u;
    if (hu < 0x6a09e) {
      words[1] = hu | 0x3ff00000; // normalise u to [1, sqrt2)
    } else {
      k += 1;
      words[1] = hu | 0x3fe00000; // normalise u/2
      hu = (0x00100000 - hu) >> 2;
    }
    f = view[0] - 1;
  }
  const hfsq = f * 0.5 * f;
  if (hu === 0) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : fma(k, LN2_HI, fma(k, LN2_LO, c));
    const R = fma(-f, 0.66666666666666666, 1) * hfsq;
    if (k === 0) return f - R;
    return fma(k, LN2_HI, -((R - fma(k, LN2_LO, c)) - f));
  }
  const s = f / (f + 2);
  const z = s * s;
  const R2 = fma(z, LP3, LP2);
  const R3 = fma(z, LP5, LP4);
  const R4 = fma(z, LP7, LP6);
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z2 * z4;
  let R = fma(z, LP1, z2 * R2);
  R = fma(z4, R3, R);
  R = fma(z6, R4, R);
  const sR = (R + hfsq) * s;
  if (k === 0) return f - (hfsq - sR);
  return fma(k, LN2_HI, -((hfsq - (fma(k, LN2_LO, c) + sR)) - f));
}
