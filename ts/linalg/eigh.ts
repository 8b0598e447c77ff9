// Symmetric eigendecomposition: Householder reduction to tridiagonal form (float64, host),
// then implicit QL with Wilkinson shifts, each rotation applied to the accumulated basis.
// Vectors are kept as rows (vecs[i] = i-th basis column) so a rotation touches two
// contiguous rows.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import { checkMatrix, fromHost, readBatch } from './host.js';
import { multiOutput } from './outputs.js';

export interface HostEigh { values: Float64Array; vectors: Float64Array /* n×n row-major, columns are vectors */ }

/** Householder tridiagonalisation of the symmetric a (lower triangle used), in place. Returns d, e (e[i] couples i, i+1) and Qᵀ rows. */
function tridiagonalize(a: Float64Array, n: number): { d: Float64Array; e: Float64Array; qt: Float64Array } {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i];
  const d = new Float64Array(n), e = new Float64Array(n);
  const vs: Float64Array[] = [], taus: number[] = [];
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // reflector for x = a[k+1.., k]
    const alpha = a[(k + 1) * n + k];
    let sigma = 0;
    for (let i = k + 2; i < n; i++) sigma += a[i * n + k] ** 2;
    const v = new Float64Array(n);
    d[k] = a[k * n + k];
    if (sigma === 0) { e[k] = alpha; vs.push(v); taus.push(0); continue; }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.sqrt(alpha * alpha + sigma);
    const tau = (beta - alpha) / beta, scale = 1 / (alpha - beta);
    v[k + 1] = 1;
    for (let i = k + 2; i < n; i++) v[i] = a[i * n + k] * scale;
    e[k] = beta;
    // A22 ← H·A22·H with H = I − τ v vᵀ: p = τ A22 v, w = p − (τ/2)(pᵀv) v, A22 −= v wᵀ + w vᵀ
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = k + 1; j < n; j++) s += a[row + j] * v[j];
      p[i] = tau * s;
      pv += p[i] * v[i];
    }
    const K = 0.5 * tau * pv;
    for (let i = k + 1; i < n; i++) p[i] -= K * v[i];
    for (let i = k + 1; i < n; i++) {
      const vi = v[i], wi = p[i], row = i * n;
      for (let j = k + 1; j < n; j++) a[row + j] -= vi * p[j] + wi * v[j];
    }
    vs.push(v); taus.push(tau);
  }
  if (n >= 2) { d[n - 2] = a[(n - 2) * n + n - 2]; e[n - 2] = a[(n - 1) * n + n - 2]; }
  d[n - 1] = a[(n - 1) * n + n - 1];
  // Q = H_0·H_1···: row i of Qᵀ is column i of Q; build Qᵀ = ···H_1·H_0 applied to I from the right in reverse
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  for (let k = vs.length - 1; k >= 0; k--) {
    const v = vs[k], tau = taus[k];
    if (tau === 0) continue;
    // Q ← H_k·Q, i.e. for each column c of Q (row c of Qᵀ): c ← c − τ (vᵀc) v
    for (let c = k + 1; c < n; c++) {
      const row = c * n;
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i] * qt[row + i];
      if (s === 0) continue;
      s *= tau;
      for (let i = k + 1; i < n; i++) qt[row + i] -= s * v[i];
    }
  }
  return { d, e, qt };
}

/** Implicit QL on (d, e); rotations applied to the rows of zt. Throws after 60 sweeps on one eigenvalue. */
function tridiagonalQL(d: Float64Array, e: Float64Array, zt: Float64Array, n: number, op: string): void {
  for (let l = 0; l < n; l++) {
    let iter = 0, m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= 2.2e-16 * dd) break;
      }
      if (m === l) break;
      if (iter++ === 60) throw new EdgegradError(op, 'the QL iteration did not converge (NaN or Inf in the input?)', 'Check the input for NaN/Inf');
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0, i: number;
      let underflow = false;
      for (i = m - 1; i >= l; i--) {
        const f = s * e[i], b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) { d[i + 1] -= p; e[m] = 0; underflow = true; break; }
        s = f / r; c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        const ri = i * n, rj = (i + 1) * n;
        for (let k = 0; k < n; k++) {
          const x = zt[ri + k], y = zt[rj + k];
          zt[rj + k] = s * x + c * y;
          zt[ri + k] = c * x - s * y;
        }
      }
      if (underflow) continue;
      d[l] -= p; e[l] = g; e[m] = 0;
    } while (m !== l);
  }
}

export function eighHost(a: Float64Array, n: number, op = 'linalg.eigh'): HostEigh {
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(a[i])) {
    const nan = new Float64Array(n * n).fill(NaN);
    return { values: new Float64Array(n).fill(NaN), vectors: nan };
  }
  const { d, e, qt } = tridiagonalize(a, n);
  tridiagonalQL(d, e, qt, n, op);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const values = Float64Array.from(order, (i) => d[i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, j) => { for (let k = 0; k < n; k++) vectors[k * n + j] = qt[src * n + k]; });
  return { values, vectors };
}

/** eg.linalg.eigh(a) -> { values [..., n] ascending, vectors [..., n, n] (columns) }; reads the lower triangle. NaN in, NaN out. */
export function eigh(a: Tensor): { values: Tensor; vectors: Tensor } {
  checkMatrix('linalg.eigh', a, true);
  const n = a.shape[a.rank - 1], batch = a.shape.slice(0, -2);
  const [vectors, values] = multiOutput('eigh', [a], {}, [[...batch, n, n], [...batch, n]], () => {
    const es = readBatch('linalg.eigh', a).mats.map((m) => eighHost(m, n));
    return [fromHost(es.map((x) => x.vectors), [...batch, n, n]), fromHost(es.map((x) => x.values), [...batch, n])];
  });
  return { values, vectors };
}
