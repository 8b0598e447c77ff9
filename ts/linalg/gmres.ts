// Restarted GMRES with right preconditioning (A M y = r, x += M y), so the residual it
// monitors is the true one. The (restart+1)×restart Hessenberg least squares is solved on
// the host in float64 after every Arnoldi step (it is tiny) to decide when to stop.
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros } from '../creation.js';
import { scope, dispose } from '../memory.js';
import { EdgegradError } from '../../runtime/errors.js';
import { asOperator, checkRhs, checkX0, tolerances, norm, type LinearOperator, type OperatorLike, type SolveResult } from './operator.js';
import { orthogonalize, appendRow, combine } from './arnoldi.js';
import { lstsq, zerosM, type Mat } from './small.js';

export interface GmresOptions { restart?: number; rtol?: number; atol?: number; maxIter?: number; M?: OperatorLike; x0?: Tensor }

export async function gmres(A: OperatorLike, b: Tensor, opts: GmresOptions = {}): Promise<SolveResult> {
  const op = 'linalg.gmres';
  const L = asOperator(op, A);
  const n = checkRhs(op, L, b);
  const x0 = checkX0(op, opts.x0, n);
  const { rtol, atol, maxIter } = tolerances(op, opts, n);
  const restart = opts.restart ?? 20;
  if (!Number.isInteger(restart) || restart < 1) throw new EdgegradError(op, `restart must be a positive integer, got ${restart}`, 'e.g. { restart: 20 }');
  const M = opts.M ? asOperator(op, opts.M, 'M') : null;
  return gmresCore(L, b, x0, M, { rtol, atol, maxIter }, Math.min(restart, n));
}

/** One Arnoldi cycle from r (‖r‖ = beta): the x increment, the steps taken j, the Hessenberg
 *  matrix, the basis V (j + 1 rows, or j after a breakdown) and the least-squares solution y. */
export async function gmresCycle(L: LinearOperator, M: LinearOperator | null, r: Tensor, beta: number, steps: number, budget: number, tol: number):
  Promise<{ dx: Tensor; j: number; H: Mat; V: Tensor; y: number[] }> {
  let V = scope(() => o.reshape(o.div(r, beta), [1, r.size]));
  const H = zerosM(steps + 1, steps);
  let j = 0, y: number[] = [];
  while (j < steps && j < budget) {
    const vj = scope(() => o.reshape(o.slice(V, [j, 0], [1, r.size]), [r.size]));
    const w = scope(() => L.apply(M ? M.apply(vj) : vj));
    vj.dispose();
    const s = await orthogonalize(V, w, null);
    for (let i = 0; i <= j; i++) H[i][j] = s.h[i];
    H[j + 1][j] = s.hn;
    j++;
    const g = H.slice(0, j + 1).map((row) => row.slice(0, j));
    const c = new Array<number>(j + 1).fill(0); c[0] = beta;
    const ls = lstsq(g, c);
    y = ls.y;
    const breakdown = !(s.hn > 1e-7 * beta);
    if (breakdown) { s.w.dispose(); break; }
    // the last vector is kept too: GCRO-DR's first cycle needs all j + 1 of them
    V = appendRow(V, s.w, s.hn);
    if (ls.residual <= tol || j === steps || j === budget) break;
  }
  const Vm = scope(() => o.slice(V, [0, 0], [j, r.size]));
  const z = combine(y, Vm);
  Vm.dispose();
  const dx = M ? scope(() => M.apply(z)) : z;
  if (dx !== z) z.dispose();
  return { dx, j, H, V, y };
}

export async function gmresCore(L: LinearOperator, b: Tensor, x0: Tensor | undefined, M: LinearOperator | null,
  t: { rtol: number; atol: number; maxIter: number }, restart: number): Promise<SolveResult> {
  const n = b.size;
  const bnorm = await norm(b);
  const tol = Math.max(t.rtol * bnorm, t.atol);
  if (bnorm === 0) return { x: zeros([n]), iterations: 0, residualNorm: 0, converged: true };
  let x = x0 ? o.clone(x0) : zeros([n]);
  let r = x0 ? scope(() => o.sub(b, L.apply(x))) : o.clone(b);
  let rn = x0 ? await norm(r) : bnorm;
  let it = 0;
  while (rn > tol && it < t.maxIter) {
    const c = await gmresCycle(L, M, r, rn, restart, t.maxIter - it, tol);
    it += c.j;
    c.V.dispose();
    const nx = scope(() => o.add(x, c.dx));
    dispose([x, c.dx, r]);
    x = nx;
    r = scope(() => o.sub(b, L.apply(x)));
    const prev = rn;
    rn = await norm(r);
    // no progress over a whole cycle (stagnation or a NaN): report instead of spinning
    if (!(rn < prev)) break;
  }
  r.dispose();
  return { x, iterations: it, residualNorm: rn, converged: rn <= tol };
}
