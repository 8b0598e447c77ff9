// qmatmul: out[m, n] = x[m, k] · W[n, k]ᵀ with W packed in GGML blocks (layouts: runtime/ggml.ts,
// whose ids and block sizes the build writes into codes.ts; the host passes the id and row bytes). As llama.cpp does,
// x is first quantized to int8 in 32-wide blocks (scale per block, sums per 16), so every
// block product is an integer dot (i32x4.dot_i16x8_s) of int8 activations with the
// unsigned 4/5/6-bit codes, the zero point taken off afterwards with the activation sums.

import { GGML_Q8_0, GGML_Q4_0, GGML_Q5_0, GGML_Q4_K, GGML_Q6_K, GGML_Q8_0_BYTES, GGML_Q4_0_BYTES, GGML_Q5_0_BYTES, GGML_Q4_K_BYTES, GGML_Q6_K_BYTES } from './codes';

/** IEEE half -> f32 for finite values: the 15 magnitude bits land in f32's exponent and
 *  mantissa fields shifted by 13, and 2^112 corrects the exponent bias (subnormals too). */
// @ts-ignore: decorator
@inline function half(p: usize): f32 {
  const h = <u32>load<u16>(p);
  const f = reinterpret<f32>((h & 0x7fff) << 13) * reinterpret<f32>(0x77800000);
  return h & 0x8000 ? -f : f;
}

/** acc + Σ x·u over 16 lanes; x signed int8, u unsigned < 128. The relaxed
 *  i32x4.relaxed_dot_i8x16_i7x16_add_s fits here, but chained as below it gave wrong sums
 *  under Node 20's V8 (isolated calls were right), so both builds widen to i16 for now. */
// @ts-ignore: decorator
@inline function dotU(x: v128, u: v128, acc: v128): v128 {
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), i16x8.extend_low_i8x16_u(u));
  const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), i16x8.extend_high_i8x16_u(u));
  return i32x4.add(acc, i32x4.add(lo, hi));
}

/** acc + Σ x·w over 16 lanes, both signed int8. */
// @ts-ignore: decorator
@inline function dotS(x: v128, w: v128, acc: v128): v128 {
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), i16x8.extend_low_i8x16_s(w));
  const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), i16x8.extend_high_i8x16_s(w));
  return i32x4.add(acc, i32x4.add(lo, hi));
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
// @ts-ignore: decorator
@inline function hsumi(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** x rounded to the nearest IEEE half (ties to even), as a float; x >= 0 and finite. */
function toHalf(x: f32): f32 {
  if (x < <f32>6.103515625e-5) return nearest(x * <f32>16777216) * <f32>5.9604644775390625e-8; // half subnormals: steps of 2^-24
  let b = reinterpret<u32>(x);
  b = (b + 0xfff + ((b >> 13) & 1)) & ~<u32>0x1fff;
  return reinterpret<f32>(b);
}

/**
 * Quantizes m rows of k floats (k a multiple of 32) as llama.cpp's Q8_0 does: per 32 values
 * d = fp16(max|x| / 127), q = round-to-even(x · 127 / max|x|). Out: qx int8 [m, k], dx f32
 * [m, k/32], sx i32 [m, k/16] (sums of the codes per 16, for the zero points). The K-quants
 * get the same 32-wide scales (llama.cpp uses one per 256, Q8_K, which is less accurate).
 */
export function quantizeRowsQ8(x: usize, qx: usize, dx: usize, sx: usize, m: i32, k: i32): void {
  const nb = m * (k >> 5);
  for (let b = 0; b < nb; b++) {
    const xp = x + (<usize>b << 7);
    let amax = f32x4.splat(0);
    for (let j = 0; j < 8; j++) amax = f32x4.max(amax, f32x4.abs(v128.load(xp + (<usize>j << 4))));
    const a = max(max(f32x4.extract_lane(amax, 0), f32x4.extract_lane(amax, 1)), max(f32x4.extract_lane(amax, 2), f32x4.extract_lane(amax, 3)));
    store<f32>(dx + (<usize>b << 2), toHalf(a / 127));
    const id = f32x4.splat(a != 0 ? <f32>127 / a : 0);
    const qp = qx + (<usize>b << 5);
    for (let h = 0; h < 2; h++) {
      const p = xp + (<usize>h << 6);
      const i0 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p), id)));
      const i1 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 16), id)));
      const i2 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 32), id)));
      const i3 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 48), id)));
      const q = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(i0, i1), i16x8.narrow_i32x4_s(i2, i3));
      v128.store(qp + (<usize>h << 4), q);
      const s = i32x4.add(i32x4.add(i0, i1), i32x4.add(i2, i3));
      store<i32>(sx + (<usize>(2 * b + h) << 2), hsumi(s));
    }
  }
}

const LOW4 = i8x16.splat(0x0f);

function dotQ8_0(w: usize, qx: usize, dx: usize, nb: i32): f32 {
  let acc = f32x4.splat(0);
  for (let b = 0; b < nb; b++) {
    const wp = w + <usize>b * GGML_Q8_0_BYTES, xp = qx + (<usize>b << 5);
    let s = dotS(v128.load(xp), v128.load(wp, 2), i32x4.splat(0));
    s = dotS(v128.load(xp, 16), v128.load(wp, 18), s);
    acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.splat(half(wp) * load<f32>(dx + (<usize>b << 2)))));
  }
  return hsum(acc);
}

function dotQ4_0(w: usize, qx: usize, dx: usize, sx: usize, nb: i32): f32 {
  let acc: f32 = 0;
  for (let b = 0; b < nb; b++) {
    const wp = w + <usize>b * GGML_Q4_0_BYTES, xp = qx + (<usize>b << 5);
    const v = v128.load(wp, 2);
    let s = dotU(v128.load(xp), v128.and(v, LOW4), i32x4.splat(0));
    s = dotU(v128.load(xp, 16), i8x16.shr_u(v, 4), s);
    const sum = load<i32>(sx + (<usize>b << 3)) + load<i32>(sx + (<usize>b << 3), 4);
    acc += <f32>(hsumi(s) - 8 * sum) * (half(wp) * load<f32>(dx + (<usize>b << 2)));
  }
  return acc;
}

// lane j of a 16-lane half picks byte j >> 3 of the high-bit word and tests bit j & 7
const BIT = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
const PICK_LO = i8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
const PICK_HI = i8x16(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
const BIT4 = i8x16.splat(0x10);

function dotQ5_0(w: usize, qx: usize, dx: usize, sx: usize, nb: i32): f32 {
  let acc: f32 = 0;
  for (let b = 0; b < nb; b++) {
    const wp = w + <usize>b * GGML_Q5_0_BYTES, xp = qx + (<usize>b << 5);
    const qh = i32x4.splat(load<i32>(wp, 2));
    const hlo = v128.andnot(BIT4, i8x16.eq(v128.and(i8x16.swizzle(qh, PICK_LO), BIT), i8x16.splat(0)));
    const hhi = v128.andnot(BIT4, i8x16.eq(v128.and(i8x16.swizzle(qh, PICK_HI), BIT), i8x16.splat(0)));
    const v = v128.load(wp, 6);
    let s = dotU(v128.load(xp), v128.or(v128.and(v, LOW4), hlo), i32x4.splat(0));
    s = dotU(v128.load(xp, 16), v128.or(i8x16.shr_u(v, 4), hhi), s);
    const sum = load<i32>(sx + (<usize>b << 3)) + load<i32>(sx + (<usize>b << 3), 4);
    acc += <f32>(hsumi(s) - 16 * sum) * (half(wp) * load<f32>(dx + (<usize>b << 2)));
  }
  return acc;
}

function dotQ4_K(w: usize, qx: usize, dx: usize, sx: usize, nsb: i32): f32 {
  let acc: f32 = 0;
  for (let sb = 0; sb < nsb; sb++) {
    const wp = w + <usize>sb * GGML_Q4_K_BYTES;
    const d = half(wp), dmin = half(wp + 2);
    const sc = wp + 4;
    for (let j = 0; j < 4; j++) {
      const q = wp + 16 + (<usize>j << 5);
      const v0 = v128.load(q), v1 = v128.load(q, 16);
      for (let h = 0; h < 2; h++) {
        const is = 2 * j + h;
        let scale: i32, mn: i32;
        if (is < 4) { scale = load<u8>(sc + is) & 63; mn = load<u8>(sc + is + 4) & 63; }
        else {
          scale = (load<u8>(sc + is + 4) & 0x0f) | ((load<u8>(sc + is - 4) >> 6) << 4);
          mn = (load<u8>(sc + is + 4) >> 4) | ((load<u8>(sc + is) >> 6) << 4);
        }
        const blk = (sb << 3) + is; // the 32-block of x this sub-block meets
        const xp = qx + (<usize>blk << 5);
        const u0 = h ? i8x16.shr_u(v0, 4) : v128.and(v0, LOW4);
        const u1 = h ? i8x16.shr_u(v1, 4) : v128.and(v1, LOW4);
        const s = dotU(v128.load(xp, 16), u1, dotU(v128.load(xp), u0, i32x4.splat(0)));
        const sum = load<i32>(sx + (<usize>blk << 3)) + load<i32>(sx + (<usize>blk << 3), 4);
        acc += load<f32>(dx + (<usize>blk << 2)) * (d * <f32>scale * <f32>hsumi(s) - dmin * <f32>mn * <f32>sum);
      }
    }
  }
  return acc;
}

const LOW2 = i8x16.splat(3);

function dotQ6_K(w: usize, qx: usize, dx: usize, sx: usize, nsb: i32): f32 {
  let acc: f32 = 0;
  for (let sb = 0; sb < nsb; sb++) {
    const wp = w + <usize>sb * GGML_Q6_K_BYTES;
    const d = half(wp + 208);
    for (let h = 0; h < 2; h++) {
      const ql = wp + (<usize>h << 6), qh = wp + 128 + (<usize>h << 5), sc = wp + 192 + (<usize>h << 3);
      for (let l = 0; l < 32; l += 16) {
        const a = v128.load(ql + l), c = v128.load(ql + l + 32), hb = v128.load(qh + l);
        // the four 16-wide groups at offsets l, l+32, l+64, l+96 of this 128-half
        for (let g = 0; g < 4; g++) {
          const lowBits = g & 1 ? c : a;
          const nib = g < 2 ? v128.and(lowBits, LOW4) : i8x16.shr_u(lowBits, 4);
          const hi = i8x16.shl(v128.and(i8x16.shr_u(hb, <i32>(2 * g)), LOW2), 4);
          const e = (sb << 8) + (h << 7) + (g << 5) + l; // element index in the row
          const s = hsumi(dotU(v128.load(qx + <usize>e), v128.or(nib, hi), i32x4.splat(0)));
          const sum = load<i32>(sx + (<usize>(e >> 4) << 2));
          const scale = <f32>load<i8>(sc + (g << 1) + (l >> 4));
          acc += load<f32>(dx + (<usize>(e >> 5) << 2)) * d * scale * <f32>(s - 32 * sum);
        }
      }
    }
  }
  return acc;
}

/** out[i, j] = Σ_t x[i, t]·W[j, t] from the quantized activations; rowBytes bytes per W row. */
export function qmatmul(type: i32, w: usize, qx: usize, dx: usize, sx: usize, out: usize, m: i32, n: i32, k: i32, rowBytes: i32): void {
  const nb = k >> 5;
  for (let j = 0; j < n; j++) {
    const wr = w + <usize>j * rowBytes;
    for (let i = 0; i < m; i++) {
      const q = qx + <usize>i * k, d = dx + (<usize>(i * nb) << 2), s = sx + (<usize>(i * 2 * nb) << 2);
      let v: f32 = 0;
      switch (type) {
        case GGML_Q8_0: v = dotQ8_0(wr, q, d, nb); break;
        case GGML_Q4_0: v = dotQ4_0(wr, q, d, s, nb); break;
        case GGML_Q5_0: v = dotQ5_0(wr, q, d, s, nb); break;
        case GGML_Q4_K: v = dotQ4_K(wr, q, d, s, k >> 8); break;
        case GGML_Q6_K: v = dotQ6_K(wr, q, d, s, k >> 8); break;
        default: unreachable();
      }
      store<f32>(out + (<usize>(i * n + j) << 2), v);
    }
  }
}
