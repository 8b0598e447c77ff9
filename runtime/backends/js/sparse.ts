// The sparse family's reference kernels: CSR × dense and scatter-add (the transpose of
// gather), accumulating in float64.
import type { GatherParams, SpmmParams, TypedArray } from '../../types.js';

export function spmm(indptr: TypedArray, indices: TypedArray, values: TypedArray, x: TypedArray, out: TypedArray, p: SpmmParams): void {
  const { m, k } = p;
  const acc = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const v = values[e], base = indices[e] * k;
      for (let c = 0; c < k; c++) acc[c] += v * x[base + c];
    }
    for (let c = 0; c < k; c++) out[i * k + c] = acc[c];
  }
}

export function scatterAdd(x: TypedArray, idx: TypedArray, out: TypedArray, p: GatherParams): void {
  const { outer, axisSize, inner, nIdx } = p;
  const acc = new Float64Array(outer * axisSize * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < nIdx; j++) {
      const dst = (o * axisSize + idx[j]) * inner, src = (o * nIdx + j) * inner;
      for (let i = 0; i < inner; i++) acc[dst + i] += x[src + i];
    }
  out.set(acc);
}
