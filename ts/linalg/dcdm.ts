// Deep Conjugate Direction Method (Kaneda et al. 2023): the search direction is proposed by
// a model from the normalised residual, A-orthogonalised against the last `keep` directions,
// then an exact line search along it. With model = identity and keep = 1 this is CG.
import { EdgegradError } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros } from '../creation.js';
import { scope, dispose } from '../memory.js';
import { asOperator, checkRhs, tolerances, dot, norm, type OperatorLike, type SolveResult } from './operator.js';

export interface DcdmOptions { model: (r: Tensor) => Tensor; rtol?: number; atol?: number; maxIter?: number; keep?: number }

export async function dcdm(A: OperatorLike, b: Tensor, opts: DcdmOptions): Promise<SolveResult> {
  const op = 'linalg.dcdm';
  const L = asOperator(op, A);
  const n = checkRhs(op, L, b);
  if (!opts || typeof opts.model !== 'function') throw new EdgegradError(op, 'needs { model: (r) => direction }', 'Pass a function (e.g. a trained network) mapping a residual to a direction');
  const { rtol, atol, maxIter } = tolerances(op, opts, n);
  const keepN = opts.keep ?? 2;
  if (!Number.isInteger(keepN) || keepN < 0) throw new EdgegradError(op, `keep must be a non-negative integer, got ${opts.keep}`, 'e.g. { keep: 2 }');
  const bnorm = await norm(b);
  const tol = Math.max(rtol * bnorm, atol);
  if (bnorm === 0) return { x: zeros([n]), iterations: 0, residualNorm: 0, converged: true };
  let x = zeros([n]), r = o.clone(b), rn = bnorm, it = 0;
  const past: { p: Tensor; Ap: Tensor; pAp: Tensor }[] = [];
  while (rn > tol && it < maxIter) {
    const s = scope(() => {
      let q = opts.model(o.div(r, rn));
      if (!(q instanceof Tensor) || q.size !== n) throw new EdgegradError(op, `model returned ${q instanceof Tensor ? `shape [${q.shape}]` : typeof q}, not a vector of ${n}`, 'Return a direction shaped like r');
      q = o.reshape(q, [n]);
      for (const d of past) q = o.sub(q, o.mul(o.div(dot(q, d.Ap), d.pAp), d.p));
      const Aq = L.apply(q);
      const qAq = dot(q, Aq);
      const step = o.div(dot(q, r), qAq);
      return { x: o.add(x, o.mul(step, q)), r: o.sub(r, o.mul(step, Aq)), d: { p: q, Ap: Aq, pAp: qAq } };
    });
    it++;
    dispose([x, r]);
    x = s.x; r = s.r;
    past.push(s.d);
    while (past.length > keepN) dispose(past.shift());
    rn = await norm(r);
  }
  dispose([r, past]);
  return { x, iterations: it, residualNorm: rn, converged: rn <= tol };
}
