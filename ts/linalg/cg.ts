// Conjugate gradients (preconditioned), with SciPy's stopping rule and defaults. The step
// scalars stay on the device; one scalar (‖r‖²) is read back per iteration to decide
// whether to stop.
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros } from '../creation.js';
import { scope, dispose } from '../memory.js';
import { asOperator, checkRhs, checkX0, tolerances, dot, norm, type OperatorLike, type SolveResult } from './operator.js';

export interface CgOptions { x0?: Tensor; rtol?: number; atol?: number; maxIter?: number; M?: OperatorLike }

export async function cg(A: OperatorLike, b: Tensor, opts: CgOptions = {}): Promise<SolveResult> {
  const op = 'linalg.cg';
  const L = asOperator(op, A);
  const n = checkRhs(op, L, b);
  const x0 = checkX0(op, opts.x0, n);
  const { rtol, atol, maxIter } = tolerances(op, opts, n);
  const M = opts.M ? asOperator(op, opts.M, 'M') : null;
  const bnorm = await norm(b);
  const tol = Math.max(rtol * bnorm, atol);
  if (bnorm === 0) return { x: zeros([n]), iterations: 0, residualNorm: 0, converged: true };
  let s = scope(() => {
    const x = x0 ? o.clone(x0) : zeros([n]);
    const r = x0 ? o.sub(b, L.apply(x0)) : o.clone(b);
    const z = M ? M.apply(r) : r;
    return { x, r, p: o.clone(z), rho: dot(r, z) };
  });
  let rn = x0 ? await norm(s.r) : bnorm;
  let it = 0;
  while (rn > tol && it < maxIter) {
    const prev = s;
    s = scope(() => {
      const q = L.apply(prev.p);
      const alpha = o.div(prev.rho, dot(prev.p, q));
      const x = o.add(prev.x, o.mul(alpha, prev.p));
      const r = o.sub(prev.r, o.mul(alpha, q));
      const z = M ? M.apply(r) : r;
      const rho = dot(r, z);
      const p = o.add(z, o.mul(o.div(rho, prev.rho), prev.p));
      return { x, r, p, rho };
    });
    dispose(prev);
    it++;
    rn = await norm(s.r);
  }
  const { x } = s;
  dispose([s.r, s.p, s.rho]);
  return { x, iterations: it, residualNorm: rn, converged: rn <= tol };
}
