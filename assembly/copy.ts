// Data movement: strided copy (transpose, slice, broadcast, concat pieces), gather,
// where, and dtype casts. Element size `eb` is 4 (float32/int32) or 1 (uint8); copies
// move bits, so float32 and int32 share one path.
import { walkStart, walkNext, dim, stride, off, toInt32 } from './strided';

@inline function ldE(p: usize, eb: i32): i32 { return eb == 4 ? load<i32>(p) : <i32>load<u8>(p); }
@inline function stE(p: usize, v: i32, eb: i32): void { if (eb == 4) store<i32>(p, v); else store<u8>(p, <u8>v); }

/** meta: shape, xStrides, outStrides (element units); x/out already include their offsets. */
export function copy(eb: i32, x: usize, out: usize, meta: usize, rank: i32): void {
  const n = dim(meta, rank - 1);
  const sx = stride(meta, rank, 0, rank - 1), so = stride(meta, rank, 1, rank - 1);
  const shift: usize = eb == 4 ? 2 : 0;
  const rows = walkStart(meta, rank);
  for (let r = 0; r < rows; r++) {
    const px = x + (<usize>off(0) << shift), po = out + (<usize>off(1) << shift);
    if (sx == 1 && so == 1) memory.copy(po, px, <usize>n << shift);
    else if (sx == 0 && so == 1) {
      if (eb == 1) memory.fill(po, load<u8>(px), <usize>n);
      else {
        const v = load<i32>(px), s = i32x4.splat(v);
        let i = 0;
        for (; i + 4 <= n; i += 4) v128.store(po + (<usize>i << 2), s);
        for (; i < n; i++) store<i32>(po + (<usize>i << 2), v);
      }
    } else if (eb == 4) {
      for (let i = 0; i < n; i++) store<i32>(po + (<usize>(i * so) << 2), load<i32>(px + (<usize>(i * sx) << 2)));
    } else {
      for (let i = 0; i < n; i++) store<u8>(po + <usize>(i * so), load<u8>(px + <usize>(i * sx)));
    }
    walkNext(meta, rank, 2);
  }
}

/** 4-byte out[r, c] = x[r + c·ldx] (rows of out contiguous, stride ldo): the 2-D transpose
 *  behind most strided copies. 16-row strips use whole cache lines of x; 4x4 blocks are
 *  transposed in registers. Strides in elements. */
export function transpose(x: usize, out: usize, rows: i32, cols: i32, ldx: i32, ldo: i32): void {
  const lx = <usize>ldx << 2, lo = <usize>ldo << 2;
  let r0 = 0;
  for (; r0 + 16 <= rows; r0 += 16) {
    let c0 = 0;
    for (; c0 + 4 <= cols; c0 += 4) {
      for (let rb = 0; rb < 16; rb += 4) {
        const s = x + <usize>c0 * lx + (<usize>(r0 + rb) << 2);
        const v0 = v128.load(s), v1 = v128.load(s + lx), v2 = v128.load(s + 2 * lx), v3 = v128.load(s + 3 * lx);
        const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5), t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
        const d = out + <usize>(r0 + rb) * lo + (<usize>c0 << 2);
        v128.store(d, i64x2.shuffle(t0, t2, 0, 2));
        v128.store(d + lo, i64x2.shuffle(t0, t2, 1, 3));
        v128.store(d + 2 * lo, i64x2.shuffle(t1, t3, 0, 2));
        v128.store(d + 3 * lo, i64x2.shuffle(t1, t3, 1, 3));
      }
    }
    for (; c0 < cols; c0++)
      for (let r = r0; r < r0 + 16; r++) store<i32>(out + <usize>r * lo + (<usize>c0 << 2), load<i32>(x + <usize>c0 * lx + (<usize>r << 2)));
  }
  for (; r0 < rows; r0++)
    for (let c = 0; c < cols; c++) store<i32>(out + <usize>r0 * lo + (<usize>c << 2), load<i32>(x + <usize>c * lx + (<usize>r0 << 2)));
}

export function gather(eb: i32, x: usize, idx: usize, out: usize, outer: i32, axisSize: i32, inner: i32, nIdx: i32): void {
  const shift: usize = eb == 4 ? 2 : 0;
  const row = <usize>inner << shift;
  let dst = out;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>(o * axisSize) * row;
    if (inner == 1) {
      for (let j = 0; j < nIdx; j++) stE(dst + (<usize>j << shift), ldE(base + (<usize>load<i32>(idx + (<usize>j << 2)) << shift), eb), eb);
      dst += <usize>nIdx << shift;
    } else {
      for (let j = 0; j < nIdx; j++) {
        memory.copy(dst, base + <usize>load<i32>(idx + (<usize>j << 2)) * row, row);
        dst += row;
      }
    }
  }
}

/** meta: shape, cStrides, aStrides, bStrides. cond is uint8; a, b, out have element size eb. */
export function where(eb: i32, c: usize, a: usize, b: usize, out: usize, meta: usize, rank: i32): void {
  const n = dim(meta, rank - 1);
  const sc = stride(meta, rank, 0, rank - 1), sa = stride(meta, rank, 1, rank - 1), sb = stride(meta, rank, 2, rank - 1);
  const shift: usize = eb == 4 ? 2 : 0;
  const rows = walkStart(meta, rank);
  const zero = i32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const pc = c + <usize>off(0), pa = a + (<usize>off(1) << shift), pb = b + (<usize>off(2) << shift);
    const po = out + (<usize>(r * n) << shift);
    let i = 0;
    if (sc == 1 && sa == 1 && sb == 1) {
      if (eb == 4) {
        for (; i + 4 <= n; i += 4) {
          // widen 4 condition bytes to 4 lane masks
          const cm = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pc + <usize>i))), zero);
          const q = <usize>i << 2;
          v128.store(po + q, v128.bitselect(v128.load(pa + q), v128.load(pb + q), cm));
        }
      } else {
        for (; i + 16 <= n; i += 16) {
          const cm = i8x16.ne(v128.load(pc + <usize>i), zero);
          v128.store(po + <usize>i, v128.bitselect(v128.load(pa + <usize>i), v128.load(pb + <usize>i), cm));
        }
      }
    }
    for (; i < n; i++) {
      const v = load<u8>(pc + <usize>(i * sc)) ? ldE(pa + (<usize>(i * sa) << shift), eb) : ldE(pb + (<usize>(i * sb) << shift), eb);
      stE(po + (<usize>i << shift), v, eb);
    }
    walkNext(meta, rank, 3);
  }
}

/** f32 -> i32 lanes with ToInt32 semantics (saturating truncation only agrees in range). */
@inline function f32ToI32(v: v128): v128 {
  let r = i32x4.trunc_sat_f32x4_s(v);
  if (!i32x4.all_true(f32x4.lt(f32x4.abs(v), f32x4.splat(2147483648.0)))) {
    for (let l = 0; l < 4; l++) {
      r = i32x4.replace_lane(r, 0, toInt32(<f64>f32x4.extract_lane(v, 0)));
      r = i32x4.shuffle(r, r, 1, 2, 3, 0);
      v = i32x4.shuffle(v, v, 1, 2, 3, 0);
    }
  }
  return r;
}

/** dtype codes: 0 float32, 1 int32, 2 uint8. */
export function cast(from: i32, to: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  const b255 = i32x4.splat(255);
  if (from == to) { memory.copy(out, x, <usize>n << (from == 2 ? 0 : 2)); return; }
  if (from == 0 && to == 1) {
    for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), f32ToI32(v128.load(x + (<usize>i << 2))));
    for (; i < n; i++) store<i32>(out + (<usize>i << 2), toInt32(<f64>load<f32>(x + (<usize>i << 2))));
  } else if (from == 1 && to == 0) {
    for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), f32x4.convert_i32x4_s(v128.load(x + (<usize>i << 2))));
    for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<i32>(x + (<usize>i << 2)));
  } else if (to == 2) {
    // low byte of the (ToInt32-truncated) value; the narrowing needs lanes already in 0..255
    for (; i + 4 <= n; i += 4) {
      let v = v128.load(x + (<usize>i << 2));
      if (from == 0) v = f32ToI32(v);
      v = v128.and(v, b255);
      const h = i16x8.narrow_i32x4_u(v, v);
      v128.store32_lane(out + <usize>i, i8x16.narrow_i16x8_u(h, h), 0);
    }
    for (; i < n; i++) {
      const v = from == 0 ? toInt32(<f64>load<f32>(x + (<usize>i << 2))) : load<i32>(x + (<usize>i << 2));
      store<u8>(out + <usize>i, <u8>(v & 255));
    }
  } else {
    // uint8 -> float32 / int32
    for (; i + 4 <= n; i += 4) {
      const v = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(x + <usize>i)));
      v128.store(out + (<usize>i << 2), to == 0 ? f32x4.convert_i32x4_s(v) : v);
    }
    for (; i < n; i++) {
      const v = <i32>load<u8>(x + <usize>i);
      if (to == 0) store<f32>(out + (<usize>i << 2), <f32>v); else store<i32>(out + (<usize>i << 2), v);
    }
  }
}
