// Implicit differentiation (Blondel et al. 2022): x*(θ) from any solver, with the gradient
// from the implicit function theorem at F(x*, θ) = 0: the cotangent ḡ of x* gives
// u = −(∂ₓF)⁻ᵀ ḡ and θ̄ = (∂θF)ᵀ u, both products being vjps of F. The backward pass is
// synchronous: a dense solve built from ops, or a fixed number of CG/GMRES iterations.
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros, eye } from '../creation.js';
import { setRecorder, record } from '../autodiff/tape.js';
import { vjp } from '../autodiff/grad.js';
import { leaves, type Tree } from '../autodiff/tree.js';
import { denseSolve } from './dense-solve.js';

export type Matvec = (v: Tensor) => Tensor;
export type SolveFn = (matvec: Matvec, rhs: Tensor) => Tensor;
export interface ImplicitOptions {
  /** 'dense' (default up to 2048 unknowns), 'cg' (∂ₓF symmetric positive definite), 'gmres'
   *  (default above 2048), or solve(matvec, rhs) for (∂ₓF)ᵀ u = rhs. */
  solve?: 'dense' | 'cg' | 'gmres' | SolveFn;
  /** Iterations of 'cg' / 'gmres' in the backward pass (default 100, at most n). */
  iterations?: number;
}

const DENSE_LIMIT = 2048;

export function customRoot<T extends Tree>(F: (x: Tensor, theta: T) => Tensor, solver: (theta: T) => Tensor, opts: ImplicitOptions = {}): (theta: T) => Tensor {
  const op = 'implicit.customRoot';
  if (typeof F !== 'function' || typeof solver !== 'function') throw new EdgegradError(op, 'needs F(x, theta) and solver(theta)', 'Pass the optimality condition and a solver');
  const s = opts.solve ?? null;
  if (s !== null && typeof s !== 'function' && !['dense', 'cg', 'gmres'].includes(s)) throw new EdgegradError(op, `unknown solve '${String(s)}'`, "Use 'dense', 'cg', 'gmres' or a function");
  return (theta: T) => {
    const ls = leaves(theta, op);
    const prev = setRecorder(null);
    let x: Tensor;
    try { x = solver(theta); } finally { setRecorder(prev); }
    if (!(x instanceof Tensor) || x.dtype !== 'float32') throw new EdgegradError(op, `solver must return a float32 Tensor, got ${x instanceof Tensor ? x.dtype : typeof x}`, 'Return x*');
    return record('implicit', ls, x, { F, theta, solve: s, iterations: opts.iterations ?? 100 });
  };
}

export function customFixedPoint<T extends Tree>(T_: (x: Tensor, theta: T) => Tensor, solver: (theta: T) => Tensor, opts: ImplicitOptions = {}): (theta: T) => Tensor {
  return customRoot((x, theta) => o.sub(T_(x, theta), x), solver, opts);
}

/** The rule for 'implicit' (registered in ts/autodiff/rules.ts). */
export function implicitGrad(g: Tensor, x: Tensor, attrs: Record<string, unknown>): (Tensor | null)[] {
  const F = attrs.F as (x: Tensor, theta: Tree) => Tensor, theta = attrs.theta as Tree;
  const n = x.size;
  const [fx, backX] = vjp((xx: Tensor) => F(xx, theta), x);
  if (fx.size !== n) { backX.dispose(); throw new EdgegradError('implicit', `F(x, theta) has ${fx.size} entries but x has ${n} (shape ${fmtShape(x.shape)})`, 'F must return one equation per unknown'); }
  const matvec: Matvec = (v) => o.reshape(backX(o.reshape(v, fx.shape)), [n]);
  const rhs = o.neg(o.reshape(g, [n]));
  const mode = attrs.solve ?? (n <= DENSE_LIMIT ? 'dense' : 'gmres');
  const iters = Math.min(attrs.iterations as number, n);
  let u: Tensor;
  if (typeof mode === 'function') u = (mode as SolveFn)(matvec, rhs);
  else if (mode === 'dense') {
    // rows of J = (∂ₓF) are the vjps of the unit vectors; (∂ₓF)ᵀ u = rhs
    const I = eye(n);
    const rows = Array.from({ length: n }, (_, i) => matvec(o.reshape(o.slice(I, [i, 0], [1, n]), [n])));
    u = denseSolve(o.transpose(o.stack(rows)), rhs);
  } else if (mode === 'cg') u = fixedCg(matvec, rhs, iters);
  else u = fixedGmres(matvec, rhs, iters);
  backX.dispose();
  const [, backT] = vjp((th: Tree) => F(x, th), theta);
  const gt = backT(o.reshape(u, fx.shape));
  backT.dispose();
  return leaves(gt, 'implicit');
}

/** CG for a fixed number of steps, no readback (a zero residual is guarded, not tested). */
function fixedCg(A: Matvec, b: Tensor, iters: number): Tensor {
  let x = zeros(b.shape), r = b, p = b, rr = o.sum(o.square(r));
  for (let i = 0; i < iters; i++) {
    const q = A(p);
    const alpha = o.div(rr, o.maximum(o.sum(o.mul(p, q)), 1e-30));
    x = o.add(x, o.mul(alpha, p));
    r = o.sub(r, o.mul(alpha, q));
    const rr2 = o.sum(o.square(r));
    p = o.add(r, o.mul(o.div(rr2, o.maximum(rr, 1e-30)), p));
    rr = rr2;
  }
  return x;
}

/** Full GMRES for a fixed number of Arnoldi steps (modified Gram-Schmidt), no readback:
 *  the small least squares is solved through its normal equations with the op-built solve. */
function fixedGmres(A: Matvec, b: Tensor, iters: number): Tensor {
  const beta = o.sqrt(o.sum(o.square(b)));
  const V: Tensor[] = [o.div(b, o.maximum(beta, 1e-30))];
  const cols: Tensor[] = [];
  for (let j = 0; j < iters; j++) {
    let w = A(V[j]);
    const h: Tensor[] = [];
    for (let i = 0; i <= j; i++) { const hij = o.sum(o.mul(V[i], w)); w = o.sub(w, o.mul(hij, V[i])); h.push(hij); }
    const hn = o.sqrt(o.sum(o.square(w)));
    h.push(hn);
    while (h.length < iters + 1) h.push(zeros([]));
    cols.push(o.stack(h));
    V.push(o.div(w, o.maximum(hn, 1e-30)));
  }
  const H = o.stack(cols, 1); // [iters + 1, iters]
  const rhs = o.mul(o.reshape(o.slice(H, [0, 0], [1, iters]), [iters]), beta); // Hᵀ (β e1)
  const y = denseSolve(o.matmul(H, H, { transposeA: true }), rhs);
  return o.matmul(y, o.stack(V.slice(0, iters)));
}
