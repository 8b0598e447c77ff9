// lut: weights as 1–4-bit codes into a 16-entry int8 table per row, times a float scale per
// segment of the row (layout: runtime/types.ts LutParams). A row's 32-code chunks unpack to
// byte indices with shifts and masks, one i8x16.swizzle per 16 codes turns them into int8
// weights, and the products with the int8-quantized activations (lutQuantizeX) are integer
// dots, scaled per 16 by the activation block's scale times the weight segment's scale.

// @ts-ignore: decorator
@inline function dotS(x: v128, w: v128): v128 {
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), i16x8.extend_low_i8x16_s(w));
  const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), i16x8.extend_high_i8x16_s(w));
  return i32x4.add(lo, hi);
}

/** Codes 0 … 15 (a) and 16 … 31 (b) of a 1-bit chunk as 0/1 bytes: byte j mod 4, bit ⌊j/4⌋. */
// @ts-ignore: decorator
@inline function bitsLo(v: v128): v128 {
  return i8x16.min_u(v128.and(v, i8x16(1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 8, 8, 8, 8)), i8x16.splat(1));
}
// @ts-ignore: decorator
@inline function bitsHi(v: v128): v128 {
  return i8x16.min_u(v128.and(v, i8x16(16, 16, 16, 16, 32, 32, 32, 32, 64, 64, 64, 64, -128, -128, -128, -128)), i8x16.splat(1));
}

/** Codes 0 … 15 of the 32-code chunk at cp as bytes. */
// @ts-ignore: decorator
@inline function codesLo(cp: usize, bits: i32): v128 {
  if (bits == 4) return v128.and(v128.load(cp), i8x16.splat(15));
  if (bits == 1) return bitsLo(v128.load32_splat(cp));
  // 2 bits: byte j mod 8 holds codes j, j+8, j+16, j+24; 3 bits add a 1-bit chunk of high bits
  const v = v128.load64_splat(cp), m3 = i8x16.splat(3);
  const a = i8x16.shuffle(v128.and(v, m3), v128.and(i8x16.shr_u(v, 2), m3), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  return bits == 3 ? v128.or(a, i8x16.shl(bitsLo(v128.load32_splat(cp + 8)), 2)) : a;
}
/** Codes 16 … 31. */
// @ts-ignore: decorator
@inline function codesHi(cp: usize, bits: i32): v128 {
  if (bits == 4) return i8x16.shr_u(v128.load(cp), 4);
  if (bits == 1) return bitsHi(v128.load32_splat(cp));
  const v = v128.load64_splat(cp), m3 = i8x16.splat(3);
  const b = i8x16.shuffle(v128.and(i8x16.shr_u(v, 4), m3), i8x16.shr_u(v, 6), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  return bits == 3 ? v128.or(b, i8x16.shl(bitsHi(v128.load32_splat(cp + 8)), 2)) : b;
}

/** Row of nc chunks at cr -> int8 weights tbl[code] at w8 (32·nc bytes). */
function unpackRow(cr: usize, tbl: v128, nc: i32, bits: i32, w8: usize): void {
  for (let c = 0; c < nc; c++) {
    const cp = cr + <usize>(c * 4 * bits), dst = w8 + (<usize>c << 5);
    v128.store(dst, i8x16.swizzle(tbl, codesLo(cp, bits)));
    v128.store(dst, i8x16.swizzle(tbl, codesHi(cp, bits)), 16);
  }
}

/** Two rows (codes at cr and cr + rb, tables t0, t1, one scale each) against one activation
 *  row with a scale per 32 (S == 1): the activations are loaded and widened once for both. */
// @ts-ignore: decorator
@inline function gemvPair(cr: usize, rb: usize, t0: v128, t1: v128, xr: usize, dr: usize, nc: i32, bits: i32, out: usize, s0: f32, s1: f32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  const cb = <usize>(4 * bits);
  for (let c = 0; c < nc; c++) {
    const cp = cr + <usize>c * cb, o = <usize>c << 5;
    const x = v128.load(xr + o), y = v128.load(xr + o, 16);
    const xl = i16x8.extend_low_i8x16_s(x), xh = i16x8.extend_high_i8x16_s(x), yl = i16x8.extend_low_i8x16_s(y), yh = i16x8.extend_high_i8x16_s(y);
    const u = i8x16.swizzle(t0, codesLo(cp, bits)), v = i8x16.swizzle(t0, codesHi(cp, bits));
    const p = i8x16.swizzle(t1, codesLo(cp + rb, bits)), q = i8x16.swizzle(t1, codesHi(cp + rb, bits));
    const d0 = i32x4.add(i32x4.add(i32x4.dot_i16x8_s(xl, i16x8.extend_low_i8x16_s(u)), i32x4.dot_i16x8_s(xh, i16x8.extend_high_i8x16_s(u))),
      i32x4.add(i32x4.dot_i16x8_s(yl, i16x8.extend_low_i8x16_s(v)), i32x4.dot_i16x8_s(yh, i16x8.extend_high_i8x16_s(v))));
    const d1 = i32x4.add(i32x4.add(i32x4.dot_i16x8_s(xl, i16x8.extend_low_i8x16_s(p)), i32x4.dot_i16x8_s(xh, i16x8.extend_high_i8x16_s(p))),
      i32x4.add(i32x4.dot_i16x8_s(yl, i16x8.extend_low_i8x16_s(q)), i32x4.dot_i16x8_s(yh, i16x8.extend_high_i8x16_s(q))));
    const dc = f32x4.splat(load<f32>(dr + (<usize>c << 2)));
    a0 = f32x4.add(a0, f32x4.mul(f32x4.convert_i32x4_s(d0), dc));
    a1 = f32x4.add(a1, f32x4.mul(f32x4.convert_i32x4_s(d1), dc));
  }
  store<f32>(out, (f32x4.extract_lane(a0, 0) + f32x4.extract_lane(a0, 1) + f32x4.extract_lane(a0, 2) + f32x4.extract_lane(a0, 3)) * s0);
  store<f32>(out, (f32x4.extract_lane(a1, 0) + f32x4.extract_lane(a1, 1) + f32x4.extract_lane(a1, 2) + f32x4.extract_lane(a1, 3)) * s1, 4);
}

/** x · row for one activation row (GEMV): codes unpacked and looked up in registers.
 *  Inlined with a constant `bits` per call site, so each width gets its own loop. */
// @ts-ignore: decorator
@inline function gemvRow(cr: usize, tbl: v128, sr: usize, xr: usize, dr: usize, nc: i32, bits: i32, seg: i32, S: i32): f32 {
  let acc = f32x4.splat(0);
  const cb = <usize>(4 * bits);
  for (let c = 0; c < nc; c++) {
    const cp = cr + <usize>c * cb, o = <usize>c << 5;
    const d = dotS(v128.load(xr + o), i8x16.swizzle(tbl, codesLo(cp, bits)));
    const e = dotS(v128.load(xr + o, 16), i8x16.swizzle(tbl, codesHi(cp, bits)));
    const dc = load<f32>(dr + (<usize>c << 2));
    if (S == 1) acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(d, e)), f32x4.splat(dc)));
    else {
      const s0 = dc * load<f32>(sr + (<usize>((c << 5) / seg) << 2)), s1 = dc * load<f32>(sr + (<usize>min(((c << 5) + 16) / seg, S - 1) << 2));
      acc = f32x4.add(acc, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(d), f32x4.splat(s0)), f32x4.mul(f32x4.convert_i32x4_s(e), f32x4.splat(s1))));
    }
  }
  const t = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  return S == 1 ? t * load<f32>(sr) : t;
}

/** x [m, k] -> qx int8 [m, kp] and dx f32 [m, kp/32]: per 32 values d = max|x| / 127 and
 *  q = round-to-even(x / d); a ragged last block is zero-padded. */
export function lutQuantizeX(x: usize, qx: usize, dx: usize, m: i32, k: i32): void {
  const nc = (k + 31) >> 5;
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < nc; c++) {
      const xp = x + (<usize>(i * k + (c << 5)) << 2), qp = qx + <usize>((i * nc + c) << 5), len = min(32, k - (c << 5));
      let a: f32 = 0;
      if (len == 32) {
        let v = f32x4.splat(0);
        for (let j = 0; j < 8; j++) v = f32x4.max(v, f32x4.abs(v128.load(xp + (<usize>j << 4))));
        a = max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
      } else for (let j = 0; j < len; j++) a = max(a, abs(load<f32>(xp + (<usize>j << 2))));
      store<f32>(dx + (<usize>(i * nc + c) << 2), a / 127);
      const inv: f32 = a != 0 ? <f32>127 / a : 0;
      if (len == 32) {
        const s = f32x4.splat(inv);
        for (let h = 0; h < 2; h++) {
          const p = xp + (<usize>h << 6);
          const q0 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p), s)));
          const q1 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 16), s)));
          const q2 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 32), s)));
          const q3 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p, 48), s)));
          v128.store(qp + (<usize>h << 4), i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3)));
        }
      } else for (let j = 0; j < 32; j++) store<i8>(qp + j, j < len ? <i8><i32>nearest(load<f32>(xp + (<usize>j << 2)) * inv) : 0);
    }
  }
}

/** out[n, k] = W (float32). w8: kp bytes of scratch. */
export function lutDecode(codes: usize, tables: usize, ids: usize, scales: usize, w8: usize, out: usize, n: i32, k: i32, bits: i32, seg: i32): void {
  const kp = (k + 31) & ~31, nc = kp >> 5, S = (k + seg - 1) / seg;
  for (let r = 0; r < n; r++) {
    const tbl = v128.load(tables + (<usize>load<i32>(ids + (<usize>r << 2)) << 4));
    unpackRow(codes + <usize>r * <usize>(nc * 4 * bits), tbl, nc, bits, w8);
    const sr = scales + <usize>(r * S) * 4, o = out + <usize>r * <usize>k * 4;
    for (let j = 0; j < k; j++) store<f32>(o + (<usize>j << 2), <f32>load<i8>(w8 + j) * load<f32>(sr + (<usize>(j / seg) << 2)));
  }
}

/** out[m, n] = x · Wᵀ with x given as qx int8 [m, kp] and dx f32 [m, kp/32] (lutQuantizeX). */
export function lut(codes: usize, tables: usize, ids: usize, scales: usize, qx: usize, dx: usize, w8: usize, out: usize, m: i32, n: i32, k: i32, bits: i32, seg: i32): void {
  const kp = (k + 31) & ~31, nc = kp >> 5, S = (k + seg - 1) / seg;
  let r = 0;
  if (m == 1 && S == 1) {
    const rb = <usize>(nc * 4 * bits);
    for (; r + 2 <= n; r += 2) {
      const t0 = v128.load(tables + (<usize>load<i32>(ids + (<usize>r << 2)) << 4)), t1 = v128.load(tables + (<usize>load<i32>(ids + (<usize>r << 2), 4) << 4));
      const cr = codes + <usize>r * rb, o = out + (<usize>r << 2), s0 = load<f32>(scales + (<usize>r << 2)), s1 = load<f32>(scales + (<usize>r << 2), 4);
      if (bits == 4) gemvPair(cr, rb, t0, t1, qx, dx, nc, 4, o, s0, s1);
      else if (bits == 3) gemvPair(cr, rb, t0, t1, qx, dx, nc, 3, o, s0, s1);
      else if (bits == 2) gemvPair(cr, rb, t0, t1, qx, dx, nc, 2, o, s0, s1);
      else gemvPair(cr, rb, t0, t1, qx, dx, nc, 1, o, s0, s1);
    }
  }
  for (; r < n; r++) {
    const tbl = v128.load(tables + (<usize>load<i32>(ids + (<usize>r << 2)) << 4));
    const cr = codes + <usize>r * <usize>(nc * 4 * bits), sr = scales + <usize>(r * S) * 4;
    if (m == 1) {
      const y = bits == 4 ? gemvRow(cr, tbl, sr, qx, dx, nc, 4, seg, S) : bits == 3 ? gemvRow(cr, tbl, sr, qx, dx, nc, 3, seg, S)
        : bits == 2 ? gemvRow(cr, tbl, sr, qx, dx, nc, 2, seg, S) : gemvRow(cr, tbl, sr, qx, dx, nc, 1, seg, S);
      store<f32>(out + (<usize>r << 2), y);
      continue;
    }
    unpackRow(cr, tbl, nc, bits, w8);
    for (let i = 0; i < m; i++) {
      const xr = qx + <usize>i * <usize>kp, dr = dx + <usize>(i * nc) * 4;
      let acc = f32x4.splat(0);
      if (S == 1 || seg % 32 == 0) {
        // one weight scale per chunk (chunks start below k)
        for (let c = 0; c < nc; c++) {
          const o = <usize>c << 5;
          const d = dotS(v128.load(xr + o), v128.load(w8 + o));
          const e = dotS(v128.load(xr + o, 16), v128.load(w8 + o, 16));
          const s = load<f32>(dr + (<usize>c << 2)) * load<f32>(sr + (<usize>((c << 5) / seg) << 2));
          acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(d, e)), f32x4.splat(s)));
        }
      } else {
        for (let c = 0; c < nc; c++) {
          const o = <usize>c << 5, dc = load<f32>(dr + (<usize>c << 2));
          const d = dotS(v128.load(xr + o), v128.load(w8 + o));
          const e = dotS(v128.load(xr + o, 16), v128.load(w8 + o, 16));
          const s0 = dc * load<f32>(sr + (<usize>((c << 5) / seg) << 2)), s1 = dc * load<f32>(sr + (<usize>min(((c << 5) + 16) / seg, S - 1) << 2)); // a vector wholly in the padding reads the last scale
          acc = f32x4.add(acc, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(d), f32x4.splat(s0)), f32x4.mul(f32x4.convert_i32x4_s(e), f32x4.splat(s1))));
        }
      }
      store<f32>(out + (<usize>(i * n + r) << 2), f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    }
  }
}
