// Low-rank matrix completion by alternating regularised least squares, in float64 on the
// host: an iteration solves, for every row i of U, (V_Ωᵢᵀ V_Ωᵢ + reg·I) uᵢ = V_Ωᵢᵀ m_Ωᵢ over the
// row's observed columns, then the same for every row of V. Each r×r system is solved
// exactly (Cholesky) or, with `cgSteps`, by that many CG steps from the previous factor.
import type { Tensor } from '../tensor.js';
import { Tensor as TensorClass } from '../tensor.js';
import { tensor } from '../creation.js';
import * as random from '../random.js';
import { EdgegradError } from '../../runtime/errors.js';

export interface Observations { rows: Int32Array | readonly number[] | Tensor; cols: Int32Array | readonly number[] | Tensor; values: Float32Array | readonly number[] | Tensor; shape: readonly number[] }
export interface AltMinOptions { rank: number; reg?: number; iterations?: number; cgSteps?: number; key?: random.Key }
export interface AltMinResult { u: Tensor; v: Tensor; predict(rows: ArrayLike<number>, cols: ArrayLike<number>): Float32Array; trainRmse: number }

const host = async (x: unknown): Promise<Float64Array> =>
  Float64Array.from(x instanceof TensorClass ? await x.data() : (x as ArrayLike<number>));

/** Solves G x = rhs (r×r SPD) in place into x: exactly, or by `steps` CG steps from x. */
function solveSmall(G: Float64Array, rhs: Float64Array, r: number, x: Float64Array, steps: number | undefined): void {
  if (steps === undefined) {
    const L = new Float64Array(r * r);
    for (let i = 0; i < r; i++) for (let j = 0; j <= i; j++) {
      let s = G[i * r + j];
      for (let k = 0; k < j; k++) s -= L[i * r + k] * L[j * r + k];
      L[i * r + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / L[j * r + j];
    }
    for (let i = 0; i < r; i++) { let s = rhs[i]; for (let k = 0; k < i; k++) s -= L[i * r + k] * x[k]; x[i] = s / L[i * r + i]; }
    for (let i = r - 1; i >= 0; i--) { let s = x[i]; for (let k = i + 1; k < r; k++) s -= L[k * r + i] * x[k]; x[i] = s / L[i * r + i]; }
    return;
  }
  const res = new Float64Array(r), p = new Float64Array(r), q = new Float64Array(r);
  for (let i = 0; i < r; i++) { let s = rhs[i]; for (let k = 0; k < r; k++) s -= G[i * r + k] * x[k]; res[i] = s; p[i] = s; }
  let rr = res.reduce((a, v) => a + v * v, 0);
  for (let t = 0; t < steps && rr > 1e-30; t++) {
    for (let i = 0; i < r; i++) { let s = 0; for (let k = 0; k < r; k++) s += G[i * r + k] * p[k]; q[i] = s; }
    const alpha = rr / p.reduce((a, v, i) => a + v * q[i], 0);
    for (let i = 0; i < r; i++) { x[i] += alpha * p[i]; res[i] -= alpha * q[i]; }
    const rr1 = res.reduce((a, v) => a + v * v, 0);
    for (let i = 0; i < r; i++) p[i] = res[i] + (rr1 / rr) * p[i];
    rr = rr1;
  }
}

/** One sweep over the rows of X (count × r) given Y, with the observations grouped by X-row. */
function sweep(X: Float64Array, Y: Float64Array, ptr: Int32Array, other: Int32Array, vals: Float64Array, count: number, r: number, reg: number, steps: number | undefined): void {
  const G = new Float64Array(r * r), rhs = new Float64Array(r), x = new Float64Array(r);
  for (let i = 0; i < count; i++) {
    G.fill(0); rhs.fill(0);
    for (let k = 0; k < r; k++) G[k * r + k] = reg;
    for (let e = ptr[i]; e < ptr[i + 1]; e++) {
      const y = other[e] * r, v = vals[e];
      for (let a = 0; a < r; a++) { rhs[a] += Y[y + a] * v; for (let b = 0; b < r; b++) G[a * r + b] += Y[y + a] * Y[y + b]; }
    }
    for (let a = 0; a < r; a++) x[a] = X[i * r + a];
    solveSmall(G, rhs, r, x, steps);
    for (let a = 0; a < r; a++) X[i * r + a] = x[a];
  }
}

/** Observations grouped by one coordinate (a CSR of the index pairs). */
function group(by: Float64Array, other: Float64Array, vals: Float64Array, count: number) {
  const ptr = new Int32Array(count + 1);
  for (const b of by) ptr[b + 1]++;
  for (let i = 0; i < count; i++) ptr[i + 1] += ptr[i];
  const fill = ptr.slice(0, count), o = new Int32Array(by.length), v = new Float64Array(by.length);
  for (let e = 0; e < by.length; e++) { const k = fill[by[e]]++; o[k] = other[e]; v[k] = vals[e]; }
  return { ptr, other: o, vals: v };
}

export async function altMin(obs: Observations, opts: AltMinOptions): Promise<AltMinResult> {
  const op = 'completion.altMin';
  if (!obs || typeof obs !== 'object' || !obs.shape || obs.shape.length !== 2) throw new EdgegradError(op, 'needs { rows, cols, values, shape: [m, n] }', 'Pass the observed entries in COO form');
  const [m, n] = obs.shape;
  const r = opts?.rank, reg = opts.reg ?? 1e-3, iters = opts.iterations ?? 20, steps = opts.cgSteps;
  if (!(Number.isInteger(r) && r >= 1 && r <= Math.min(m, n))) throw new EdgegradError(op, `rank must be an integer in 1..${Math.min(m, n)}, got ${String(r)}`, 'Pass { rank: 10 } or similar');
  if (!(reg >= 0)) throw new EdgegradError(op, `reg must be >= 0, got ${reg}`, 'Pass a small ridge, e.g. 1e-3');
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 1)) throw new EdgegradError(op, `cgSteps must be a positive integer, got ${steps}`, 'Leave it out for exact solves');
  const [rows, cols, vals] = await Promise.all([host(obs.rows), host(obs.cols), host(obs.values)]);
  if (rows.length !== cols.length || rows.length !== vals.length) throw new EdgegradError(op, `rows, cols and values differ in length (${rows.length}, ${cols.length}, ${vals.length})`, 'Pass one row, column and value per observation');
  for (let e = 0; e < rows.length; e++) {
    if (!(Number.isInteger(rows[e]) && rows[e] >= 0 && rows[e] < m && Number.isInteger(cols[e]) && cols[e] >= 0 && cols[e] < n))
      throw new EdgegradError(op, `observation ${e} at (${rows[e]}, ${cols[e]}) is outside [${m}, ${n}]`, 'Check the indices');
    if (!Number.isFinite(vals[e])) throw new EdgegradError(op, `observation ${e} is ${vals[e]}`, 'Drop non-finite entries');
  }
  const byRow = group(rows, cols, vals, m), byCol = group(cols, rows, vals, n);
  // small random start, so rows without observations stay near 0 (the ridge pulls them there)
  const [k1, k2] = random.split(opts.key ?? random.key(0));
  const init = (k: random.Key, len: number) => {
    const b = random.bits(k, len);
    return Float64Array.from(b, (x) => ((x / 4294967296) - 0.5) * 0.2);
  };
  const U = init(k1, m * r), V = init(k2, n * r);
  // spectral start (as in Jain et al.): V spans the top right singular subspace of the
  // zero-filled observed matrix, by a few rounds of subspace iteration with Gram-Schmidt
  for (let round = 0; round < 8; round++) {
    U.fill(0);
    for (let e = 0; e < rows.length; e++) for (let a = 0; a < r; a++) U[rows[e] * r + a] += vals[e] * V[cols[e] * r + a];
    V.fill(0);
    for (let e = 0; e < rows.length; e++) for (let a = 0; a < r; a++) V[cols[e] * r + a] += vals[e] * U[rows[e] * r + a];
    for (let a = 0; a < r; a++) {
      for (let c = 0; c < a; c++) { let d = 0; for (let j = 0; j < n; j++) d += V[j * r + a] * V[j * r + c]; for (let j = 0; j < n; j++) V[j * r + a] -= d * V[j * r + c]; }
      let nv = 0; for (let j = 0; j < n; j++) nv += V[j * r + a] ** 2;
      nv = Math.sqrt(nv) || 1;
      for (let j = 0; j < n; j++) V[j * r + a] /= nv;
    }
  }
  for (let it = 0; it < iters; it++) {
    sweep(U, V, byRow.ptr, byRow.other, byRow.vals, m, r, reg, steps);
    sweep(V, U, byCol.ptr, byCol.other, byCol.vals, n, r, reg, steps);
  }
  const predictOne = (i: number, j: number) => { let s = 0; for (let a = 0; a < r; a++) s += U[i * r + a] * V[j * r + a]; return s; };
  let se = 0;
  for (let e = 0; e < rows.length; e++) se += (predictOne(rows[e], cols[e]) - vals[e]) ** 2;
  return {
    u: tensor(Float32Array.from(U), [m, r]),
    v: tensor(Float32Array.from(V), [n, r]),
    predict(pr: ArrayLike<number>, pc: ArrayLike<number>): Float32Array {
      if (pr.length !== pc.length) throw new EdgegradError('completion.altMin.predict', `rows and cols differ in length (${pr.length}, ${pc.length})`, 'Pass one column per row');
      return Float32Array.from({ length: pr.length }, (_, e) => {
        if (!(pr[e] >= 0 && pr[e] < m && pc[e] >= 0 && pc[e] < n)) throw new EdgegradError('completion.altMin.predict', `(${pr[e]}, ${pc[e]}) is outside [${m}, ${n}]`, 'Check the indices');
        return predictOne(pr[e], pc[e]);
      });
    },
    trainRmse: rows.length ? Math.sqrt(se / rows.length) : 0,
  };
}
