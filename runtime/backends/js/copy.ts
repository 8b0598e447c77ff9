import type { CopyParams, GatherParams, WhereParams, CastParams, TypedArray } from '../../types.js';
import { walk } from './strided.js';

export function copy(x: TypedArray, out: TypedArray, p: CopyParams): void {
  walk(p.shape, [p.xStrides, p.outStrides], [p.xOffset, p.outOffset], (_, o) => {
    out[o[1]] = x[o[0]];
  });
}

export function gather(x: TypedArray, idx: TypedArray, out: TypedArray, p: GatherParams): void {
  const { outer, axisSize, inner, nIdx } = p;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < nIdx; j++) {
      const src = (o * axisSize + idx[j]) * inner, dst = (o * nIdx + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = x[src + i];
    }
}

export function where(c: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray, p: WhereParams): void {
  walk(p.outShape, [p.cStrides, p.aStrides, p.bStrides], [0, 0, 0], (i, o) => {
    out[i] = c[o[0]] ? a[o[1]] : b[o[2]];
  });
}

// Typed-array assignment does the conversion: float->int truncates toward zero and
// wraps (int32) or wraps mod 256 (uint8); NaN becomes 0. Bool-like casts are explicit.
export function cast(x: TypedArray, out: TypedArray, p: CastParams): void {
  if (p.to === 'uint8' && p.from !== 'uint8') {
    for (let i = 0; i < p.size; i++) out[i] = x[i] !== 0 && x[i] === x[i] ? Math.trunc(x[i]) & 255 : 0;
    return;
  }
  if (p.to === 'int32' && p.from === 'float32') {
    for (let i = 0; i < p.size; i++) out[i] = x[i] | 0;
    return;
  }
  for (let i = 0; i < p.size; i++) out[i] = x[i];
}
