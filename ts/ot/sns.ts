// Sinkhorn-Newton-Sparse: a log-domain Sinkhorn warm start (the `ot` kernels), then Newton
// ascent on the dual D(f, g) = ⟨f, a⟩ + ⟨g, b⟩ − reg·Σ exp((f_i + g_j − C_ij)/reg) in float64
// on the host. The Hessian −(1/reg)[[diag(P1), P], [Pᵀ, diag(Pᵀ1)]] is sparsified by keeping
// the largest entries of P (2·max(n, m) of them, doubled after a damped
// or slow step) and solved by CG; a backtracking
// (Armijo) line search keeps every step an ascent step.
import type { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import { EdgegradError } from '../../runtime/errors.js';
import { checkReg, problem, type Hist } from './validate.js';
import { finish, type SinkhornResult, sinkhornStage } from './sinkhorn.js';
import { cgHost } from './cg.js';

export interface SNSOptions { reg: number; tol?: number; maxIter?: number; sinkhornIters?: number }

interface Dual { value: number; P: Float64Array; rowSum: Float64Array; colSum: Float64Array }

function dual(f: Float64Array, g: Float64Array, c: Float64Array, a: Float64Array, b: Float64Array, reg: number): Dual {
  const n = f.length, m = g.length;
  const P = new Float64Array(n * m), rowSum = new Float64Array(n), colSum = new Float64Array(m);
  let value = 0, total = 0;
  for (let i = 0; i < n; i++) {
    value += f[i] * a[i];
    let rs = 0;
    for (let j = 0; j < m; j++) {
      const p = Math.exp((f[i] + g[j] - c[i * m + j]) / reg);
      P[i * m + j] = p; rs += p; colSum[j] += p;
    }
    rowSum[i] = rs; total += rs;
  }
  for (let j = 0; j < m; j++) value += g[j] * b[j];
  return { value: value - reg * total, P, rowSum, colSum };
}

const errorOf = (d: Dual, a: Float64Array, b: Float64Array): number => {
  let e = 0;
  for (let i = 0; i < a.length; i++) e += Math.abs(d.rowSum[i] - a[i]);
  for (let j = 0; j < b.length; j++) e += Math.abs(d.colSum[j] - b[j]);
  return e;
};

/** The k-th largest value of x (quickselect on a copy). */
function kthLargest(x: Float64Array, k: number): number {
  const v = Float64Array.from(x);
  let lo = 0, hi = v.length - 1;
  const want = k - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (v[i] > pivot) i++;
      while (v[j] < pivot) j--;
      if (i <= j) { const t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (want <= j) hi = j; else if (want >= i) lo = i; else break;
  }
  return v[want];
}

/** Newton steps for one problem, in place on f and g; returns steps taken and the final error. */
function newton(f: Float64Array, g: Float64Array, c: Float64Array, a: Float64Array, b: Float64Array, reg: number, tol: number, maxIter: number) {
  const n = f.length, m = g.length;
  let d = dual(f, g, c, a, b, reg);
  let error = errorOf(d, a, b), steps = 0;
  // the paper's density λ ≈ 2/n to start; a damped or slow step says the sparse Hessian misses too much
  let keep = Math.min(n * m, 2 * Math.max(n, m));
  while (error > tol && steps < maxIter) {
    const thr = kthLargest(d.P, keep);
    const ri: number[] = [], ci: number[] = [], pv: number[] = [];
    for (let q = 0; q < n * m; q++) if (d.P[q] >= thr && d.P[q] > 0) { ri.push((q / m) | 0); ci.push(q % m); pv.push(d.P[q]); }
    // M = reg·(−Hessian), sparsified; a tiny ridge keeps CG away from the null direction (1, −1)
    const ridge = 1e-12 * Math.max(...d.rowSum, ...d.colSum);
    const apply = (x: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) out[i] = (d.rowSum[i] + ridge) * x[i];
      for (let j = 0; j < m; j++) out[n + j] = (d.colSum[j] + ridge) * x[n + j];
      for (let k = 0; k < pv.length; k++) { out[ri[k]] += pv[k] * x[n + ci[k]]; out[n + ci[k]] += pv[k] * x[ri[k]]; }
    };
    const grad = new Float64Array(n + m);
    for (let i = 0; i < n; i++) grad[i] = a[i] - d.rowSum[i];
    for (let j = 0; j < m; j++) grad[n + j] = b[j] - d.colSum[j];
    const { x } = cgHost(apply, grad, 1e-10, 4 * (n + m));
    for (let k = 0; k < x.length; k++) x[k] *= reg; // M was reg·(−H): Δ = reg·M⁻¹∇
    let slope = 0;
    for (let k = 0; k < x.length; k++) slope += grad[k] * x[k];
    if (!(slope > 0)) { for (let k = 0; k < x.length; k++) x[k] = reg * grad[k]; slope = 0; for (let k = 0; k < x.length; k++) slope += grad[k] * x[k]; }
    let alpha = 1, next: Dual | null = null;
    const f1 = new Float64Array(n), g1 = new Float64Array(m);
    for (let t = 0; t < 40; t++) {
      for (let i = 0; i < n; i++) f1[i] = f[i] + alpha * x[i];
      for (let j = 0; j < m; j++) g1[j] = g[j] + alpha * x[n + j];
      const cand = dual(f1, g1, c, a, b, reg);
      // near the optimum the dual's gain drops below float64 rounding of its value; a smaller
      // marginal error with the value unchanged to rounding is then progress too
      const flat = cand.value >= d.value - 1e-14 * (Math.abs(d.value) + 1);
      if (cand.value >= d.value + 1e-4 * alpha * slope || (flat && errorOf(cand, a, b) < error)) { next = cand; break; }
      alpha /= 2;
    }
    steps++;
    if (!next) break; // no ascent left in float64: the dual is at its maximum to rounding
    f.set(f1); g.set(g1); d = next;
    const before = error;
    error = errorOf(d, a, b);
    if (alpha < 1 || error > 0.5 * before) keep = Math.min(n * m, 2 * keep);
  }
  return { steps, error, P: d.P };
}

export async function sinkhornNewtonSparse(a: Hist, b: Hist, C: Tensor | number[][], opts: SNSOptions): Promise<SinkhornResult> {
  const op = 'ot.sinkhornNewtonSparse';
  const reg = checkReg(op, opts?.reg);
  const tol = opts.tol ?? 1e-9, maxIter = opts.maxIter ?? 100, warm = opts.sinkhornIters ?? 20;
  if (!(Number.isInteger(maxIter) && maxIter >= 0) || !(Number.isInteger(warm) && warm >= 1))
    throw new EdgegradError(op, `maxIter (${maxIter}) must be a non-negative and sinkhornIters (${warm}) a positive integer`, 'Pass e.g. { maxIter: 100, sinkhornIters: 20 }');
  const p = await problem(op, a, b, C);
  try {
    const st = await sinkhornStage(p, reg, warm, 0);
    const [fh, gh, ch] = await Promise.all([st.f.data(), st.g.data(), p.C.data()]);
    st.f.dispose(); st.g.dispose();
    const { batch, n, m } = p;
    const F = new Float32Array(batch * n), G = new Float32Array(batch * m), PL = new Float32Array(batch * n * m);
    let steps = 0, error = 0;
    for (let t = 0; t < batch; t++) {
      const f = Float64Array.from(fh.subarray(t * n, (t + 1) * n)), g = Float64Array.from(gh.subarray(t * m, (t + 1) * m));
      const c = Float64Array.from(p.C.rank === 3 ? ch.subarray(t * n * m, (t + 1) * n * m) : ch);
      const r = newton(f, g, c, p.ha.subarray(t * n, (t + 1) * n), p.hb.subarray(t * m, (t + 1) * m), reg, tol, maxIter);
      steps = Math.max(steps, r.steps); error = Math.max(error, r.error);
      F.set(f, t * n); G.set(g, t * m); PL.set(r.P, t * n * m);
    }
    const f = tensor(F, [batch, n]), g = tensor(G, [batch, m]);
    // the plan from the float64 potentials, rounded once (exp of float32 potentials over a small reg would not be)
    const plan3 = tensor(PL, [batch, n, m]);
    const out = await finish(p, plan3, f, g);
    return { ...out, iterations: st.iterations + steps, error, converged: error <= tol };
  } finally {
    for (const t of p.temps) t.dispose();
  }
}
