// Stochastic Lanczos quadrature (Ghorbani et al. 2019; Ubaru et al. 2017): the spectral
// density of ∇²f(x) as a sum of weighted nodes. Per probe: eg.linalg.lanczos (full
// reorthogonalisation) from a normalised Rademacher vector on Hessian-vector products, then
// nodes = eigenvalues of T and weights = squared first components of T's eigenvectors.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { scope } from '../memory.js';
import { Key, foldIn } from '../random.js';
import { hvp } from '../autodiff/grad.js';
import type { Tree } from '../autodiff/tree.js';
import { leavesOf, mapLeaves, rademacherLike, size } from './tree.js';
import { lanczos } from '../linalg/lanczos.js';
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

/** One probe: eg.linalg.lanczos on the Hessian-vector product of the flattened tree, from a
 *  normalised Rademacher start. */
async function lanczosRun(f: (x: any) => Tensor, x: Tree, key: Key, steps: number, n: number): Promise<{ alpha: number[]; beta: number[] }> {
  const ls = leavesOf(x, OP);
  const flat = (t: Tree): Tensor => o.concat(leavesOf(t, OP).map((l) => o.reshape(l, [l.size])), 0);
  const offsets: number[] = [];
  ls.reduce((off, l) => { offsets.push(off); return off + l.size; }, 0);
  const unflat = (v: Tensor): Tree => mapLeaves(x, (l, i) => o.reshape(o.slice(v, [offsets[i]], [l.size]), l.shape));
  const v0 = scope(() => flat(mapLeaves(rademacherLike(key, x, OP), (t) => o.mul(t, 1 / Math.sqrt(n)))));
  try {
    const { alpha, beta, basis } = await lanczos((v: Tensor) => scope(() => flat(hvp(f, x, unflat(v)))), { k: steps, v0 });
    basis.dispose();
    return { alpha, beta };
  } finally { v0.dispose(); }
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
