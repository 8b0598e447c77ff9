// GCRO-DR (Parks, de Sturler, Mackey, Johnson, Maiti 2006): restarted GMRES that carries a
// k-dimensional subspace U (with C = A·U orthonormal) from cycle to cycle and from one
// system to the next. Each cycle runs m − k Arnoldi steps on (I − C Cᵀ) A and refreshes U
// from harmonic Ritz vectors. Vectors are rows of [k, n] / [j, n] tensors; every small
// matrix (Ḡ, its least squares, the Ritz pencil, k×k Gram matrices) is float64 on the host.
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { zeros, tensor } from '../creation.js';
import { scope, dispose, keep } from '../memory.js';
import { EdgegradError } from '../../runtime/errors.js';
import { asOperator, checkRhs, checkX0, tolerances, norm, readOwned, type LinearOperator, type OperatorLike, type SolveResult } from './operator.js';
import { orthogonalize, appendRow, combine } from './arnoldi.js';
import { gmresCycle, gmresCore } from './gmres.js';
import { lstsq, qr, invUpper, mulM, transposeM, zerosM, smallestPencilSubspace, type Mat } from './small.js';

/** What one solve hands to the next: the recycled subspace U (rows). */
export class Recycle {
  constructor(readonly U: Tensor) {}
  get n(): number { return this.U.shape[1]; }
  get k(): number { return this.U.shape[0]; }
  dispose(): void { this.U.dispose(); }
}

export interface GcrodrOptions { m?: number; k?: number; recycle?: Recycle | null; rtol?: number; atol?: number; maxIter?: number; x0?: Tensor }
export interface GcrodrResult extends SolveResult { recycle: Recycle | null }

const small = (a: Mat): Tensor => tensor(Float32Array.from(a.flat()), [a.length, a[0]?.length ?? 0]);

/** rows ← Rᵀ⁻¹-style transforms with a host matrix: out = T · rows (T is p×q, rows q×n). */
function transform(T: Mat, rows: Tensor): Tensor { return scope(() => o.matmul(small(T), rows)); }

/** Orthonormalises the rows of Ct (CholeskyQR twice), applying the same transform to U. */
async function orthonormalize(Ct: Tensor, U: Tensor): Promise<{ C: Tensor; U: Tensor }> {
  let C = Ct, Uu = U;
  for (let pass = 0; pass < 2; pass++) {
    const k = C.shape[0];
    const g = await readOwned([scope(() => o.matmul(C, C, { transposeB: true }))]);
    const G: Mat = Array.from({ length: k }, (_, i) => g.slice(i * k, i * k + k));
    const R = cholUpper(G);
    const Rinv = invUpper(R);
    const T = transposeM(Rinv); // rows convention: C_rows ← R⁻ᵀ C_rows
    const nC = transform(T, C), nU = transform(T, Uu);
    if (C !== Ct) C.dispose();
    if (Uu !== U) Uu.dispose();
    C = nC; Uu = nU;
  }
  return { C, U: Uu };
}

function cholUpper(g: Mat): Mat {
  const k = g.length;
  const scale = Math.max(1e-300, ...g.map((row, i) => Math.abs(row[i])));
  const r = zerosM(k, k);
  for (let i = 0; i < k; i++) {
    let d = g[i][i];
    for (let t = 0; t < i; t++) d -= r[t][i] * r[t][i];
    r[i][i] = Math.sqrt(Math.max(d, 1e-14 * scale));
    for (let j = i + 1; j < k; j++) {
      let v = g[i][j];
      for (let t = 0; t < i; t++) v -= r[t][i] * r[t][j];
      r[i][j] = v / r[i][i];
    }
  }
  return r;
}

export async function gcrodr(A: OperatorLike, b: Tensor, opts: GcrodrOptions = {}): Promise<GcrodrResult> {
  const op = 'linalg.gcrodr';
  const L = asOperator(op, A);
  const n = checkRhs(op, L, b);
  const x0 = checkX0(op, opts.x0, n);
  const t = tolerances(op, opts, n);
  const m0 = opts.m ?? 30, k0 = opts.k ?? 10;
  if (!Number.isInteger(m0) || !Number.isInteger(k0) || k0 < 1 || m0 <= k0)
    throw new EdgegradError(op, `needs integers m > k >= 1, got m ${m0}, k ${k0}`, 'e.g. { m: 30, k: 10 }');
  // a small system caps the basis: m ≤ n, and k < m
  const m = Math.min(m0, n), k = Math.min(k0, m - 1);
  const rec = opts.recycle ?? null;
  if (rec && !(rec instanceof Recycle)) throw new EdgegradError(op, 'recycle must be the `recycle` of an earlier gcrodr result', 'Pass result.recycle');
  if (rec && rec.U.isDisposed) throw new EdgegradError(op, 'the recycle object was disposed', 'Pass a live result.recycle');
  if (rec && rec.n !== n) throw new EdgegradError(op, `recycle is for systems of size ${rec.n}, this one has ${n}`, 'Recycle only between systems of the same size');
  return gcrodrCore(L, b, x0, t, m, k, rec);
}

async function gcrodrCore(L: LinearOperator, b: Tensor, x0: Tensor | undefined, t: { rtol: number; atol: number; maxIter: number },
  m: number, k: number, rec: Recycle | null): Promise<GcrodrResult> {
  const n = b.size;
  const bnorm = await norm(b);
  const tol = Math.max(t.rtol * bnorm, t.atol);
  if (bnorm === 0) return { x: zeros([n]), iterations: 0, residualNorm: 0, converged: true, recycle: rec };
  let x = x0 ? o.clone(x0) : zeros([n]);
  const residual = (): Tensor => scope(() => o.sub(b, L.apply(x)));
  let r = x0 ? residual() : o.clone(b);
  let rn = x0 ? await norm(r) : bnorm;
  let it = 0;
  let U: Tensor | null = null, C: Tensor | null = null;

  if (rec && t.maxIter >= rec.k) {
    // C = orth(A·U) with U transformed alike; then project the residual onto range(C)
    const AU = scope(() => o.stack(Array.from({ length: rec.k }, (_, i) => L.apply(o.reshape(o.slice(rec.U, [i, 0], [1, n]), [n])))));
    it += rec.k;
    const q = await orthonormalize(AU, rec.U);
    AU.dispose();
    C = q.C; U = q.U;
    const next = scope(() => {
      const c = o.matmul(C!, r);
      return { x: o.add(x, o.matmul(c, U!)), r: o.sub(r, o.matmul(c, C!)) };
    });
    dispose([x, r]);
    x = next.x; r = next.r;
    rn = await norm(r);
  } else if (rn > tol && t.maxIter > 0) {
    // no subspace yet: one GMRES(m) cycle, whose harmonic Ritz vectors seed U
    const c = await gmresCycle(L, null, r, rn, m, t.maxIter, tol);
    it += c.j;
    const nx = scope(() => o.add(x, c.dx));
    dispose([x, c.dx, r]);
    x = nx;
    r = residual();
    rn = await norm(r);
    const kk = Math.min(k, c.j - 1);
    if (c.V.shape[0] === c.j + 1 && kk >= 1) {
      const Hbar = c.H.slice(0, c.j + 1).map((row) => row.slice(0, c.j));
      const Hm = Hbar.slice(0, c.j);
      const P = smallestPencilSubspace(mulM(transposeM(Hbar), Hbar), transposeM(Hm), kk);
      const { q, r: R } = qr(mulM(Hbar, P));
      const Vm = scope(() => o.slice(c.V, [0, 0], [c.j, n]));
      const Y = transform(transposeM(P), Vm);
      C = transform(transposeM(q), c.V);
      U = transform(transposeM(invUpper(R)), Y);
      dispose([Vm, Y]);
    }
    c.V.dispose();
  }

  while (rn > tol && it < t.maxIter && U && C) {
    const kk = U.shape[0];
    const steps = Math.min(m - kk, t.maxIter - it);
    if (steps < 1) break;
    // r = Cᵀ(C r) + beta·v1 exactly, so Ŵᵀ r = [C r; beta e1]
    const cr = scope(() => o.matmul(C!, r));
    const rp = scope(() => o.sub(r, o.matmul(cr, C!)));
    const [crHost, beta] = await Promise.all([readOwned([cr]), norm(rp)]);
    if (!(beta > 0)) { rp.dispose(); break; }
    let V = scope(() => o.reshape(o.div(rp, beta), [1, n]));
    rp.dispose();
    const H = zerosM(steps + 1, steps), B = zerosM(kk, steps);
    const unorm = await readOwned([scope(() => o.sqrt(o.sum(o.square(U!), 1)))]);
    const D = unorm.map((v) => 1 / v);
    let j = 0, y: number[] = [];
    let full = true;
    const gbar = (jj: number): Mat => {
      const G = zerosM(kk + jj + 1, kk + jj);
      for (let i = 0; i < kk; i++) { G[i][i] = D[i]; for (let c = 0; c < jj; c++) G[i][kk + c] = B[i][c]; }
      for (let i = 0; i <= jj; i++) for (let c = 0; c < jj; c++) G[kk + i][kk + c] = H[i][c];
      return G;
    };
    while (j < steps) {
      const vj = scope(() => o.reshape(o.slice(V, [j, 0], [1, n]), [n]));
      const w = scope(() => L.apply(vj));
      vj.dispose();
      it++;
      const s = await orthogonalize(V, w, C);
      for (let i = 0; i <= j; i++) H[i][j] = s.h[i];
      H[j + 1][j] = s.hn;
      for (let i = 0; i < kk; i++) B[i][j] = s.bc[i];
      j++;
      const c = [...crHost, beta, ...new Array<number>(j).fill(0)];
      const ls = lstsq(gbar(j), c);
      y = ls.y;
      if (!(s.hn > 1e-7 * beta)) { s.w.dispose(); full = false; break; }
      V = appendRow(V, s.w, s.hn);
      if (ls.residual <= tol) break;
    }
    // x += V̂ y with V̂ = [D U; V_j]
    const Ut = scope(() => o.mul(U!, o.reshape(tensor(Float32Array.from(D)), [kk, 1])));
    const Vj = scope(() => o.slice(V, [0, 0], [j, n]));
    const Vhat = scope(() => o.concat([Ut, Vj], 0));
    const dx = combine(y, Vhat);
    const nx = scope(() => o.add(x, dx));
    dispose([x, dx, r]);
    x = nx;
    r = residual();
    rn = await norm(r);
    // new recycle space from harmonic Ritz vectors of the pencil (ḠᵀḠ, Ḡᵀ Ŵᵀ V̂)
    if (full && V.shape[0] === j + 1) {
      const G = gbar(j);
      const cu = await readOwned([scope(() => o.matmul(C!, Ut, { transposeB: true })), scope(() => o.matmul(V, Ut, { transposeB: true }))]);
      const WV = zerosM(kk + j + 1, kk + j);
      for (let i = 0; i < kk; i++) for (let c2 = 0; c2 < kk; c2++) WV[i][c2] = cu[i * kk + c2];
      for (let i = 0; i <= j; i++) for (let c2 = 0; c2 < kk; c2++) WV[kk + i][c2] = cu[kk * kk + i * kk + c2];
      for (let i = 0; i < j; i++) WV[kk + i][kk + i] = 1;
      const Gt = transposeM(G);
      const P = smallestPencilSubspace(mulM(Gt, G), mulM(Gt, WV), kk);
      const { q, r: R } = qr(mulM(G, P));
      const What = scope(() => o.concat([C!, V], 0));
      const Y = transform(transposeM(P), Vhat);
      const nC = transform(transposeM(q), What);
      const nU = transform(transposeM(invUpper(R)), Y);
      dispose([What, Y, C!, U!]);
      C = nC; U = nU;
    }
    dispose([Ut, Vj, Vhat, V]);
  }
  r.dispose();
  C?.dispose();
  const recycle = U ? new Recycle(keep(U)) : rec;
  return { x, iterations: it, residualNorm: rn, converged: rn <= tol, recycle };
}

export interface SequenceOptions { method?: 'gcrodr' | 'gmres'; order?: 'similarity' | 'given'; m?: number; k?: number; rtol?: number; atol?: number; maxIter?: number }

/** SKR: orders the systems so that neighbours are similar, then solves them in that order,
 *  recycling along it. */
export async function solveSequence(systems: { A: OperatorLike; b: Tensor }[], opts: SequenceOptions = {}): Promise<{ solutions: Tensor[]; iterations: number[]; order: number[] }> {
  const op = 'linalg.solveSequence';
  if (!Array.isArray(systems) || systems.length === 0) throw new EdgegradError(op, 'needs a non-empty array of { A, b }', 'Pass [{ A, b }, ...]');
  const method = opts.method ?? 'gcrodr', orderBy = opts.order ?? 'similarity';
  if (method !== 'gcrodr' && method !== 'gmres') throw new EdgegradError(op, `unknown method '${method}'`, "Use 'gcrodr' or 'gmres'");
  if (orderBy !== 'similarity' && orderBy !== 'given') throw new EdgegradError(op, `unknown order '${orderBy}'`, "Use 'similarity' or 'given'");
  const ops = systems.map((s, i) => asOperator(op, s.A, `systems[${i}].A`));
  const n = checkRhs(op, ops[0], systems[0].b);
  systems.forEach((s, i) => { if (checkRhs(op, ops[i], s.b) !== n) throw new EdgegradError(op, `systems[${i}] has size ${s.b.size}, systems[0] ${n}`, 'All systems must have the same size'); });
  const order = orderBy === 'similarity' && ops.every((l) => l.kind !== 'function') ? await similarityOrder(systems.map((s) => s.A as Tensor)) : systems.map((_, i) => i);
  const solutions: Tensor[] = new Array(systems.length), iterations: number[] = new Array(systems.length);
  const m = opts.m ?? 30, k = opts.k ?? 10;
  let rec: Recycle | null = null;
  for (const i of order) {
    const common = { rtol: opts.rtol, atol: opts.atol, maxIter: opts.maxIter };
    if (method === 'gmres') {
      const res = await gmresCoreFor(ops[i], systems[i].b, common, m);
      solutions[i] = res.x; iterations[i] = res.iterations;
    } else {
      const res = await gcrodrCore(ops[i], systems[i].b, undefined, tolerances(op, common, n), Math.min(m, n), Math.min(k, Math.min(m, n) - 1), rec);
      if (rec && res.recycle !== rec) rec.dispose();
      rec = res.recycle;
      solutions[i] = res.x; iterations[i] = res.iterations;
    }
  }
  rec?.dispose();
  return { solutions, iterations, order };
}

function gmresCoreFor(L: LinearOperator, b: Tensor, o2: { rtol?: number; atol?: number; maxIter?: number }, restart: number): Promise<SolveResult> {
  return gmresCore(L, b, undefined, null, tolerances('linalg.solveSequence', o2, b.size), Math.min(restart, b.size));
}

/** Greedy nearest-neighbour chain on ‖A_i − A_j‖_F, from the first system. */
async function similarityOrder(As: unknown[]): Promise<number[]> {
  const maps: Map<number, number>[] = [];
  for (const A of As) {
    const mp = new Map<number, number>();
    if (A instanceof Tensor) {
      const d = await A.data();
      d.forEach((v, i) => { if (v !== 0) mp.set(i, v); });
    } else {
      const C = A as import('../sparse/csr.js').CSR;
      const v = await C.values.data(), p = C.pattern, rows = p.rows(), nCols = p.n;
      for (let e = 0; e < p.nnz; e++) { const key = rows[e] * nCols + p.indices[e]; mp.set(key, (mp.get(key) ?? 0) + v[e]); }
    }
    maps.push(mp);
  }
  const dist = (a: Map<number, number>, b: Map<number, number>): number => {
    let s = 0;
    for (const [key, v] of a) s += (v - (b.get(key) ?? 0)) ** 2;
    for (const [key, v] of b) if (!a.has(key)) s += v * v;
    return s;
  };
  const order = [0], left = new Set(As.map((_, i) => i).slice(1));
  while (left.size) {
    const cur = order[order.length - 1];
    let best = -1, bd = Infinity;
    for (const j of left) { const d = dist(maps[cur], maps[j]); if (d < bd) { bd = d; best = j; } }
    order.push(best);
    left.delete(best);
  }
  return order;
}
