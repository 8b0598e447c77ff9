// A dense solve written with public ops (Gauss-Jordan with partial pivoting), so the
// backward pass of an implicit layer runs synchronously on any backend (no readback) and
// is itself differentiable. n steps of a few ops each: meant for the small systems of
// implicit layers. NOTE for the lead: swap in eg.linalg.solve (branch `dense`) once it lands.
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { arange } from '../creation.js';

export function denseSolve(a: Tensor, b: Tensor): Tensor {
  const n = a.shape[0];
  const ar = arange(0, n, 1, 'int32');
  const ar2 = o.reshape(ar, [n, 1]);
  let M = o.concat([a, o.reshape(b, [n, 1])], 1);
  for (let k = 0; k < n; k++) {
    const col = o.reshape(o.slice(M, [0, k], [n, 1]), [n]);
    const p = o.argmax(o.where(o.greaterEqual(ar, k), o.abs(col), -1));
    const perm = o.where(o.equal(ar, k), p, o.where(o.equal(ar, p), k, ar));
    M = o.gather(M, perm, 0);
    const pivotRow = o.div(o.slice(M, [k, 0], [1, n + 1]), o.slice(M, [k, k], [1, 1]));
    const factors = o.where(o.equal(ar2, k), 0, o.slice(M, [0, k], [n, 1]));
    M = o.where(o.equal(ar2, k), pivotRow, o.sub(M, o.mul(factors, pivotRow)));
  }
  return o.reshape(o.slice(M, [0, n], [n, 1]), b.shape);
}
