import type { DecodeAttentionParams, TypedArray } from '../../types.js';

/** The reference: scores, softmax and the weighted sum of values in float64 per head. */
export function decodeAttention(q: TypedArray, k: TypedArray, v: TypedArray, out: TypedArray, p: DecodeAttentionParams): void {
  const { heads, kvHeads, headDim: D, length: S, rowStride, scale } = p;
  const group = heads / kvHeads, w = new Float64Array(S), acc = new Float64Array(D);
  for (let h = 0; h < heads; h++) {
    const qo = h * D, ko = Math.floor(h / group) * D;
    let m = -Infinity;
    for (let j = 0; j < S; j++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += q[qo + d] * k[j * rowStride + ko + d];
      w[j] = dot * scale;
      if (w[j] > m) m = w[j];
    }
    let sum = 0;
    acc.fill(0);
    for (let j = 0; j < S; j++) {
      const e = Math.exp(w[j] - m);
      sum += e;
      for (let d = 0; d < D; d++) acc[d] += e * v[j * rowStride + ko + d];
    }
    for (let d = 0; d < D; d++) out[qo + d] = acc[d] / sum;
  }
}
