// Dense CCA and PLS-SVD: covariances on the device (one matmul each), the small
// eigenproblems in float64 on the host. Semantics: shared/API.md "Multiview".
import type { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';
import * as o from '../ops/index.js';
import { scope } from '../memory.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { assertTensor } from '../ops/util.js';
import { eighHost } from '../linalg/eigh.js';
import { product64 as mm, transposed } from '../linalg/host.js';

/** Eigenpairs of a small symmetric float64 matrix, largest first (vectors as columns). */
function symEig(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const { values, vectors } = eighHost(Float64Array.from(a), n, 'multiview'); // it works in place
  const rev = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < n; c++) rev[i * n + c] = vectors[i * n + n - 1 - c];
  return { values: values.reverse(), vectors: rev };
}

export interface CCAResult { xWeights: Tensor; yWeights: Tensor; correlations: Tensor }
export interface PLSResult { xWeights: Tensor; yWeights: Tensor; covariances: Tensor }

function checkViews(op: string, X: Tensor, Y: Tensor, k: unknown): { n: number; p: number; q: number; k: number } {
  assertTensor(op, X, 'X'); assertTensor(op, Y, 'Y');
  if (X.rank !== 2 || Y.rank !== 2 || X.shape[0] !== Y.shape[0])
    throw new EdgegradError(op, `X and Y must be [n, p] and [n, q] with the same n, got X ${fmtShape(X.shape)}, Y ${fmtShape(Y.shape)}`, 'Pass one row per sample in both views');
  const [n, p] = X.shape, q = Y.shape[1];
  if (n < 2) throw new EdgegradError(op, `need at least 2 samples, got ${n}`, 'Pass more rows');
  if (!(Number.isInteger(k) && (k as number) >= 1 && (k as number) <= Math.min(p, q)))
    throw new EdgegradError(op, `k must be an integer in 1..min(p, q) = ${Math.min(p, q)}, got ${String(k)}`, 'Pass { k } no larger than either view has columns');
  return { n, p, q, k: k as number };
}

/** Centred covariance blocks (divided by n − 1), read to float64 on the host synchronously. */
export function covariances(op: string, X: Tensor, Y: Tensor): { xx: Float64Array; yy: Float64Array; xy: Float64Array } {
  const n = X.shape[0];
  const [sxx, syy, sxy] = scope(() => {
    const xc = o.sub(X, o.mean(X, 0, true)), yc = o.sub(Y, o.mean(Y, 0, true));
    const cov = (a: Tensor, b: Tensor) => o.div(o.matmul(a, b, { transposeA: true }), n - 1);
    return [cov(xc, xc), cov(yc, yc), cov(xc, yc)];
  });
  if (sxx.device === 'webgpu') {
    sxx.dispose(); syy.dispose(); sxy.dispose();
    throw new EdgegradError(op, 'the views live on the GPU, and this synchronous solver reads their covariances on the host', 'Create X and Y on a CPU backend (or read them with await t.data() and make CPU tensors below the webgpu threshold)');
  }
  const out = [sxx.dataSync(), syy.dataSync(), sxy.dataSync()];
  sxx.dispose(); syy.dispose(); sxy.dispose();
  for (const d of out) if (d.some((v) => !Number.isFinite(v))) throw new EdgegradError(op, 'the data contain NaN or infinite values', 'Clean or impute the data first');
  return { xx: Float64Array.from(out[0]), yy: Float64Array.from(out[1]), xy: Float64Array.from(out[2]) };
}

/** S^(−1/2) of a symmetric positive definite matrix (with ridge reg added to its diagonal). */
function invSqrt(op: string, S: Float64Array, d: number, reg: number, view: string): Float64Array {
  const A = Float64Array.from(S);
  for (let i = 0; i < d; i++) A[i * d + i] += reg;
  const { values, vectors } = symEig(A, d);
  const top = Math.max(values[0], 0);
  if (!(values[d - 1] > 1e-10 * top) || top === 0)
    throw new EdgegradError(op, `the covariance of ${view} is singular (smallest eigenvalue ${values[d - 1].toExponential(2)}, largest ${top.toExponential(2)})`, 'Pass a ridge, e.g. { reg: 1e-3 }, or drop collinear columns');
  const out = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const s = 1 / Math.sqrt(values[c]);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] += vectors[i * d + c] * s * vectors[j * d + c];
  }
  return out;
}

/** Each x-column's largest-magnitude entry made positive; the y-column follows. */
function fixSigns(wx: Float64Array, wy: Float64Array, p: number, q: number, k: number): void {
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let i = 0; i < p; i++) if (Math.abs(wx[i * k + c]) > Math.abs(best)) best = wx[i * k + c];
    if (best < 0) { for (let i = 0; i < p; i++) wx[i * k + c] *= -1; for (let j = 0; j < q; j++) wy[j * k + c] *= -1; }
  }
}

/** Top-k singular triplets of a (r×s) from the eigenproblem of a·aᵀ: u (r×k), s, v (s×k). */
function topSvd(a: Float64Array, r: number, s: number, k: number): { u: Float64Array; sv: Float64Array; v: Float64Array } {
  const at = transposed(a, r, s);
  const { values, vectors } = symEig(mm(a, at, r, s, r), r);
  const u = new Float64Array(r * k), sv = new Float64Array(k), v = new Float64Array(s * k);
  const atu = mm(at, vectors, s, r, r);
  for (let c = 0; c < k; c++) {
    sv[c] = Math.sqrt(Math.max(values[c], 0));
    for (let i = 0; i < r; i++) u[i * k + c] = vectors[i * r + c];
    let nv = 0;
    for (let j = 0; j < s; j++) nv += atu[j * r + c] ** 2;
    nv = Math.sqrt(nv) || 1;
    for (let j = 0; j < s; j++) v[j * k + c] = atu[j * r + c] / nv;
  }
  return { u, sv, v };
}

/** Canonical correlation analysis of two views (columns centred inside). */
export function cca(X: Tensor, Y: Tensor, opts: { k: number; reg?: number }): CCAResult {
  const op = 'multiview.cca';
  const { p, q, k } = checkViews(op, X, Y, opts?.k);
  const reg = opts.reg ?? 0;
  if (!(reg >= 0) || !Number.isFinite(reg)) throw new EdgegradError(op, `reg must be a finite number >= 0, got ${reg}`, 'Pass { reg: 0 } or a small ridge');
  const { xx, yy, xy } = covariances(op, X, Y);
  const ix = invSqrt(op, xx, p, reg, 'X'), iy = invSqrt(op, yy, q, reg, 'Y');
  const T = mm(mm(ix, xy, p, p, q), iy, p, q, q);
  const { u, sv, v } = topSvd(T, p, q, k);
  const wx = mm(ix, u, p, p, k), wy = mm(iy, v, q, q, k);
  // unit variance of each projection under the (unregularised) covariance
  const scaleCols = (w: Float64Array, S: Float64Array, d: number) => {
    const Sw = mm(S, w, d, d, k);
    for (let c = 0; c < k; c++) {
      let var_ = 0;
      for (let i = 0; i < d; i++) var_ += w[i * k + c] * Sw[i * k + c];
      const f = var_ > 0 ? 1 / Math.sqrt(var_) : 1;
      for (let i = 0; i < d; i++) w[i * k + c] *= f;
    }
  };
  scaleCols(wx, xx, p); scaleCols(wy, yy, q);
  fixSigns(wx, wy, p, q, k);
  // correlations of the returned projections (equal to the singular values when reg = 0)
  const corr = new Float64Array(k);
  const Sxy = mm(xy, wy, p, q, k);
  for (let c = 0; c < k; c++) { let s = 0; for (let i = 0; i < p; i++) s += wx[i * k + c] * Sxy[i * k + c]; corr[c] = reg === 0 ? sv[c] : s; }
  return { xWeights: tensor(Float32Array.from(wx), [p, k]), yWeights: tensor(Float32Array.from(wy), [q, k]), correlations: tensor(Float32Array.from(corr), [k]) };
}

/** PLS-SVD: the top-k singular vectors and values of the centred XᵀY/(n − 1). */
export function pls(X: Tensor, Y: Tensor, opts: { k: number }): PLSResult {
  const op = 'multiview.pls';
  const { p, q, k } = checkViews(op, X, Y, opts?.k);
  const { xy } = covariances(op, X, Y);
  const { u, sv, v } = topSvd(xy, p, q, k);
  fixSigns(u, v, p, q, k);
  return { xWeights: tensor(Float32Array.from(u), [p, k]), yWeights: tensor(Float32Array.from(v), [q, k]), covariances: tensor(Float32Array.from(sv), [k]) };
}
