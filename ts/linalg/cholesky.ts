// Blocked right-looking Cholesky: factor a diagonal block on the host, form the panel below it
// as one matmul with the block's inverse, and subtract the panel's outer product from the
// trailing matrix with another.
import { EdgegradError } from '../../runtime/errors.js';
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { block, checkMatrix, fromHost, product, readBatch, subBlock } from './host.js';

const NB = 64;

/** In place on the lower triangle of a (n×n row-major); the strict upper triangle is zeroed. */
export function choleskyHost(a: Float64Array, n: number, op: string, which = 0): void {
  for (let k = 0; k < n; k += NB) {
    const b = Math.min(NB, n - k), end = k + b, r = n - end;
    for (let j = k; j < end; j++) {
      let d = a[j * n + j];
      for (let p = k; p < j; p++) d -= a[j * n + p] * a[j * n + p];
      if (!(d > 0))
        throw new EdgegradError(op, `matrix ${which} is not positive definite (pivot ${j} is ${d})`, 'Pass a symmetric positive definite matrix (add a multiple of the identity to regularise it)');
      const ljj = Math.sqrt(d);
      a[j * n + j] = ljj;
      for (let i = j + 1; i < end; i++) {
        let s = a[i * n + j];
        for (let p = k; p < j; p++) s -= a[i * n + p] * a[j * n + p];
        a[i * n + j] = s / ljj;
      }
    }
    if (r === 0) continue;
    // panel L21 = A21·L11⁻ᵀ as one product with the (small) inverse of the diagonal block
    const li = lowerInverse(a, n, k, b);
    const l21 = product(block(a, n, end, k, r, b), li, r, b, b, false, true);
    for (let i = 0; i < r; i++) for (let j = 0; j < b; j++) a[(end + i) * n + k + j] = l21[i * b + j];
    const l = block(a, n, end, k, r, b);
    subBlock(a, n, end, end, r, r, product(l, l, r, b, r, false, true));
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
}

/** Inverse of the b×b lower-triangular block of a at (k, k), by forward substitution. */
function lowerInverse(a: Float64Array, n: number, k: number, b: number): Float64Array {
  const inv = new Float64Array(b * b);
  for (let c = 0; c < b; c++) {
    inv[c * b + c] = 1 / a[(k + c) * n + k + c];
    for (let i = c + 1; i < b; i++) {
      let s = 0;
      for (let p = c; p < i; p++) s += a[(k + i) * n + k + p] * inv[p * b + c];
      inv[i * b + c] = -s / a[(k + i) * n + k + i];
    }
  }
  return inv;
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
