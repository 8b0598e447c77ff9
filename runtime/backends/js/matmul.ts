import type { MatmulParams, TypedArray } from '../../types.js';

export function matmul(a: TypedArray, b: TypedArray, out: TypedArray, p: MatmulParams): void {
  const { batch, m, n, k, transA, transB } = p;
  // element strides of op(A) as [m,k] and op(B) as [k,n]
  const [ai, ak] = transA ? [1, m] : [k, 1];
  const [bk, bj] = transB ? [1, k] : [n, 1];
  for (let t = 0; t < batch; t++) {
    const ao = t * p.aBatchStride, bo = t * p.bBatchStride, oo = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let q = 0; q < k; q++) acc += a[ao + i * ai + q * ak] * b[bo + q * bk + j * bj];
        out[oo + i * n + j] = acc;
      }
    }
  }
}
