// Gather along one axis: x viewed as [outer, axisSize, inner], out[o, j, i] = x[o, idx[j], i].
// Moves bits; element size `eb` is 4 or 1. Indices were validated by the op layer.
import { ldE, stE } from './strided';

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
