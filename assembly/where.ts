// out = cond ? a : b with broadcasting (the strided walk of strided.ts). Moves bits;
// element size `eb` is 4 or 1.
import { walkStart, walkNext, dim, stride, off, ldE, stE } from './strided';

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
