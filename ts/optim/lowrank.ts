// Low-rank projected optimization of matrix parameters. For a gradient G (m × n) the
// projection side is the smaller dimension n' = min(m, n); P (n' × r) has orthonormal
// columns. Right side (n <= m): R = G P (m × r), back-projection N Pᵀ. Left side (m < n):
// R = Pᵀ G (r × n), back-projection P N. The inner optimizer's state lives in the r-space:
// it optimizes a zero-initialised stand-in ("shadow") of R's shape each step, so the
// shadow after its step IS the update, mapped back and added (times `scale`) to the
// parameter. (The inner optimizer's weight decay therefore does not reach projected leaves.)
//   lowRankDCT: P = Q[:, idx], Q the orthonormal DCT-II matrix (built once per size), idx the
//               r columns of S = G Q (rows of Qᵀ G on the left side) with the largest ℓ1 norm.
//               Only idx is stored per leaf.
//   lowRankSVD: P = the top-r singular vectors of G on the projection side (GaLore), computed
//               on the CPU (svd.ts) from a host copy of G.
// Both re-select P every `gap` steps (steps 1, 1 + gap, ...).
import { EdgegradError } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import * as o from '../ops/index.js';
import { keep, scope } from '../memory.js';
import type { Optimizer, StepOptions } from './optimizer.js';
import type { Projection } from './transforms.js';
import { assign, stateLike } from './assign.js';
import { readHost, then, type MaybePromise } from './host.js';
import { topRightSingular } from './svd.js';

/** Q[r, c] = sqrt(2/n)·cos(π·r·(2c+1)/(2n)), row 0 times 1/√2: orthonormal, float64 host copy. */
export function dctMatrix(n: number): Float64Array {
  const q = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const a = Math.sqrt(2 / n) * (r === 0 ? Math.SQRT1_2 : 1);
    for (let c = 0; c < n; c++) q[r * n + c] = a * Math.cos((Math.PI * r * (2 * c + 1)) / (2 * n));
  }
  return q;
}

/** The orthonormal DCT-II basis as an n × n float32 tensor. */
export function dctBasis(n: number): Tensor {
  if (!Number.isInteger(n) || n < 1) throw new EdgegradError('optim.dctBasis', `n must be an integer >= 1, got ${n}`);
  return tensor(Float32Array.from(dctMatrix(n)), [n, n]);
}

/** Indices of the k largest values, ties to the lower index; ascending order. */
export function topK(x: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[b] - x[a] || a - b).slice(0, k).sort((a, b) => a - b);
}

interface Slot {
  index: number;          // leaf index in the optimizer
  param: Tensor;          // the real parameter
  shadow: Tensor;         // what the inner optimizer updates
  right: boolean;         // projection side
  n: number;              // projection size n'
  P: Tensor | null;       // n' × r current basis
  idx: number[] | null;   // lowRankDCT: selected columns
}

export interface LowRankOptions { rank: number; gap?: number; scale?: number }

abstract class LowRank implements Projection {
  readonly projection = true as const;
  protected slots: Slot[] = [];
  readonly rank: number;
  readonly gap: number;
  readonly scale: number;

  constructor(readonly name: string, opts: LowRankOptions, defaults: { gap: number; scale: number }) {
    if (!opts || typeof opts !== 'object') throw new EdgegradError(name, 'expected options { rank, gap, scale }');
    for (const k of Object.keys(opts)) if (!['rank', 'gap', 'scale'].includes(k)) throw new EdgegradError(name, `unknown option '${k}'`, 'Known options: rank, gap, scale');
    const { rank, gap = defaults.gap, scale = defaults.scale } = opts;
    if (!Number.isInteger(rank) || rank < 1) throw new EdgegradError(name, `rank must be an integer >= 1, got ${String(rank)}`);
    if (!Number.isInteger(gap) || gap < 1) throw new EdgegradError(name, `gap must be an integer >= 1, got ${String(gap)}`);
    if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new EdgegradError(name, `scale must be a finite number, got ${String(scale)}`);
    this.rank = rank; this.gap = gap; this.scale = scale;
  }

  bind(opt: Optimizer): void {
    if (this.slots.length) throw new EdgegradError(this.name, 'this transform is already bound to an optimizer', 'Create one per chain');
    opt.leaves.forEach((l, index) => {
      const p = l.tensor;
      if (p.rank !== 2) return;
      const [m, n] = p.shape;
      const right = n <= m, size = right ? n : m;
      if (size <= this.rank) return; // nothing to gain: optimized full-rank
      const shadow = stateLike(p, 0, right ? [m, this.rank] : [this.rank, n]);
      opt.replaceLeaf(index, shadow);
      this.slots.push({ index, param: p, shadow, right, n: size, P: null, idx: null });
    });
  }

  /** The new basis for a slot from its gradient (may read it back). */
  protected abstract select(s: Slot, g: Tensor): MaybePromise<void>;

  step(gs: Tensor[], opt: Optimizer, so: StepOptions): MaybePromise<void> {
    const t = opt.stepCount + 1;
    const due = this.slots.filter((s) => !s.P || (t - 1) % this.gap === 0);
    let ready: MaybePromise<void> = undefined;
    for (const s of due) ready = then(ready, () => this.select(s, gs[s.index]));
    return then(ready, () => {
      const inner = gs.slice();
      const made: Tensor[] = [];
      for (const s of this.slots) {
        const g = gs[s.index];
        const r = s.right ? o.matmul(g, s.P!) : o.matmul(s.P!, g, { transposeA: true });
        inner[s.index] = r; made.push(r);
        assign(s.shadow, stateLike(s.shadow));
      }
      try { opt.stepLeaves(inner, so); } finally { for (const r of made) r.dispose(); }
      scope(() => {
        for (const s of this.slots) {
          const back = s.right ? o.matmul(s.shadow, s.P!, { transposeB: true }) : o.matmul(s.P!, s.shadow);
          assign(s.param, o.add(s.param, this.scale === 1 ? back : o.mul(back, this.scale)));
        }
        return null;
      });
    });
  }

  protected setBasis(s: Slot, P: Tensor): void {
    s.P?.dispose();
    s.P = keep(P);
  }

  get state(): unknown {
    return this.slots.map((s) => ({ index: s.index, shape: s.param.shape, side: s.right ? 'right' : 'left', indices: s.idx?.slice() }));
  }

  dispose(): void { for (const s of this.slots) { s.P?.dispose(); s.shadow.dispose(); } }
}

const dctCache = new Map<number, Float64Array>();

class LowRankDCT extends LowRank {
  constructor(opts: LowRankOptions) { super('lowRankDCT', opts, { gap: 200, scale: 1 }); }

  protected select(s: Slot, g: Tensor): MaybePromise<void> {
    let q = dctCache.get(s.n);
    if (!q) { q = dctMatrix(s.n); dctCache.set(s.n, q); }
    const Q = q;
    // ℓ1 alignment scores of the n' basis columns, computed where g lives
    const scores = scope(() => {
      const Qt = tensor(Float32Array.from(Q), [s.n, s.n]);
      const S = s.right ? o.matmul(g, Qt) : o.matmul(Qt, g, { transposeA: true });
      return o.sum(o.abs(S), s.right ? 0 : 1);
    });
    return then(readHost(scores), (sc) => {
      scores.dispose();
      const idx = topK(sc, this.rank);
      s.idx = idx;
      const P = new Float32Array(s.n * this.rank);
      for (let i = 0; i < s.n; i++) for (let k = 0; k < this.rank; k++) P[i * this.rank + k] = Q[i * s.n + idx[k]];
      this.setBasis(s, tensor(P, [s.n, this.rank]));
    });
  }
}

class LowRankSVD extends LowRank {
  constructor(opts: LowRankOptions) { super('lowRankSVD', opts, { gap: 200, scale: 0.25 }); }

  protected select(s: Slot, g: Tensor): MaybePromise<void> {
    return then(readHost(g), (h) => {
      const [m, n] = g.shape;
      let a: ArrayLike<number> = h, rows = m, cols = n;
      if (!s.right) { // left singular vectors of G = right singular vectors of Gᵀ
        const tr = new Float64Array(m * n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) tr[j * m + i] = h[i * n + j];
        a = tr; rows = n; cols = m;
      }
      const { v } = topRightSingular(a, rows, cols, this.rank);
      this.setBasis(s, tensor(Float32Array.from(v), [cols, this.rank]));
    });
  }
}

/** SVD-free low-rank projection with a DCT-II basis; rank r, re-selection every `gap`
 *  steps (default 200), update scale (default 1). Use as the last transform of a chain. */
export const lowRankDCT = (opts: LowRankOptions): Projection => new LowRankDCT(opts);
/** GaLore-style projection on the top-r singular vectors (CPU SVD): gap 200, scale 0.25. */
export const lowRankSVD = (opts: LowRankOptions): Projection => new LowRankSVD(opts);
