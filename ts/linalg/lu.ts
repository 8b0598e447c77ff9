// LU with partial pivoting, blocked right-looking: a host panel (pivot search, row swaps,
// unit-lower solve for the block row) and the trailing update as one matmul per block.
// solve, inv, det and slogdet are built on it.
import { block, product, subBlock } from './host.js';

const NB = 64;

export interface LU { lu: Float64Array; perm: Int32Array; sign: number; singular: boolean }

/** Factors P·a = L·U in place (L unit lower, below the diagonal; U on and above it). */
export function luHost(a: Float64Array, n: number): LU {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1, singular = false;
  for (let k = 0; k < n; k += NB) {
    const b = Math.min(NB, n - k), end = k + b;
    for (let j = k; j < end; j++) {
      let p = j, best = Math.abs(a[j * n + j]);
      for (let i = j + 1; i < n; i++) { const v = Math.abs(a[i * n + j]); if (v > best) { best = v; p = i; } }
      if (p !== j) {
        for (let c = 0; c < n; c++) { const t = a[j * n + c]; a[j * n + c] = a[p * n + c]; a[p * n + c] = t; }
        const t = perm[j]; perm[j] = perm[p]; perm[p] = t;
        sign = -sign;
      }
      const piv = a[j * n + j];
      // an exactly zero pivot column is already eliminated: skip it, as LAPACK's getrf does
      if (piv === 0) { singular = true; continue; }
      for (let i = j + 1; i < n; i++) {
        const l = (a[i * n + j] /= piv);
        if (l !== 0) for (let c = j + 1; c < end; c++) a[i * n + c] -= l * a[j * n + c];
      }
    }
    const r = n - end;
    if (r > 0) {
      for (let j = k; j < end; j++) for (let i = j + 1; i < end; i++) {
        const l = a[i * n + j];
        if (l !== 0) for (let c = end; c < n; c++) a[i * n + c] -= l * a[j * n + c];
      }
      subBlock(a, n, end, end, r, r, product(block(a, n, end, k, r, b), block(a, n, k, end, b, r), r, b, r));
    }
  }
  return { lu: a, perm, sign, singular };
}

/** Solves a·x = b for b (n×k row-major) given a's LU; returns x (n×k). */
export function luSolve({ lu, perm }: LU, b: ArrayLike<number>, n: number, k: number): Float64Array {
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) x[i * k + c] = b[perm[i] * k + c];
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    const l = lu[i * n + j];
    if (l !== 0) for (let c = 0; c < k; c++) x[i * k + c] -= l * x[j * k + c];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) {
      const u = lu[i * n + j];
      if (u !== 0) for (let c = 0; c < k; c++) x[i * k + c] -= u * x[j * k + c];
    }
    const d = lu[i * n + i];
    for (let c = 0; c < k; c++) x[i * k + c] /= d;
  }
  return x;
}

/** sign and log|det| from an LU: (0, -inf) when singular, NaN when a held NaN. */
export function luLogDet({ lu, sign }: LU, n: number): [number, number] {
  let s = sign, l = 0;
  for (let i = 0; i < n; i++) {
    const d = lu[i * n + i];
    if (Number.isNaN(d)) return [NaN, NaN];
    if (d === 0) return [0, -Infinity];
    if (d < 0) s = -s;
    l += Math.log(Math.abs(d));
  }
  return [s, l];
}
