// qmatmul: out[m, n] = x[m, k] · W[n, k]ᵀ with W packed in GGML blocks (layouts: runtime/ggml.ts,
// whose ids and block sizes the build writes into codes.ts; the host passes the id and row bytes). As llama.cpp does,
// x is first quantized to int8 in 32-wide blocks (scale per block, sums per 16), so every
// block product is an integer dot (i32x4.dot_i16x8_s) of int8 activations with the
// unsigned 4/5/6-bit codes, the zero point taken off afterwards with the activation sums.

import { GGML_F16, GGML_F16_BYTES, GGML_Q8_0, GGML_Q4_0, GGML_Q5_0, GGML_Q4_K, GGML_Q6_K, GGML_Q8_0_BYTES, GGML_Q4_0_BYTES, GGML_Q5_0_BYTES, GGML_Q4_K_BYTES, GGML_Q6_K_BYTES } from './codes';

/** IEEE half -> f32 for finite values: the 15 magnitude bits land in f32's exponent and
 *  mantissa fields shifted by 13, and 2^112 corrects the exponent bias (subnormals too). */
// @ts-ignore: decorator
@inline function half(p: usize): f32 {
  const h = <u32>load<u16>(p);
  const f = reinterpret<f32>((h & 0x7fff) << 13) * reinterpret<f32>(0x77800000);
  return h & 0x8000 ? -f : f;
}

/** acc + Σ x·u over 16 lanes; x signed int8, u unsigned < 128 (widened to i16; the
 *  GEMV path below uses the relaxed int8 dot where the build has it). */
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

// Tiles of four weight rows (Q8_0, Q4_0, Q4_K): each activation block is loaded and widened
// once for the four rows, each row keeps its own float accumulator, and the four totals are
// stored together. A tile's weights stay in L1 while every activation row passes over them.

// @ts-ignore: decorator
@inline function dot32S(xa: v128, xb: v128, xc: v128, xd: v128, w0: v128, w1: v128): v128 {
  const p0 = i32x4.dot_i16x8_s(xa, i16x8.extend_low_i8x16_s(w0));
  const p1 = i32x4.dot_i16x8_s(xb, i16x8.extend_high_i8x16_s(w0));
  const p2 = i32x4.dot_i16x8_s(xc, i16x8.extend_low_i8x16_s(w1));
  const p3 = i32x4.dot_i16x8_s(xd, i16x8.extend_high_i8x16_s(w1));
  return i32x4.add(i32x4.add(p0, p1), i32x4.add(p2, p3));
}

// The relaxed build's int8 dot for 4-bit codes, once the host has checked it (setInt8Dot):
// Node 20's baseline compiler (Liftoff) gets i32x4.relaxed_dot_i8x16_i7x16_add_s wrong in
// these kernels while its optimizing tier gets it right, so the host compares the two paths
// on its first (baseline-compiled) calls and turns the dot on only when they agree.
let int8Dot = false;
export function setInt8Dot(on: bool): void { int8Dot = on; }

/** Σ x·u per lane group for a 32-block of 4-bit codes: u0 meets x0 (widened xa, xb), u1 x1
 *  (xc, xd). The int8 dot's second operand must be 7-bit, which codes < 16 are (outside
 *  0..127 its result is implementation-defined: x86 and ARM differ). */
// @ts-ignore: decorator
@inline function dot32U(x0: v128, x1: v128, xa: v128, xb: v128, xc: v128, xd: v128, u0: v128, u1: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD && int8Dot)
    return i32x4.relaxed_dot_i8x16_i7x16_add_s(x1, u1, i32x4.relaxed_dot_i8x16_i7x16_add_s(x0, u0, i32x4.splat(0)));
  const p0 = i32x4.dot_i16x8_s(xa, i16x8.extend_low_i8x16_u(u0));
  const p1 = i32x4.dot_i16x8_s(xb, i16x8.extend_high_i8x16_u(u0));
  const p2 = i32x4.dot_i16x8_s(xc, i16x8.extend_low_i8x16_u(u1));
  const p3 = i32x4.dot_i16x8_s(xd, i16x8.extend_high_i8x16_u(u1));
  return i32x4.add(i32x4.add(p0, p1), i32x4.add(p2, p3));
}

/** [Σ a0, Σ a1, Σ a2, Σ a3] (lane sums of four vectors). */
// @ts-ignore: decorator
@inline function sum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const s01 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(s01, s23, 0, 1, 4, 5), v128.shuffle<f32>(s01, s23, 2, 3, 6, 7));
}

// @ts-ignore: decorator
@inline function blockQ8_0(acc: v128, wp: usize, xa: v128, xb: v128, xc: v128, xd: v128, d: f32): v128 {
  const s = dot32S(xa, xb, xc, xd, v128.load(wp, 2), v128.load(wp, 18));
  return f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.splat(half(wp) * d)));
}

// @ts-ignore: decorator
@inline function blockQ4_0(acc: v128, wp: usize, x0: v128, x1: v128, xa: v128, xb: v128, xc: v128, xd: v128, zero: v128, d: f32): v128 {
  const v = v128.load(wp, 2);
  const s = f32x4.sub(f32x4.convert_i32x4_s(dot32U(x0, x1, xa, xb, xc, xd, v128.and(v, LOW4), i8x16.shr_u(v, 4))), zero);
  return f32x4.add(acc, f32x4.mul(s, f32x4.splat(half(wp) * d)));
}

/** Four rows' dot products with one activation row (q, d, s) for Q8_0 or Q4_0. */
function rows4Q(type: i32, w0: usize, rb: usize, q: usize, dxp: usize, sxp: usize, nb: i32): v128 {
  let w1 = w0 + rb, w2 = w1 + rb, w3 = w2 + rb;
  const bb: usize = type == GGML_Q8_0 ? GGML_Q8_0_BYTES : GGML_Q4_0_BYTES;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  for (let b = 0; b < nb; b++) {
    const xp = q + (<usize>b << 5);
    const x0 = v128.load(xp), x1 = v128.load(xp, 16);
    const xa = i16x8.extend_low_i8x16_s(x0), xb = i16x8.extend_high_i8x16_s(x0);
    const xc = i16x8.extend_low_i8x16_s(x1), xd = i16x8.extend_high_i8x16_s(x1);
    const d = load<f32>(dxp + (<usize>b << 2));
    if (type == GGML_Q8_0) {
      a0 = blockQ8_0(a0, w0, xa, xb, xc, xd, d); a1 = blockQ8_0(a1, w1, xa, xb, xc, xd, d);
      a2 = blockQ8_0(a2, w2, xa, xb, xc, xd, d); a3 = blockQ8_0(a3, w3, xa, xb, xc, xd, d);
    } else {
      // the codes' zero point 8 times the block's activation sum, spread over the 4 lanes
      const zero = f32x4.splat(<f32>(load<i32>(sxp + (<usize>b << 3)) + load<i32>(sxp + (<usize>b << 3), 4)) * <f32>2);
      a0 = blockQ4_0(a0, w0, x0, x1, xa, xb, xc, xd, zero, d); a1 = blockQ4_0(a1, w1, x0, x1, xa, xb, xc, xd, zero, d);
      a2 = blockQ4_0(a2, w2, x0, x1, xa, xb, xc, xd, zero, d); a3 = blockQ4_0(a3, w3, x0, x1, xa, xb, xc, xd, zero, d);
    }
    w0 += bb; w1 += bb; w2 += bb; w3 += bb;
  }
  return sum4(a0, a1, a2, a3);
}

/** Scale (low 16 bits) and min (high 16) of Q4_K sub-block `is` from the 12 packed bytes at sc. */
// @ts-ignore: decorator
@inline function scaleMinK(sc: usize, is: i32): i32 {
  if (is < 4) return (load<u8>(sc + is) & 63) | ((load<u8>(sc + is + 4) & 63) << 16);
  const a = <i32>load<u8>(sc + is + 4);
  return ((a & 0x0f) | ((load<u8>(sc + is - 4) >> 6) << 4)) | (((a >> 4) | ((load<u8>(sc + is) >> 6) << 4)) << 16);
}

/** acc + Q4_K sub-block `is` (codes: low (h = 0) or high nibbles of the 32 bytes at qp) of a
 *  super-block with scale bytes at sc and super-scale d, against the widened activations. */
// @ts-ignore: decorator
@inline function subQ4_K(acc: v128, qp: usize, h: i32, sc: usize, is: i32, d: f32, x0: v128, x1: v128, xa: v128, xb: v128, xc: v128, xd: v128, dx: f32): v128 {
  const v0 = v128.load(qp), v1 = v128.load(qp, 16);
  const u0 = h ? i8x16.shr_u(v0, 4) : v128.and(v0, LOW4), u1 = h ? i8x16.shr_u(v1, 4) : v128.and(v1, LOW4);
  const s = dot32U(x0, x1, xa, xb, xc, xd, u0, u1);
  return f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.splat(d * <f32>(scaleMinK(sc, is) & 0xffff) * dx)));
}

/** Four Q4_K rows' dot products with one activation row. */
function rows4Q4_K(w0: usize, rb: usize, q: usize, dxp: usize, sxp: usize, nsb: i32): v128 {
  let w1 = w0 + rb, w2 = w1 + rb, w3 = w2 + rb;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let mins = f32x4.splat(0);
  for (let sb = 0; sb < nsb; sb++) {
    const d0 = half(w0), d1 = half(w1), d2 = half(w2), d3 = half(w3);
    const dm = f32x4(half(w0 + 2), half(w1 + 2), half(w2 + 2), half(w3 + 2));
    for (let is = 0; is < 8; is++) {
      const h = is & 1, qo = 16 + (<usize>(is >> 1) << 5);
      const blk = (sb << 3) + is;
      const xp = q + (<usize>blk << 5);
      const x0 = v128.load(xp), x1 = v128.load(xp, 16);
      const xa = i16x8.extend_low_i8x16_s(x0), xb = i16x8.extend_high_i8x16_s(x0);
      const xc = i16x8.extend_low_i8x16_s(x1), xd = i16x8.extend_high_i8x16_s(x1);
      const dx = load<f32>(dxp + (<usize>blk << 2));
      a0 = subQ4_K(a0, w0 + qo, h, w0 + 4, is, d0, x0, x1, xa, xb, xc, xd, dx);
      a1 = subQ4_K(a1, w1 + qo, h, w1 + 4, is, d1, x0, x1, xa, xb, xc, xd, dx);
      a2 = subQ4_K(a2, w2 + qo, h, w2 + 4, is, d2, x0, x1, xa, xb, xc, xd, dx);
      a3 = subQ4_K(a3, w3 + qo, h, w3 + 4, is, d3, x0, x1, xa, xb, xc, xd, dx);
      // the min term: dmin · min · (activation scale · sum of its codes), the four rows at once
      const xs = dx * <f32>(load<i32>(sxp + (<usize>blk << 3)) + load<i32>(sxp + (<usize>blk << 3), 4));
      const mn = f32x4(<f32>(scaleMinK(w0 + 4, is) >> 16), <f32>(scaleMinK(w1 + 4, is) >> 16), <f32>(scaleMinK(w2 + 4, is) >> 16), <f32>(scaleMinK(w3 + 4, is) >> 16));
      mins = f32x4.add(mins, f32x4.mul(f32x4.mul(dm, mn), f32x4.splat(xs)));
    }
    w0 += GGML_Q4_K_BYTES; w1 += GGML_Q4_K_BYTES; w2 += GGML_Q4_K_BYTES; w3 += GGML_Q4_K_BYTES;
  }
  return f32x4.sub(sum4(a0, a1, a2, a3), mins);
}

// @ts-ignore: decorator
@inline function dotRow(type: i32, wr: usize, q: usize, d: usize, s: usize, nb: i32, k: i32): f32 {
  switch (type) {
    case GGML_Q8_0: return dotQ8_0(wr, q, d, nb);
    case GGML_Q4_0: return dotQ4_0(wr, q, d, s, nb);
    case GGML_Q5_0: return dotQ5_0(wr, q, d, s, nb);
    case GGML_Q4_K: return dotQ4_K(wr, q, d, s, k >> 8);
    case GGML_Q6_K: return dotQ6_K(wr, q, d, s, k >> 8);
    default: unreachable();
  }
  return 0;
}

/**
 * out[i, r] = Σ_t x[i, t]·W[r, t] for the m quantized activation rows (qx, dx, sx) and the
 * weight rows r in [r0, r1); out rows are n wide. A plain function over a row range, so the
 * rows can be split between workers.
 */
export function qmatmulRows(type: i32, w: usize, qx: usize, dx: usize, sx: usize, out: usize, m: i32, n: i32, k: i32, rowBytes: i32, r0: i32, r1: i32): void {
  const nb = k >> 5, rb = <usize>rowBytes;
  let r = r0;
  if (type == GGML_Q8_0 || type == GGML_Q4_0 || type == GGML_Q4_K) {
    for (; r + 4 <= r1; r += 4) {
      const wr = w + <usize>r * rb;
      for (let i = 0; i < m; i++) {
        const q = qx + <usize>i * k, d = dx + (<usize>(i * nb) << 2), s = sx + (<usize>(i * 2 * nb) << 2);
        const v = type == GGML_Q4_K ? rows4Q4_K(wr, rb, q, d, s, k >> 8) : rows4Q(type, wr, rb, q, d, s, nb);
        v128.store(out + (<usize>(i * n + r) << 2), v);
      }
    }
  }
  for (; r < r1; r++) {
    const wr = w + <usize>r * rb;
    for (let i = 0; i < m; i++) {
      const q = qx + <usize>i * k, d = dx + (<usize>(i * nb) << 2), s = sx + (<usize>(i * 2 * nb) << 2);
      store<f32>(out + (<usize>(i * n + r) << 2), dotRow(type, wr, q, d, s, nb, k));
    }
  }
}

/** out[i, j] = Σ_t x[i, t]·W[j, t] from the quantized activations; rowBytes bytes per W row.
 *  F16 weights take the float32 activations themselves as qx (dx, sx unused). */
export function qmatmul(type: i32, w: usize, qx: usize, dx: usize, sx: usize, out: usize, m: i32, n: i32, k: i32, rowBytes: i32): void {
  if (type == GGML_F16) { qmatmulF16Rows(w, qx, out, m, n, k, 0, n); return; }
  qmatmulRows(type, w, qx, dx, sx, out, m, n, k, rowBytes, 0, n);
}

// F16 weights (IEEE halves, kept as they are): converted to float32 in registers, eight at a
// time, and multiplied with the float32 activations (no activation quantization).

/** Four IEEE halves (the low 16 bits of each lane) -> float32, infinities and NaN included. */
// @ts-ignore: decorator
@inline function halfLanes(h: v128): v128 {
  const mag = i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13);
  // exponent and mantissa land in f32's fields; 2^112 rebiases the exponent (subnormals too)
  let f = f32x4.mul(mag, f32x4.splat(reinterpret<f32>(0x77800000)));
  const special = i32x4.eq(v128.and(h, i32x4.splat(0x7c00)), i32x4.splat(0x7c00));
  f = v128.bitselect(v128.or(mag, i32x4.splat(0x7f800000)), f, special);
  return v128.or(f, i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16));
}

// @ts-ignore: decorator
@inline function halfDot8(acc: v128, wp: usize, xl: v128, xh: v128): v128 {
  const hv = v128.load(wp);
  const lo = halfLanes(i32x4.extend_low_i16x8_u(hv)), hi = halfLanes(i32x4.extend_high_i16x8_u(hv));
  return f32x4.add(acc, f32x4.add(f32x4.mul(lo, xl), f32x4.mul(hi, xh)));
}

/** The float32 value of the half at p (any bits). */
// @ts-ignore: decorator
@inline function halfAny(p: usize): f32 { return f32x4.extract_lane(halfLanes(i32x4.splat(<i32>load<u16>(p))), 0); }

/** out[i, r] = Σ_t x[i, t]·W[r, t] for F16 W (rows of k halves), rows r in [r0, r1). */
export function qmatmulF16Rows(w: usize, x: usize, out: usize, m: i32, n: i32, k: i32, r0: i32, r1: i32): void {
  const rb = <usize>k * GGML_F16_BYTES;
  let r = r0;
  for (; r + 4 <= r1; r += 4) {
    const w0 = w + <usize>r * rb, w1 = w0 + rb, w2 = w1 + rb, w3 = w2 + rb;
    for (let i = 0; i < m; i++) {
      const xr = x + (<usize>(i * k) << 2);
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let t = 0;
      for (; t + 8 <= k; t += 8) {
        const xp = xr + (<usize>t << 2), o = <usize>t << 1;
        const xl = v128.load(xp), xh = v128.load(xp, 16);
        a0 = halfDot8(a0, w0 + o, xl, xh); a1 = halfDot8(a1, w1 + o, xl, xh);
        a2 = halfDot8(a2, w2 + o, xl, xh); a3 = halfDot8(a3, w3 + o, xl, xh);
      }
      let v = sum4(a0, a1, a2, a3);
      for (; t < k; t++) {
        const xs = load<f32>(xr + (<usize>t << 2)), o = <usize>t << 1;
        v = f32x4.add(v, f32x4.mul(f32x4.splat(xs), f32x4(halfAny(w0 + o), halfAny(w1 + o), halfAny(w2 + o), halfAny(w3 + o))));
      }
      v128.store(out + (<usize>(i * n + r) << 2), v);
    }
  }
  for (; r < r1; r++) {
    const wr = w + <usize>r * rb;
    for (let i = 0; i < m; i++) {
      const xr = x + (<usize>(i * k) << 2);
      let a = f32x4.splat(0);
      let t = 0;
      for (; t + 8 <= k; t += 8) a = halfDot8(a, wr + (<usize>t << 1), v128.load(xr + (<usize>t << 2)), v128.load(xr + (<usize>t << 2), 16));
      let s = hsum(a);
      for (; t < k; t++) s += load<f32>(xr + (<usize>t << 2)) * halfAny(wr + (<usize>t << 1));
      store<f32>(out + (<usize>(i * n + r) << 2), s);
    }
  }
}
