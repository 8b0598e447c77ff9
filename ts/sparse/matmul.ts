// CSR × dense, the one recorded sparse op ('spmm'), and its gradient written with public
// ops: d values = row-wise dot of g[row(e)] and x[col(e)], d x = Aᵀ g (the transpose's
// pattern with the values gathered into its order).
import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { defOp } from '../autodiff/tape.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { wrap } from '../ops/util.js';
import type { Pattern } from './structure.js';
import type { CSR } from './csr.js';

const OP = 'sparse.matmul';

/** eg.sparse.matmul(A, x) = A.matmul(x). */
export function spmm(A: CSR, x: Tensor): Tensor {
  if (!A || !(A as { pattern?: unknown }).pattern) throw new EdgegradError(OP, 'A must be a CSR matrix', 'Build one with eg.sparse.csr / fromCOO / fromDense');
  if (!(x instanceof Tensor)) throw new EdgegradError(OP, `x must be a Tensor, got ${x === null ? 'null' : typeof x}`, 'Pass a float32 tensor [n] or [n, k]');
  const [m, n] = A.shape;
  if (x.dtype !== 'float32' || (x.rank !== 1 && x.rank !== 2) || x.shape[0] !== n)
    throw new EdgegradError(OP, `x must be float32 [${n}] or [${n}, k] for a [${m},${n}] matrix, got ${x.dtype} ${fmtShape(x.shape)}`, 'Match x\'s first axis to the matrix\'s columns');
  if (A.values.isDisposed) throw new EdgegradError(OP, 'the matrix was disposed (or its values were)', 'Keep the CSR and its values alive until the last product');
  return product(A.pattern, A.values, x);
}

function product(p: Pattern, values: Tensor, x: Tensor): Tensor {
  return defOp('spmm', [values, x], { pattern: p }, () => {
    const k = x.rank === 1 ? 1 : x.shape[1];
    const s = engine.run(OP, 'spmm', [p.tensor('indptr').live(OP), p.tensor('indices').live(OP), values.live(OP), x.live(OP)], 'float32', p.m * k,
      { m: p.m, n: p.n, k, nnz: p.nnz });
    return wrap(s, x.rank === 1 ? [p.m] : [p.m, k]);
  });
}

/** The rule for 'spmm' (registered in ts/autodiff/rules.ts). */
export function spmmGrad(g: Tensor, values: Tensor, x: Tensor, { pattern: p }: { pattern: Pattern }): Tensor[] {
  const rows = p.tensor('rows'), cols = p.tensor('indices');
  const prod = o.mul(o.gather(g, rows, 0), o.gather(x, cols, 0));
  const dValues = x.rank === 1 ? prod : o.sum(prod, 1);
  const t = p.transposed();
  const dx = product(t.pattern, o.gather(values, p.tensor('perm')), g);
  return [dValues, dx];
}
