// Stochastic Lanczos quadrature (Ghorbani et al. 2019; Ubaru et al. 2017): the spectral
// density of ∇²f(x) as a sum of weighted nodes. Per probe: Lanczos from a normalised
// Rademacher vector, with full reorthogonalisation (float32 Lanczos loses orthogonality
// within a few steps otherwise), then nodes = eigenvalues of T and weights = squared first
// components of T's eigenvectors.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { scope, dispose } from '../memory.js';
import { Key, foldIn } from '../random.js';
import { hvp } from '../autodiff/grad.js';
import type { Tree } from '../autodiff/tree.js';
import { dot, leavesOf, mapLeaves, rademacherLike, size } from './tree.js';
import { tridiagonalEigen } from './eigen.js';

export interface SlqOptions { key: Key; steps?: number; probes?: number }
export interface SlqResult {
  /** Ritz values of every probe, concatenated. */
  nodes: Float64Array;
  /** Their weights; they sum to 1 over all probes. */
  weights: Float64Array;
  /** Per probe: the Lanczos coefficients (T's diagonal and off-diagonal). */
  lanczos: { alpha: number[]; beta: number[] }[];
}

const OP = 'hessian.slq';

/** Async because each Lanczos step reads two scalars back (alpha, beta) to build T. */
export async function slq(f: (x: any) => Tensor, x: Tree, opts: SlqOptions): Promise<SlqResult> {
  if (!opts || !(opts.key instanceof Key)) throw new EdgegradError(OP, 'needs { key }', 'Pass { key: eg.random.key(seed), steps, probes }');
  const n = size(x, OP);
  const steps = Math.min(opts.steps ?? 100, n), probes = opts.probes ?? 1;
  if (!Number.isInteger(steps) || steps < 1) throw new EdgegradError(OP, `steps must be a positive integer, got ${opts.steps}`, 'e.g. { steps: 100 }');
  if (!Number.isInteger(probes) || probes < 1) throw new EdgegradError(OP, `probes must be a positive integer, got ${opts.probes}`, 'e.g. { probes: 4 }');
  const nodes: number[] = [], weights: number[] = [];
  const lanczos: SlqResult['lanczos'] = [];
  for (let p = 0; p < probes; p++) {
    const { alpha, beta } = await lanczosRun(f, x, foldIn(opts.key, p), steps, n);
    lanczos.push({ alpha, beta });
    const { values, vectors } = tridiagonalEigen(alpha, beta);
    values.forEach((lam, i) => { nodes.push(lam); weights.push((vectors[i][0] * vectors[i][0]) / probes); });
  }
  return { nodes: Float64Array.from(nodes), weights: Float64Array.from(weights), lanczos };
}

async function lanczosRun(f: (x: any) => Tensor, x: Tree, key: Key, steps: number, n: number): Promise<{ alpha: number[]; beta: number[] }> {
  const Q: Tree[] = [scope(() => mapLeaves(rademacherLike(key, x, OP), (t) => o.mul(t, 1 / Math.sqrt(n))))];
  const alpha: number[] = [], beta: number[] = [];
  try {
    for (let j = 0; j < steps; j++) {
      const w0 = scope(() => hvp(f, x, Q[j]));
      const aT = scope(() => dot(Q[j], w0, OP));
      const a = await aT.item();
      aT.dispose();
      alpha.push(a);
      const w = scope(() => {
        let r: Tree = mapLeaves(w0, (t, i) => o.sub(t, o.mul(leavesOf(Q[j], OP)[i], a)));
        if (j > 0) { const prev = leavesOf(Q[j - 1], OP), b = beta[j - 1]; r = mapLeaves(r, (t, i) => o.sub(t, o.mul(prev[i], b))); }
        // twice is enough (Kahan–Parlett): two Gram-Schmidt passes against every Lanczos vector
        for (let pass = 0; pass < 2; pass++) for (const q of Q) {
          const c = dot(q, r, OP), lq = leavesOf(q, OP);
          r = mapLeaves(r, (t, i) => o.sub(t, o.mul(lq[i], c)));
        }
        return r;
      });
      dispose(w0);
      if (j === steps - 1) { dispose(w); break; }
      const bT = scope(() => o.sqrt(dot(w, w, OP)));
      const b = await bT.item();
      bT.dispose();
      // an invariant subspace was found: T is complete
      const tScale = Math.max(...alpha.map(Math.abs), ...beta, 1e-30);
      if (!(b > 1e-6 * tScale)) { dispose(w); break; }
      beta.push(b);
      Q.push(scope(() => mapLeaves(w, (t) => o.div(t, b))));
      dispose(w);
    }
  } finally {
    for (const q of Q) dispose(q);
  }
  return { alpha, beta };
}

export interface DensityOptions { points?: number; sigma?: number; min?: number; max?: number }

/**
 * The SLQ spectrum as a smooth density: each node becomes a Gaussian of width sigma (default
 * 1% of the node range) carrying its weight, evaluated on a grid. Integrates to ~1 when the
 * grid covers the nodes with a few sigma to spare.
 */
export function spectralDensity(r: Pick<SlqResult, 'nodes' | 'weights'>, opts: DensityOptions = {}): { grid: Float64Array; density: Float64Array } {
  if (!r || !r.nodes || r.nodes.length === 0) throw new EdgegradError('hessian.spectralDensity', 'needs the { nodes, weights } of eg.hessian.slq', 'Pass the result of await eg.hessian.slq(...)');
  let lo = Infinity, hi = -Infinity;
  for (const v of r.nodes) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const sigma = opts.sigma ?? Math.max((hi - lo) * 0.01, 1e-6 * Math.max(1, Math.abs(hi)));
  const min = opts.min ?? lo - 5 * sigma, max = opts.max ?? hi + 5 * sigma;
  const n = opts.points ?? 512;
  if (!Number.isInteger(n) || n < 2 || !(sigma > 0) || !(max > min))
    throw new EdgegradError('hessian.spectralDensity', `bad grid (points ${n}, sigma ${sigma}, range [${min}, ${max}])`, 'Use points >= 2, sigma > 0 and min < max');
  const grid = new Float64Array(n), density = new Float64Array(n);
  const norm = 1 / (sigma * Math.sqrt(2 * Math.PI));
  for (let i = 0; i < n; i++) {
    const x = min + ((max - min) * i) / (n - 1);
    grid[i] = x;
    let s = 0;
    r.nodes.forEach((v, k) => { s += r.weights[k] * Math.exp(-0.5 * ((x - v) / sigma) ** 2); });
    density[i] = s * norm;
  }
  return { grid, density };
}
