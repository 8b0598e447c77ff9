// A cyclic Jacobi eigensolver for small symmetric matrices in float64 on the host (the
// k×k, p×p and q×q problems of CCA/PLS). eg.linalg.eigh/svd are being built on another
// branch; once they are on main this file can give way to them.

/** Eigen-decomposition of the symmetric n×n matrix a (row-major): values descending,
 *  vectors as columns of a row-major n×n array. */
export function symEig(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a), V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) { diag += A[i * n + i] ** 2; for (let j = i + 1; j < n; j++) off += A[i * n + j] ** 2; }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = A[p * n + q];
      if (apq === 0) continue;
      const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) { // A ← A·J
        const akp = A[k * n + p], akq = A[k * n + q];
        A[k * n + p] = c * akp - s * akq; A[k * n + q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) { // A ← Jᵀ·A
        const apk = A[p * n + k], aqk = A[q * n + k];
        A[p * n + k] = c * apk - s * aqk; A[q * n + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < n; k++) {
        const vkp = V[k * n + p], vkq = V[k * n + q];
        V[k * n + p] = c * vkp - s * vkq; V[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => A[y * n + y] - A[x * n + x]);
  const values = Float64Array.from(order, (i) => A[i * n + i]);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) order.forEach((src, col) => { vectors[r * n + col] = V[r * n + src]; });
  return { values, vectors };
}

/** a (r×s) · b (s×t), row-major float64. */
export function mm(a: ArrayLike<number>, b: ArrayLike<number>, r: number, s: number, t: number): Float64Array {
  const out = new Float64Array(r * t);
  for (let i = 0; i < r; i++) for (let k = 0; k < s; k++) {
    const v = a[i * s + k];
    if (v !== 0) for (let j = 0; j < t; j++) out[i * t + j] += v * b[k * t + j];
  }
  return out;
}

export function transposeHost(a: ArrayLike<number>, r: number, s: number): Float64Array {
  const out = new Float64Array(r * s);
  for (let i = 0; i < r; i++) for (let j = 0; j < s; j++) out[j * r + i] = a[i * s + j];
  return out;
}
