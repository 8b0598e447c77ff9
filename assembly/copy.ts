// Strided copy (transpose, slice, broadcast, concat pieces) and the blocked 2-D transpose.
// Element size `eb` is 4 (float32/int32) or 1 (uint8); copies move bits, so float32 and
// int32 share one path.
import { walkStart, walkNext, dim, stride, off, ldE, stE } from './strided';

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
