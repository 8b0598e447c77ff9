import type { OtLseParams, TypedArray } from '../../types.js';

// The reference soft-min of the Sinkhorn half-steps, in float64 with a two-pass
// (max, then sum) log-sum-exp. The wasm and WGSL `ot` kernels compute the same values.
export function otLse(c: TypedArray, h: TypedArray, out: TypedArray, p: OtLseParams): void {
  const { batch, n, m, cBatchStride, axis, reg } = p;
  const inv = 1 / reg;
  for (let b = 0; b < batch; b++) {
    const cb = b * cBatchStride;
    if (axis === 1) {
      for (let i = 0; i < n; i++) {
        const row = cb + i * m, hb = b * m;
        let mx = -Infinity;
        for (let j = 0; j < m; j++) mx = Math.max(mx, h[hb + j] - c[row + j]);
        let s = 0;
        for (let j = 0; j < m; j++) s += Math.exp((h[hb + j] - c[row + j] - mx) * inv);
        out[b * n + i] = mx + reg * Math.log(s);
      }
    } else {
      for (let j = 0; j < m; j++) {
        const hb = b * n;
        let mx = -Infinity;
        for (let i = 0; i < n; i++) mx = Math.max(mx, h[hb + i] - c[cb + i * m + j]);
        let s = 0;
        for (let i = 0; i < n; i++) s += Math.exp((h[hb + i] - c[cb + i * m + j] - mx) * inv);
        out[b * m + j] = mx + reg * Math.log(s);
      }
    }
  }
}
