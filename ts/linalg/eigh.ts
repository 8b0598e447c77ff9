// Symmetric eigendecomposition: blocked Householder reduction to tridiagonal form (its
// trailing updates on the SIMD matmul),
// eigenvalues by implicit QL with Wilkinson shifts, eigenvectors of the tridiagonal by inverse
// iteration, and the back-transformation by the reflectors as block (compact-WY) matmuls.
import { EdgegradError } from '../../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import { block, checkMatrix, fromHost, product, readBatch, subBlock } from './host.js';
import { applyBlock } from './qr.js';
import { multiOutput } from './outputs.js';

export interface HostEigh { values: Float64Array; vectors: Float64Array /* n×n row-major, columns are vectors */ }

const NB = 32;

interface Tridiagonal { d: Float64Array; e: Float64Array; h: Float64Array /* (n-1)² reflectors, QR layout, unit at row k */; tau: Float64Array }

/**
 * Blocked Householder tridiagonalisation of the symmetric a (lower triangle used), in the
 * manner of LAPACK's sytrd/latrd: within a panel, the reflectors' rank-2 updates are kept as
 * V, W and applied to each new column and to A·v on the fly; after the panel, the trailing
 * matrix takes A −= V·Wᵀ + W·Vᵀ as one matmul.
 */
function tridiagonalize(a: Float64Array, n: number): Tridiagonal {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i];
  const d = new Float64Array(n), e = new Float64Array(n), m1 = Math.max(n - 1, 0);
  const h = new Float64Array(m1 * m1), tau = new Float64Array(m1);
  for (let k0 = 0; k0 < n - 2; k0 += NB) {
    const b = Math.min(NB, n - 2 - k0), sz = n - k0;
    // A·v is a host product in float64: measured, a matmul launch per column (upload v, read
    // back A·v) costs more than it saves at these sizes
    const a0 = block(a, n, k0, k0, sz, sz);
    const mv = (v: Float64Array, from: number): Float64Array => {
      const y = new Float64Array(sz);
      for (let i = from; i < sz; i++) { let s = 0; const row = i * sz; for (let j = from; j < sz; j++) s += a0[row + j] * v[j]; y[i] = s; }
      return y;
    };
    const V = new Float64Array(sz * b), W = new Float64Array(sz * b); // row i = matrix row k0 + i
    for (let jj = 0; jj < b; jj++) {
      const j = k0 + jj, jr = j - k0;
      for (let i = j; i < n; i++) {
        const ir = i - k0;
        let s = 0;
        for (let q = 0; q < jj; q++) s += V[ir * b + q] * W[jr * b + q] + W[ir * b + q] * V[jr * b + q];
        a[i * n + j] -= s;
      }
      d[j] = a[j * n + j];
      const alpha = a[(j + 1) * n + j];
      let sigma = 0;
      for (let i = j + 2; i < n; i++) sigma += a[i * n + j] ** 2;
      if (sigma === 0) { e[j] = alpha; continue; }
      const beta = -(alpha >= 0 ? 1 : -1) * Math.sqrt(alpha * alpha + sigma);
      const t = (beta - alpha) / beta, scale = 1 / (alpha - beta);
      const v = new Float64Array(sz);
      v[jr + 1] = 1;
      for (let i = j + 2; i < n; i++) { v[i - k0] = a[i * n + j] * scale; h[(i - 1) * m1 + j] = v[i - k0]; }
      e[j] = beta; tau[j] = t;
      // w = τ·A_cur·v − (τ/2)(vᵀ·τA_cur·v)·v, with A_cur = A0 − V·Wᵀ − W·Vᵀ over this panel's earlier columns
      const y = mv(v, jr + 1);
      for (let q = 0; q < jj; q++) {
        let wv = 0, vv = 0;
        for (let i = jr + 1; i < sz; i++) { wv += W[i * b + q] * v[i]; vv += V[i * b + q] * v[i]; }
        if (wv !== 0 || vv !== 0) for (let i = 0; i < sz; i++) y[i] -= V[i * b + q] * wv + W[i * b + q] * vv;
      }
      let pv = 0;
      for (let i = 0; i < sz; i++) { y[i] *= t; pv += y[i] * v[i]; }
      const K = 0.5 * t * pv;
      for (let i = 0; i < sz; i++) { V[i * b + jj] = v[i]; W[i * b + jj] = y[i] - K * v[i]; }
    }
    const rs = sz - b;
    if (rs > 0) {
      const vw = new Float64Array(rs * 2 * b), wv = new Float64Array(rs * 2 * b);
      for (let i = 0; i < rs; i++) for (let q = 0; q < b; q++) {
        const src = (b + i) * b + q, dst = i * 2 * b;
        vw[dst + q] = V[src]; vw[dst + b + q] = W[src];
        wv[dst + q] = W[src]; wv[dst + b + q] = V[src];
      }
      subBlock(a, n, k0 + b, k0 + b, rs, rs, product(vw, wv, rs, 2 * b, rs, false, true));
    }
  }
  if (n >= 2) { d[n - 2] = a[(n - 2) * n + n - 2]; e[n - 2] = a[(n - 1) * n + n - 2]; }
  if (n >= 1) d[n - 1] = a[(n - 1) * n + n - 1];
  return { d, e, h, tau };
}

/**
 * Eigenvectors of the tridiagonal (d, e) for its sorted eigenvalues w, by inverse iteration
 * (LAPACK stein's scheme): an LU with partial pivoting of T − λI, a few solves from a fixed
 * pseudo-random start, and Gram–Schmidt against the earlier vectors of the same cluster of
 * close eigenvalues (LAPACK uses 1e-3·‖T‖ for double results; float32 results need far less). Row j of the result is the j-th vector.
 */
function tridiagonalVectors(d: Float64Array, e: Float64Array, w: Float64Array, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i ? Math.abs(e[i - 1]) : 0));
  const eps = 2.2e-16, tiny = Math.max(eps * norm, 1e-300), sep = 10 * eps * norm;
  const z = new Float64Array(n * n);
  const u0 = new Float64Array(n), u1 = new Float64Array(n), u2 = new Float64Array(n), mult = new Float64Array(n);
  const swap = new Uint8Array(n), x = new Float64Array(n);
  let cluster = 0, prev = -Infinity, seed = 0x2545f491;
  for (let j = 0; j < n; j++) {
    // Vectors of eigenvalues more than 1e-6·‖T‖ apart come out orthogonal to ~eps/1e-6, far below
    // float32 resolution; closer ones (a cluster) are orthogonalised explicitly
    if (j > 0 && w[j] - w[j - 1] > 1e-6 * norm) cluster = j;
    const lam = j > 0 && w[j] - prev < sep ? prev + sep : w[j];
    prev = lam;
    // LU of T − λI with row interchanges: U has two superdiagonals
    let r0 = d[0] - lam, r1 = n > 1 ? e[0] : 0, r2 = 0;
    for (let k = 0; k < n - 1; k++) {
      let s0 = e[k], s1 = d[k + 1] - lam, s2 = k + 1 < n - 1 ? e[k + 1] : 0;
      if (Math.abs(s0) > Math.abs(r0)) { [r0, s0] = [s0, r0]; [r1, s1] = [s1, r1]; [r2, s2] = [s2, r2]; swap[k] = 1; } else swap[k] = 0;
      if (Math.abs(r0) < tiny) r0 = r0 < 0 ? -tiny : tiny;
      const l = s0 / r0;
      mult[k] = l; u0[k] = r0; u1[k] = r1; u2[k] = r2;
      r0 = s1 - l * r1; r1 = s2 - l * r2; r2 = 0;
    }
    if (Math.abs(r0) < tiny) r0 = r0 < 0 ? -tiny : tiny;
    u0[n - 1] = r0;
    for (let i = 0; i < n; i++) { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; x[i] = seed / 4294967296 - 0.5; }
    for (let it = 0; it < 4; it++) {
      for (let k = 0; k < n - 1; k++) {
        if (swap[k]) { const t = x[k]; x[k] = x[k + 1]; x[k + 1] = t; }
        x[k + 1] -= mult[k] * x[k];
      }
      for (let k = n - 1; k >= 0; k--) x[k] = (x[k] - (k + 1 < n ? u1[k] * x[k + 1] : 0) - (k + 2 < n ? u2[k] * x[k + 2] : 0)) / u0[k];
      for (let pass = 0; pass < 2; pass++) for (let q = cluster; q < j; q++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += z[q * n + i] * x[i];
        for (let i = 0; i < n; i++) x[i] -= dot * z[q * n + i];
      }
      let s = 0;
      for (let i = 0; i < n; i++) s = Math.max(s, Math.abs(x[i]));
      for (let i = 0; i < n; i++) x[i] /= s; // scale first: the solve can overflow a plain 2-norm
      s = 0;
      for (let i = 0; i < n; i++) s += x[i] * x[i];
      s = Math.sqrt(s);
      for (let i = 0; i < n; i++) x[i] /= s;
    }
    z.set(x, j * n);
  }
  return z;
}

/** Implicit QL on (d, e); rotations applied to the rows of zt. Throws after 60 sweeps on one eigenvalue. */
function tridiagonalQL(d: Float64Array, e: Float64Array, zt: Float64Array | null, n: number, op: string): void {
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
        if (!zt) continue;
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

/** V = Q·Z with Q = H_0·H_1··· from the tridiagonalisation, block by block (last first) as matmuls. */
function backTransform(zt: Float64Array, h: Float64Array, tau: Float64Array, n: number): Float64Array {
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) v[i * n + j] = zt[j * n + i];
  if (n < 3) return v;
  const rows = v.subarray(n); // the reflectors act on rows 1..n-1
  const starts: number[] = [];
  for (let j0 = 0; j0 < n - 2; j0 += NB) starts.push(j0);
  for (const j0 of starts.reverse()) applyBlock(h, n - 1, n - 1, j0, Math.min(NB, n - 2 - j0), tau, rows, n, 0, n, false);
  return v;
}

export function eighHost(a: Float64Array, n: number, op = 'linalg.eigh'): HostEigh {
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(a[i])) {
    const nan = new Float64Array(n * n).fill(NaN);
    return { values: new Float64Array(n).fill(NaN), vectors: nan };
  }
  const { d, e, h, tau } = tridiagonalize(a, n);
  const values = d.slice();
  tridiagonalQL(values, e.slice(), null, n, op);
  values.sort();
  return { values, vectors: backTransform(tridiagonalVectors(d, e, values, n), h, tau, n) };
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
