// Reduced SVD by one-sided (Hestenes) Jacobi in float64: the singular values are the norms of
// a·V's orthogonalised columns, accurate for small singular values, which an eigendecomposition
// of the Gram matrix alone is not. For larger matrices that eigendecomposition only
// preconditions: a·V0 starts nearly orthogonal and Jacobi finishes in a sweep or two. Small
// tall matrices are first reduced to their n×n R by the blocked QR.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import { checkMatrix, fromHost, product, readBatch, transposed } from './host.js';
import { multiOutput } from './outputs.js';
import { formQ, formR, qrHost } from './qr.js';
import { eighHost } from './eigh.js';

/** From this many columns on, Jacobi starts from the Gram matrix's eigenvectors. */
const PRECONDITION_MIN = 48;

export interface HostSVD { u: Float64Array /* m×k */; s: Float64Array; vt: Float64Array /* k×n */ }

/** Columns are orthogonal for SVD purposes once every cosine is below this: float32 results cannot resolve less. */
const ORTHO_TOL = 1e-7;

/**
 * One-sided Jacobi on a (m×n, m ≥ n): a·V has orthogonal columns; their norms are the singular
 * values. `v0` (n×n, row-major) starts V from a preconditioner (a·v0 already nearly orthogonal).
 */
function jacobi(a: Float64Array, m: number, n: number, op: string, v0?: Float64Array): HostSVD {
  const u = transposed(a, m, n); // column j of a·V is row j of u
  const v = v0 ? transposed(v0, n, n) : new Float64Array(n * n); // row j = column j of V
  if (!v0) for (let j = 0; j < n; j++) v[j * n + j] = 1;
  const sq = new Float64Array(n); // squared column norms, kept up to date by the rotations
  for (let j = 0; j < n; j++) { let s = 0; for (let i = 0; i < m; i++) s += u[j * m + i] ** 2; sq[j] = s; }
  let converged = n < 2;
  for (let sweep = 0; sweep < 60 && !converged; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) {
      const P = p * m, Q = q * m, alpha = sq[p], beta = sq[q];
      if (alpha === 0 || beta === 0) continue;
      let gamma = 0;
      for (let i = 0; i < m; i++) gamma += u[P + i] * u[Q + i];
      if (Math.abs(gamma) <= ORTHO_TOL * Math.sqrt(alpha * beta)) continue;
      rotated = true;
      const zeta = (beta - alpha) / (2 * gamma);
      const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
      const c = 1 / Math.sqrt(1 + t * t), s = c * t;
      let np = 0, nq = 0;
      for (let i = 0; i < m; i++) {
        const x = u[P + i], y = u[Q + i], xp = c * x - s * y, yq = s * x + c * y;
        u[P + i] = xp; u[Q + i] = yq; np += xp * xp; nq += yq * yq;
      }
      sq[p] = np; sq[q] = nq;
      const VP = p * n, VQ = q * n;
      for (let i = 0; i < n; i++) { const x = v[VP + i], y = v[VQ + i]; v[VP + i] = c * x - s * y; v[VQ + i] = s * x + c * y; }
    }
    converged = !rotated;
  }
  if (!converged) throw new EdgegradError(op, 'one-sided Jacobi did not converge in 60 sweeps', 'Check the input for NaN/Inf');
  const norms = Array.from({ length: n }, (_, j) => { let s = 0; for (let i = 0; i < m; i++) s += u[j * m + i] ** 2; return Math.sqrt(s); });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const s = Float64Array.from(order, (j) => norms[j]);
  const uo = new Float64Array(m * n), vt = new Float64Array(n * n);
  order.forEach((src, k) => {
    for (let i = 0; i < m; i++) uo[i * n + k] = norms[src] > 0 ? u[src * m + i] / norms[src] : 0;
    for (let i = 0; i < n; i++) vt[k * n + i] = v[src * n + i];
  });
  completeColumns(uo, m, n, s);
  return { u: uo, s, vt };
}

/** Columns of u (m×n) for zero singular values get orthonormal completions (Gram–Schmidt over unit vectors). */
function completeColumns(u: Float64Array, m: number, n: number, s: Float64Array): void {
  let e = 0;
  for (let k = 0; k < n; k++) {
    if (s[k] > 0) continue;
    for (; e < m; e++) {
      const x = new Float64Array(m);
      x[e] = 1;
      for (let pass = 0; pass < 2; pass++) for (let j = 0; j < n; j++) {
        if (j === k) continue;
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i * n + j] * x[i];
        for (let i = 0; i < m; i++) x[i] -= d * u[i * n + j];
      }
      const nrm = Math.hypot(...x);
      if (nrm > 0.5) { for (let i = 0; i < m; i++) u[i * n + k] = x[i] / nrm; e++; break; }
    }
  }
}

export function svdHost(a: Float64Array, m: number, n: number, op = 'linalg.svd'): HostSVD {
  for (let i = 0; i < m * n; i++) if (!Number.isFinite(a[i])) {
    const k = Math.min(m, n);
    return { u: new Float64Array(m * k).fill(NaN), s: new Float64Array(k).fill(NaN), vt: new Float64Array(k * n).fill(NaN) };
  }
  if (m < n) {
    const t = svdHost(transposed(a, m, n), n, m, op);
    return { u: transposed(t.vt, m, m), s: t.s, vt: transposed(t.u, n, m) };
  }
  if (n >= PRECONDITION_MIN) {
    // the Gram matrix's eigenvectors make a's columns nearly orthogonal, so Jacobi needs a sweep or two
    const v0 = eighHost(Float64Array.from(product(a, a, n, m, n, true)), n, op).vectors;
    return jacobi(Float64Array.from(product(a, v0, m, n, n)), m, n, op, v0);
  }
  if (m === n) return jacobi(a, m, n, op);
  const f = qrHost(a, m, n);
  const inner = jacobi(formR(f), n, n, op);
  return { u: Float64Array.from(product(formQ(f), inner.u, m, n, n)), s: inner.s, vt: inner.vt };
}

/** eg.linalg.svd(a) -> { u [..., m, k], s [..., k] descending, vt [..., k, n] }, k = min(m, n). */
export function svd(a: Tensor): { u: Tensor; s: Tensor; vt: Tensor } {
  checkMatrix('linalg.svd', a, false);
  const m = a.shape[a.rank - 2], n = a.shape[a.rank - 1], k = Math.min(m, n), batch = a.shape.slice(0, -2);
  const [u, s, vt] = multiOutput('svd', [a], {}, [[...batch, m, k], [...batch, k], [...batch, k, n]], () => {
    const r = readBatch('linalg.svd', a).mats.map((x) => svdHost(x, m, n));
    return [fromHost(r.map((x) => x.u), [...batch, m, k]), fromHost(r.map((x) => x.s), [...batch, k]), fromHost(r.map((x) => x.vt), [...batch, k, n])];
  });
  return { u, s, vt };
}
