// Entropic optimal transport by Sinkhorn iterations, in the log domain (the default: the
// `ot` kernels, C read once per half-step) or the standard scaling form (matmuls with
// K = exp(−C/reg)). Semantics: shared/API.md "Optimal transport".
import type { Tensor } from '../tensor.js';
import { tensor, zeros, ones } from '../creation.js';
import { scope } from '../memory.js';
import * as o from '../ops/index.js';
import { softmin } from './softmin.js';
import { checkReg, problem, type Hist, type Problem } from './validate.js';
import { EdgegradError } from '../../runtime/errors.js';

export interface SinkhornOptions {
  reg: number;
  method?: 'log' | 'standard';
  maxIter?: number;
  tol?: number;
  /** Annealing stages, reg going geometrically from 1 (or reg, if larger) down to `reg`; false: none. */
  epsScaling?: number | false;
}

export interface SinkhornResult {
  /** [..., n, m] */
  plan: Tensor;
  /** ⟨plan, C⟩; one per problem for batched input */
  cost: number | number[];
  /** dual potentials in cost units: plan = exp((f ⊕ g − C)/reg) */
  f: Tensor;
  g: Tensor;
  /** full (row + column) updates over all stages */
  iterations: number;
  /** ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ at the stop (the largest over a batch) */
  error: number;
  converged: boolean;
  /** set when the standard method hit a zero or non-finite scaling and kept the last good iterate */
  warning?: string;
}

/** Potential of an empty bin: finite, so kernels never meet −Infinity − −Infinity, yet exp((·)/reg) is 0. */
const ZERO_MASS = -1e20;
const CHECK_EVERY = 10;

const logMass = (h: Float64Array, reg: number): Float32Array => Float32Array.from(h, (v) => (v > 0 ? reg * Math.log(v) : ZERO_MASS));

/** Largest over the batch of Σ|exp((pot + lse)/reg) − target| (a marginal of the plan). */
function marginalError(pot: ArrayLike<number>, lse: ArrayLike<number>, target: Float64Array, len: number, reg: number, into: Float64Array): void {
  for (let t = 0; t < into.length; t++) {
    let e = 0;
    for (let i = t * len; i < (t + 1) * len; i++) e += Math.abs(Math.exp((pot[i] + lse[i]) / reg) - target[i]);
    into[t] += e;
  }
}

interface Stage { f: Tensor; g: Tensor; iterations: number; error: number; warning?: string }

/** Log-domain iterations from g0 (zeros when null) until the error is ≤ tol or maxIter. */
export async function sinkhornStage(p: Problem, reg: number, maxIter: number, tol: number, g0: Tensor | null = null): Promise<Stage> {
  const { C, batch, n, m } = p;
  const la = tensor(logMass(p.ha, reg), [batch, n]), lb = tensor(logMass(p.hb, reg), [batch, m]);
  let g = g0 ? o.clone(g0) : zeros([batch, m]);
  let r = softmin('sinkhorn', C, g, batch, 1, reg);
  let f: Tensor | null = null;
  let it = 0, error = Infinity;
  while (it < maxIter) {
    f?.dispose();
    f = o.sub(la, r);
    r.dispose();
    const s = softmin('sinkhorn', C, f, batch, 0, reg);
    g.dispose();
    g = o.sub(lb, s);
    r = softmin('sinkhorn', C, g, batch, 1, reg);
    it++;
    if (it % CHECK_EVERY === 0 || it === maxIter) {
      const [fh, rh, gh, sh] = await Promise.all([f.data(), r.data(), g.data(), s.data()]);
      const errs = new Float64Array(batch);
      marginalError(fh, rh, p.ha, n, reg, errs);
      marginalError(gh, sh, p.hb, m, reg, errs);
      error = Math.max(...errs);
      if (Number.isNaN(error)) error = Infinity;
    }
    s.dispose();
    if (error <= tol) break;
  }
  r.dispose();
  la.dispose(); lb.dispose();
  return { f: f!, g, iterations: it, error };
}

function scalingOps(C: Tensor, K: Tensor, batch: number, n: number, m: number) {
  const batched = C.rank === 3;
  return {
    kv: (v: Tensor) => (batched ? o.reshape(o.matmul(K, o.reshape(v, [batch, m, 1])), [batch, n]) : o.matmul(v, K, { transposeB: true })),
    ktu: (u: Tensor) => (batched ? o.reshape(o.matmul(K, o.reshape(u, [batch, n, 1]), { transposeA: true }), [batch, m]) : o.matmul(u, K)),
  };
}

async function standardStage(p: Problem, reg: number, maxIter: number, tol: number, g0: Tensor | null, f0: Tensor | null): Promise<Stage> {
  const { C, batch, n, m } = p;
  const K = scope(() => o.exp(o.mul(C, -1 / reg)));
  const { kv, ktu } = scalingOps(C, K, batch, n, m);
  const a = tensor(Float32Array.from(p.ha), [batch, n]), b = tensor(Float32Array.from(p.hb), [batch, m]);
  let u = f0 ? scope(() => o.exp(o.div(f0, reg))) : scope(() => o.div(ones([batch, n]), n));
  let v = g0 ? scope(() => o.exp(o.div(g0, reg))) : ones([batch, m]);
  let good: [Tensor, Tensor] = [o.clone(u), o.clone(v)];
  let it = 0, error = Infinity, warning: string | undefined;
  while (it < maxIter) {
    const nv = scope(() => o.div(b, ktu(u)));
    v.dispose(); v = nv;
    const nu = scope(() => o.div(a, kv(v)));
    u.dispose(); u = nu;
    it++;
    if (it % CHECK_EVERY === 0 || it === maxIter) {
      const colSums = scope(() => o.mul(v, ktu(u)));
      const [uh, vh, cs] = await Promise.all([u.data(), v.data(), colSums.data()]);
      colSums.dispose();
      const bad = (x: ArrayLike<number>) => Array.prototype.some.call(x, (z: number) => !(z > 0) || !Number.isFinite(z));
      if (bad(uh) || bad(vh)) {
        warning = `numerical error at iteration ${it} (a zero or non-finite scaling; reg ${reg} is too small for the standard method); kept the iterate of iteration ${it - CHECK_EVERY}`;
        u.dispose(); v.dispose();
        [u, v] = good;
        good = [u, v];
        it -= CHECK_EVERY;
        break;
      }
      const errs = new Float64Array(batch);
      for (let t = 0; t < batch; t++) for (let j = t * m; j < (t + 1) * m; j++) errs[t] += Math.abs(cs[j] - p.hb[j]);
      error = Math.max(...errs);
      good[0].dispose(); good[1].dispose();
      good = [o.clone(u), o.clone(v)];
    }
    if (error <= tol) break;
  }
  if (good[0] !== u) { good[0].dispose(); good[1].dispose(); }
  const f = scope(() => o.mul(o.log(u), reg)), g = scope(() => o.mul(o.log(v), reg));
  for (const t of [u, v, K, a, b]) t.dispose();
  // rows match a after the u-update; the column error measured above is the whole violation
  return { f, g, iterations: Math.max(it, 0), error, warning };
}

/** plan = exp((f ⊕ g − C)/reg), shaped [batch?, n, m]. */
export function planOf(C: Tensor, f: Tensor, g: Tensor, batch: number, n: number, m: number, reg: number): Tensor {
  return scope(() => o.exp(o.div(o.sub(o.add(o.reshape(f, [batch, n, 1]), o.reshape(g, [batch, 1, m])), C), reg)));
}

/** ⟨plan, C⟩ per problem, and the result tensors in the caller's shapes. */
export async function finish(p: Problem, plan3: Tensor, f: Tensor, g: Tensor): Promise<{ plan: Tensor; cost: number | number[]; f: Tensor; g: Tensor }> {
  const costs = scope(() => o.sum(o.mul(plan3, p.C), [1, 2]));
  const ch = Array.from(await costs.data());
  costs.dispose();
  const shape = (last: number[]) => [...p.lead, ...last];
  const out = { plan: o.reshape(plan3, shape([p.n, p.m])), f: o.reshape(f, shape([p.n])), g: o.reshape(g, shape([p.m])) };
  plan3.dispose(); f.dispose(); g.dispose();
  return { ...out, cost: p.lead.length ? ch : ch[0] };
}

/** Entropic OT between histograms a and b for cost C (POT's convention). */
export async function sinkhorn(a: Hist, b: Hist, C: Tensor | number[][], opts: SinkhornOptions): Promise<SinkhornResult> {
  const op = 'ot.sinkhorn';
  const reg = checkReg(op, opts?.reg);
  const method = opts.method ?? 'log';
  if (method !== 'log' && method !== 'standard') throw new EdgegradError(op, `unknown method '${String(method)}'`, "Use 'log' or 'standard'");
  const maxIter = opts.maxIter ?? 1000, tol = opts.tol ?? 1e-9;
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new EdgegradError(op, `maxIter must be a positive integer, got ${maxIter}`, 'Pass e.g. { maxIter: 1000 }');
  const p = await problem(op, a, b, C);
  try {
    const stages = opts.epsScaling ? Math.max(1, Math.floor(opts.epsScaling)) : 1;
    const top = Math.max(1, reg);
    let f: Tensor | null = null, g: Tensor | null = null;
    let iterations = 0, last: Stage | null = null;
    for (let s = 0; s < stages; s++) {
      const t = stages === 1 ? 1 : s / (stages - 1);
      const r = top * Math.pow(reg / top, t);
      const final = s === stages - 1;
      // intermediate stages only need a rough warm start for the next reg
      const st: Stage = method === 'log'
        ? await sinkhornStage(p, r, final ? maxIter : Math.min(maxIter, 100), final ? tol : Math.max(tol, 1e-3), g)
        : await standardStage(p, r, final ? maxIter : Math.min(maxIter, 100), final ? tol : Math.max(tol, 1e-3), g, f);
      f?.dispose(); g?.dispose();
      f = st.f; g = st.g;
      iterations += st.iterations;
      last = st;
    }
    const plan3 = planOf(p.C, f!, g!, p.batch, p.n, p.m, reg);
    const out = await finish(p, plan3, f!, g!);
    const res: SinkhornResult = { ...out, iterations, error: last!.error, converged: last!.error <= tol };
    if (last!.warning) res.warning = last!.warning;
    return res;
  } finally {
    for (const t of p.temps) t.dispose();
  }
}
