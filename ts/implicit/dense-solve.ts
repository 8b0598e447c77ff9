// A dense solve written with public ops (Gauss-Jordan with partial pivoting), so the
// backward pass of an implicit layer runs synchronously on any backend (no readback) and
// is itself differentiable. n steps of a few ops each: meant for the small systems of
// implicit layers. Not eg.linalg.solve: that one factors on the host, so a GPU-resident
// Jacobian would need a readback (a named error in the sync API).
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { arange } from '../creation.js';
import { scope } from '../memory.js';
import { isRecording } from '../autodiff/tape.js';

export function denseSolve(a: Tensor, b: Tensor): Tensor {
  const n = a.shape[0];
  const ar = arange(0, n, 1, 'int32');
  const ar2 = o.reshape(ar, [n, 1]);
  let M = o.concat([a, o.reshape(b, [n, 1])], 1);
  // Outside an enclosing trace each step's temporaries are freed at once (memory stays O(n²));
  // a trace that records this solve keeps them, as its tape needs them.
  const keepAll = isRecording();
  for (let k = 0; k < n; k++) {
    const prev = M;
    const step = (): Tensor => {
      const col = o.reshape(o.slice(prev, [0, k], [n, 1]), [n]);
      const p = o.argmax(o.where(o.greaterEqual(ar, k), o.abs(col), -1));
      const perm = o.where(o.equal(ar, k), p, o.where(o.equal(ar, p), k, ar));
      const P = o.gather(prev, perm, 0);
      const pivotRow = o.div(o.slice(P, [k, 0], [1, n + 1]), o.slice(P, [k, k], [1, 1]));
      const factors = o.where(o.equal(ar2, k), 0, o.slice(P, [0, k], [n, 1]));
      return o.where(o.equal(ar2, k), pivotRow, o.sub(P, o.mul(factors, pivotRow)));
    };
    M = keepAll ? step() : scope(step);
    if (!keepAll) prev.dispose();
  }
  return o.reshape(o.slice(M, [0, n], [n, 1]), b.shape);
}
