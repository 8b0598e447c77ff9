// Minimum-norm least squares through the SVD: x = V·diag(1/s)·Uᵀ·b over the singular values
// above rcond·s_max, rcond = float32 epsilon · max(m, n) (NumPy's default, at our precision).
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { alignRhs, checkMatrix, fromHost, hostData, readBatch } from './host.js';
import { svdHost } from './svd.js';

const EPS32 = 2 ** -23;

/** eg.linalg.lstsq(a, b) -> x minimising ‖a·x − b‖ with the smallest ‖x‖; b as in solve. */
export function lstsq(a: Tensor, b: Tensor): Tensor {
  const op = 'linalg.lstsq';
  checkMatrix(op, a, false);
  alignRhs(op, a, b, true);
  return defOp('lstsq', [a, b], {}, () => {
    const { aa, bb, m, n, k, xShape, release } = alignRhs(op, a, b);
    try {
      const bd = hostData(op, bb);
      const xs = readBatch(op, aa).mats.map((mat, t) => {
        const { u, s, vt } = svdHost(mat, m, n, op);
        const r = Math.min(m, n), cut = EPS32 * Math.max(m, n) * (s[0] ?? 0);
        const y = new Float64Array(r * k); // diag(1/s)·Uᵀ·b
        for (let j = 0; j < r; j++) {
          if (!(s[j] > cut)) continue;
          for (let i = 0; i < m; i++) {
            const uij = u[i * r + j];
            for (let c = 0; c < k; c++) y[j * k + c] += uij * bd[t * m * k + i * k + c];
          }
          for (let c = 0; c < k; c++) y[j * k + c] /= s[j];
        }
        const x = new Float64Array(n * k);
        for (let j = 0; j < r; j++) for (let i = 0; i < n; i++) {
          const v = vt[j * n + i];
          for (let c = 0; c < k; c++) x[i * k + c] += v * y[j * k + c];
        }
        return x;
      });
      return fromHost(xs, xShape);
    } finally { release(); }
  });
}
