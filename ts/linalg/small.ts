// Host float64 linear algebra for the tiny dense problems inside the Krylov solvers (the
// Hessenberg least squares of GMRES / GCRO-DR, k×k Gram matrices, harmonic Ritz
// subspaces): at most a few dozen rows, so shipping them to a device would cost more than
// solving them here. Matrices are arrays of rows.
export type Mat = number[][];

export const zerosM = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));
export const transposeM = (a: Mat): Mat => (a.length ? a[0].map((_, j) => a.map((row) => row[j])) : []);
export function mulM(a: Mat, b: Mat): Mat {
  const out = zerosM(a.length, b[0]?.length ?? 0);
  for (let i = 0; i < a.length; i++) for (let k = 0; k < b.length; k++) { const v = a[i][k]; if (v) for (let j = 0; j < b[k].length; j++) out[i][j] += v * b[k][j]; }
  return out;
}

/** Householder QR of a (rows ≥ cols): R (cols×cols) and a function applying Qᵀ to a vector, plus thin Q. */
function householder(a: Mat): { r: Mat; vs: number[][]; rows: number; cols: number } {
  const rows = a.length, cols = a[0]?.length ?? 0;
  const w = a.map((row) => row.slice());
  const vs: number[][] = [];
  for (let j = 0; j < Math.min(cols, rows); j++) {
    let norm = 0;
    for (let i = j; i < rows; i++) norm += w[i][j] * w[i][j];
    norm = Math.sqrt(norm);
    const v = new Array<number>(rows).fill(0);
    if (norm === 0) { vs.push(v); continue; }
    const alpha = w[j][j] > 0 ? -norm : norm;
    for (let i = j; i < rows; i++) v[i] = w[i][j];
    v[j] -= alpha;
    let vn = 0;
    for (let i = j; i < rows; i++) vn += v[i] * v[i];
    if (vn === 0) { vs.push(new Array<number>(rows).fill(0)); continue; }
    for (let c = j; c < cols; c++) {
      let s = 0;
      for (let i = j; i < rows; i++) s += v[i] * w[i][c];
      const f = (2 * s) / vn;
      for (let i = j; i < rows; i++) w[i][c] -= f * v[i];
    }
    const inv = 1 / Math.sqrt(vn);
    vs.push(v.map((x) => x * inv * Math.SQRT2));
  }
  const r = zerosM(cols, cols);
  for (let i = 0; i < Math.min(cols, rows); i++) for (let j = i; j < cols; j++) r[i][j] = w[i][j];
  return { r, vs, rows, cols };
}

function applyQt(vs: number[][], x: number[]): number[] {
  const y = x.slice();
  for (const v of vs) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += v[i] * y[i];
    if (s) for (let i = 0; i < y.length; i++) y[i] -= s * v[i];
  }
  return y;
}

/** min ‖c − G y‖ for a tall G (rows ≥ cols): y and the residual norm. Rank-deficient
 *  directions (tiny pivots) get y = 0. */
export function lstsq(g: Mat, c: number[]): { y: number[]; residual: number } {
  const { r, vs, cols } = householder(g);
  const qc = applyQt(vs, c);
  const y = new Array<number>(cols).fill(0);
  const scale = Math.max(1e-300, ...r.map((row, i) => Math.abs(row[i])));
  for (let i = cols - 1; i >= 0; i--) {
    let s = qc[i];
    for (let j = i + 1; j < cols; j++) s -= r[i][j] * y[j];
    y[i] = Math.abs(r[i][i]) > 1e-13 * scale ? s / r[i][i] : 0;
  }
  let res = 0;
  for (let i = cols; i < qc.length; i++) res += qc[i] * qc[i];
  return { y, residual: Math.sqrt(res) };
}

/** Thin QR: Q (rows×cols, orthonormal columns) and R (cols×cols). */
export function qr(a: Mat): { q: Mat; r: Mat } {
  const { r, vs, rows, cols } = householder(a);
  const q = zerosM(rows, cols);
  for (let j = 0; j < cols; j++) {
    let e = new Array<number>(rows).fill(0);
    e[j] = 1;
    // Q e_j = H_0 H_1 ... e_j: apply the reflectors in reverse
    for (let t = vs.length - 1; t >= 0; t--) {
      const v = vs[t];
      let s = 0;
      for (let i = 0; i < rows; i++) s += v[i] * e[i];
      if (s) e = e.map((x, i) => x - s * v[i]);
    }
    for (let i = 0; i < rows; i++) q[i][j] = e[i];
  }
  return { q, r };
}

/** Inverse of an upper-triangular matrix (zero pivots are treated as 1: callers pass full rank). */
export function invUpper(r: Mat): Mat {
  const k = r.length, inv = zerosM(k, k);
  for (let j = 0; j < k; j++) {
    inv[j][j] = 1 / (r[j][j] || 1);
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let t = i + 1; t <= j; t++) s += r[i][t] * inv[t][j];
      inv[i][j] = -s / (r[i][i] || 1);
    }
  }
  return inv;
}

/** Solves S x = b for symmetric positive (semi)definite S by Cholesky, with a tiny diagonal
 *  shift when a pivot is not positive. */
export function spdSolve(s: Mat, b: Mat): Mat {
  const n = s.length;
  let shift = 0;
  const trace = s.reduce((a, row, i) => a + Math.abs(row[i]), 0) || 1;
  for (;;) {
    const l = zerosM(n, n);
    let ok = true;
    for (let j = 0; j < n && ok; j++) {
      let d = s[j][j] + shift;
      for (let t = 0; t < j; t++) d -= l[j][t] * l[j][t];
      if (!(d > 0)) { ok = false; break; }
      l[j][j] = Math.sqrt(d);
      for (let i = j + 1; i < n; i++) {
        let v = s[i][j];
        for (let t = 0; t < j; t++) v -= l[i][t] * l[j][t];
        l[i][j] = v / l[j][j];
      }
    }
    if (!ok) { shift = shift ? shift * 100 : 1e-12 * trace; continue; }
    return b.map((_, __) => _).length ? solveWithL(l, b) : [];
  }
}

function solveWithL(l: Mat, b: Mat): Mat {
  const n = l.length, cols = b[0].length, x = b.map((row) => row.slice());
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) { let s = x[i][c]; for (let t = 0; t < i; t++) s -= l[i][t] * x[t][c]; x[i][c] = s / l[i][i]; }
    for (let i = n - 1; i >= 0; i--) { let s = x[i][c]; for (let t = i + 1; t < n; t++) s -= l[t][i] * x[t][c]; x[i][c] = s / l[i][i]; }
  }
  return x;
}

/**
 * Basis (m×k, orthonormal) of the invariant subspace of the pencil S z = θ B z (S symmetric
 * positive definite) belonging to the k eigenvalues θ of smallest magnitude: subspace
 * iteration on S⁻¹B, whose dominant eigenvalues are 1/θ. The subspace is real even where
 * the eigenvalues come in complex pairs, which is all GCRO-DR needs from harmonic Ritz vectors.
 */
export function smallestPencilSubspace(s: Mat, b: Mat, k: number, iters = 150): Mat {
  const m = s.length;
  const sinvB = spdSolve(s, b);
  let z: Mat = zerosM(m, k);
  for (let j = 0; j < k; j++) for (let i = 0; i < m; i++) z[i][j] = i === j ? 1 : Math.sin(1 + i * 7.3 + j * 3.1) * 0.1;
  for (let it = 0; it < iters; it++) z = qr(mulM(sinvB, z)).q;
  return z;
}
