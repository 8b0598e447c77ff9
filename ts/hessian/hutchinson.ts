// Hutchinson's estimators: for Rademacher v, E[vᵀHv] = tr(H) and E[v⊙Hv] = diag(H).
// Each sample is one Hessian-vector product (grad of <grad f, v>), so H is never formed.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros } from '../creation.js';
import { scope } from '../memory.js';
import { Key, foldIn } from '../random.js';
import { hvp } from '../autodiff/grad.js';
import type { Tree } from '../autodiff/tree.js';
import { dot, leavesOf, mapLeaves, rademacherLike, zerosLike } from './tree.js';

export interface HutchinsonOptions { key: Key; samples?: number }

function checkOpts(op: string, opts: HutchinsonOptions): number {
  if (!opts || !(opts.key instanceof Key)) throw new EdgegradError(op, 'needs { key }', 'Pass { key: eg.random.key(seed), samples }');
  const n = opts.samples ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new EdgegradError(op, `samples must be a positive integer, got ${n}`, 'e.g. { samples: 100 }');
  return n;
}

/** Estimate of tr(∇²f(x)) as a one-element tensor. */
export function hutchinsonTrace(f: (x: any) => Tensor, x: Tree, opts: HutchinsonOptions): Tensor {
  const n = checkOpts('hessian.hutchinsonTrace', opts);
  let acc = zeros([]);
  for (let i = 0; i < n; i++) {
    // each sample in its own scope: only the running sum survives
    const next = scope(() => {
      const v = rademacherLike(foldIn(opts.key, i), x, 'hessian.hutchinsonTrace');
      return o.add(acc, dot(v, hvp(f, x, v), 'hessian.hutchinsonTrace'));
    });
    acc.dispose();
    acc = next;
  }
  const out = o.div(acc, n);
  acc.dispose();
  return out;
}

/** Estimate of diag(∇²f(x)), shaped like x. */
export function hutchinsonDiag(f: (x: any) => Tensor, x: Tree, opts: HutchinsonOptions): any {
  const n = checkOpts('hessian.hutchinsonDiag', opts);
  let acc = zerosLike(x);
  for (let i = 0; i < n; i++) {
    const next = scope(() => {
      const v = rademacherLike(foldIn(opts.key, i), x, 'hessian.hutchinsonDiag');
      const hv = leavesOf(hvp(f, x, v), 'hessian.hutchinsonDiag');
      const lv = leavesOf(v, 'hessian.hutchinsonDiag');
      return mapLeaves(acc, (a, k) => o.add(a, o.mul(lv[k], hv[k])));
    });
    for (const t of leavesOf(acc, 'hessian.hutchinsonDiag')) t.dispose();
    acc = next;
  }
  const out = mapLeaves(acc, (a) => o.div(a, n));
  for (const t of leavesOf(acc, 'hessian.hutchinsonDiag')) t.dispose();
  return out;
}
