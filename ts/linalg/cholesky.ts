// Blocked right-looking Cholesky: factor a diagonal block and its panel on the host, then
// subtract the panel's outer product from the trailing matrix with one matmul.
import { EdgegradError } from '../../runtime/errors.js';
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { block, checkMatrix, fromHost, product, readBatch, subBlock } from './host.js';

const NB = 64;

/** In place on the lower triangle of a (n×n row-major); the strict upper triangle is zeroed. */
export function choleskyHost(a: Float64Array, n: number, op: string, which = 0): void {
  for (let k = 0; k < n; k += NB) {
    const b = Math.min(NB, n - k), end = k + b;
    for (let j = k; j < end; j++) {
      let d = a[j * n + j];
      for (let p = k; p < j; p++) d -= a[j * n + p] * a[j * n + p];
      if (!(d > 0))
        throw new EdgegradError(op, `matrix ${which} is not positive definite (pivot ${j} is ${d})`, 'Pass a symmetric positive definite matrix (add a multiple of the identity to regularise it)');
      const ljj = Math.sqrt(d);
      a[j * n + j] = ljj;
      // the column below the diagonal, to the end of the matrix: this is the panel too
      for (let i = j + 1; i < n; i++) {
        let s = a[i * n + j];
        for (let p = k; p < j; p++) s -= a[i * n + p] * a[j * n + p];
        a[i * n + j] = s / ljj;
      }
    }
    const r = n - end;
    if (r > 0) {
      const l21 = block(a, n, end, k, r, b);
      subBlock(a, n, end, end, r, r, product(l21, l21, r, b, r, false, true));
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
}

/** eg.linalg.cholesky(a) -> lower L with L·Lᵀ = a, batched; reads the lower triangle of a. */
export function cholesky(a: Tensor): Tensor {
  checkMatrix('linalg.cholesky', a, true);
  return defOp('cholesky', [a], {}, () => {
    const { mats, n } = readBatch('linalg.cholesky', a);
    mats.forEach((m, i) => choleskyHost(m, n, 'linalg.cholesky', i));
    return fromHost(mats, a.shape);
  });
}
