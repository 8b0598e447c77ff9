// Gradient rules of the dense factorizations, written with public ops (solve, inv,
// matmul, ...) so they run on every backend and can themselves be differentiated.
import type { Tensor } from '../tensor.js';
import type { Rule } from '../autodiff/rules.js';
import * as o from '../ops/index.js';
import { tensor } from '../creation.js';
import { inv, solve } from './solve.js';
import { unpack } from './outputs.js';

/** Swaps the last two axes. */
export function mT(x: Tensor): Tensor {
  const perm = [...x.shape.keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return o.transpose(x, perm);
}

/** n×n constant: `diag` on the diagonal, `below` under it, 0 above. */
function triangle(n: number, diag: number, below: number): Tensor {
  const d = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) d[i * n + j] = i === j ? diag : below;
  return tensor(d, [n, n]);
}

/** Sums g over the leading axes it has beyond `shape` (batch broadcasting). */
function unbatch(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.join() === shape.join()) return g;
  const lead = g.rank - shape.length;
  const axes = g.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
  return o.reshape(o.sum(g, axes, true), shape);
}

const expand2 = (t: Tensor): Tensor => o.reshape(t, [...t.shape, 1, 1]);
const sym = (x: Tensor): Tensor => o.mul(o.add(x, mT(x)), 0.5);

export const linalgRules = {
  // Murray (2016): Ā = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹), Φ = lower triangle with the diagonal halved
  cholesky: (g, _, l) => {
    const phi = o.mul(o.matmul(mT(l), g), triangle(l.shape[l.rank - 1], 0.5, 1));
    const li = inv(l);
    return [sym(o.matmul(mT(li), o.matmul(phi, li)))];
  },
  solve: (g, [a, b], x) => {
    const bbar = solve(mT(a), g);
    const vec = b.rank === a.rank - 1;
    const outer = vec ? o.mul(o.expandDims(bbar, -1), o.expandDims(x, -2)) : o.matmul(bbar, mT(x));
    return [unbatch(o.neg(outer), a.shape), unbatch(bbar, b.shape)];
  },
  inv: (g, _, y) => [o.neg(o.matmul(mT(y), o.matmul(g, mT(y))))],
  logAbsDet: (g, [a]) => [o.mul(expand2(g), mT(inv(a)))],
  det: (g, [a], d) => [o.mul(expand2(o.mul(g, d)), mT(inv(a)))],
  // distinct eigenvalues: Ā = sym(V·(diag(w̄) + F∘(Vᵀ·V̄))·Vᵀ), F_ij = 1/(w_j − w_i) off the diagonal
  eigh: (g, [a], out, { shapes, per }) => {
    const sh = shapes as number[][], pp = per as number[];
    const [gv, gw] = unpack(g, sh, pp), [v, w] = unpack(out, sh, pp);
    const n = w.shape[w.rank - 1];
    const eye = triangle(n, 1, 0);
    const offDiag = o.equal(eye, 0);
    const f = o.where(offDiag, o.reciprocal(o.where(offDiag, o.sub(o.expandDims(w, -2), o.expandDims(w, -1)), 1)), 0);
    const inner = o.add(o.mul(f, o.matmul(mT(v), gv)), o.mul(eye, o.expandDims(gw, -2)));
    return [o.reshape(sym(o.matmul(v, o.matmul(inner, mT(v)))), a.shape)];
  },
} satisfies Record<'cholesky' | 'solve' | 'inv' | 'det' | 'logAbsDet' | 'eigh', Rule>;
