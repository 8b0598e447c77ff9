// Householder QR with the compact-WY trailing update: each panel's reflectors are factored
// on the host, gathered as I − V·T·Vᵀ, and applied to the rest of the matrix (and later to
// build Q) with matmuls.
import { defOp } from '../autodiff/tape.js';
import type { Tensor } from '../tensor.js';
import { checkMatrix, fromHost, product, readBatch } from './host.js';
import { multiOutput } from './outputs.js';

const NB = 32;

export interface HouseholderQR { a: Float64Array; m: number; n: number; tau: Float64Array }

/** Factors a (m×n) in place: R on and above the diagonal, reflector tails below it. */
export function qrHost(a: Float64Array, m: number, n: number): HouseholderQR {
  const k = Math.min(m, n), tau = new Float64Array(k);
  for (let j0 = 0; j0 < k; j0 += NB) {
    const b = Math.min(NB, k - j0), end = j0 + b;
    for (let j = j0; j < end; j++) {
      tau[j] = reflect(a, m, n, j);
      // apply H_j to the rest of the panel
      if (tau[j] !== 0) for (let c = j + 1; c < end; c++) {
        let w = a[j * n + c];
        for (let i = j + 1; i < m; i++) w += a[i * n + j] * a[i * n + c];
        w *= tau[j];
        a[j * n + c] -= w;
        for (let i = j + 1; i < m; i++) a[i * n + c] -= w * a[i * n + j];
      }
    }
    if (end < n) applyBlock(a, n, m, j0, b, tau, a, n, end, n - end, true);
  }
  return { a, m, n, tau };
}

/** Householder vector for column j of a, rows j..m: returns tau, leaves beta and v's tail in a. */
function reflect(a: Float64Array, m: number, n: number, j: number): number {
  const alpha = a[j * n + j];
  let sigma = 0;
  for (let i = j + 1; i < m; i++) sigma += a[i * n + j] ** 2;
  if (sigma === 0) return 0;
  const beta = -(alpha >= 0 ? 1 : -1) * Math.sqrt(alpha * alpha + sigma);
  const scale = 1 / (alpha - beta);
  for (let i = j + 1; i < m; i++) a[i * n + j] *= scale;
  a[j * n + j] = beta;
  return (beta - alpha) / beta;
}

/**
 * Applies the block of reflectors j0..j0+b (stored in `h`, ld hn, m rows) to columns c0..c0+nc
 * of `c` (ld cn), rows j0..m: with H = I − V·T·Vᵀ, Hᵀ·C when `transpose` (building R), H·C otherwise (building Q).
 */
export function applyBlock(h: Float64Array, hn: number, m: number, j0: number, b: number, tau: Float64Array, c: Float64Array, cn: number, c0: number, nc: number, transpose: boolean): void {
  const rows = m - j0;
  const v = new Float64Array(rows * b);
  for (let q = 0; q < b; q++) {
    v[q * b + q] = 1;
    for (let i = q + 1; i < rows; i++) v[i * b + q] = h[(j0 + i) * hn + j0 + q];
  }
  // T upper triangular with H_0·H_1···H_{b-1} = I − V·T·Vᵀ
  const t = new Float64Array(b * b);
  for (let q = 0; q < b; q++) {
    t[q * b + q] = tau[j0 + q];
    if (q === 0) continue;
    const vv = new Float64Array(q);
    for (let p = 0; p < q; p++) { let s = 0; for (let i = q; i < rows; i++) s += v[i * b + p] * v[i * b + q]; vv[p] = s; }
    for (let r = 0; r < q; r++) { let s = 0; for (let p = r; p < q; p++) s += t[r * b + p] * vv[p]; t[r * b + q] = -tau[j0 + q] * s; }
  }
  const cc = new Float64Array(rows * nc);
  for (let i = 0; i < rows; i++) for (let j = 0; j < nc; j++) cc[i * nc + j] = c[(j0 + i) * cn + c0 + j];
  const w = product(v, cc, b, rows, nc, true); // Vᵀ·C
  const tw = new Float64Array(b * nc);
  for (let r = 0; r < b; r++) for (let p = 0; p < b; p++) {
    const x = transpose ? t[p * b + r] : t[r * b + p];
    if (x !== 0) for (let j = 0; j < nc; j++) tw[r * nc + j] += x * w[p * nc + j];
  }
  const d = product(v, tw, rows, b, nc);
  for (let i = 0; i < rows; i++) for (let j = 0; j < nc; j++) c[(j0 + i) * cn + c0 + j] -= d[i * nc + j];
}

/** Q (m×k, k = min(m, n)) from the reflectors, applying the blocks last to first to [I; 0]. */
export function formQ({ a, m, n, tau }: HouseholderQR): Float64Array {
  const k = Math.min(m, n), q = new Float64Array(m * k);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  const starts: number[] = [];
  for (let j0 = 0; j0 < k; j0 += NB) starts.push(j0);
  for (const j0 of starts.reverse()) applyBlock(a, n, m, j0, Math.min(NB, k - j0), tau, q, k, j0, k - j0, false);
  return q;
}

/** R (k×n) from the factored matrix. */
export function formR({ a, m, n }: HouseholderQR): Float64Array {
  const k = Math.min(m, n), r = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) r[i * n + j] = a[i * n + j];
  return r;
}

/** eg.linalg.qr(a) -> { q [..., m, k], r [..., k, n] }, k = min(m, n) (reduced). */
export function qr(a: Tensor): { q: Tensor; r: Tensor } {
  checkMatrix('linalg.qr', a, false);
  const m = a.shape[a.rank - 2], n = a.shape[a.rank - 1], k = Math.min(m, n), batch = a.shape.slice(0, -2);
  const [q, r] = multiOutput('qr', [a], {}, [[...batch, m, k], [...batch, k, n]], () => {
    const fs = readBatch('linalg.qr', a).mats.map((x) => qrHost(x, m, n));
    return [fromHost(fs.map(formQ), [...batch, m, k]), fromHost(fs.map(formR), [...batch, k, n])];
  });
  return { q, r };
}
