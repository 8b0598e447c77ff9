// Eigen-decomposition of a small dense symmetric matrix (the Lanczos tridiagonal T) by
// cyclic Jacobi rotations, in float64 on the CPU. Jacobi is chosen over implicit QL for
// its simplicity and its accurate eigenvectors; T is at most a few hundred rows here.

export interface SymEig { values: Float64Array; vectors: Float64Array[] /* vectors[i] = i-th eigenvector */ }

export function symmetricEigen(input: readonly (readonly number[])[]): SymEig {
  const n = input.length;
  const a = input.map((r) => Float64Array.from(r));
  const v = Array.from({ length: n }, (_, i) => { const r = new Float64Array(n); r[i] = 1; return r; });
  let scaleSq = 0;
  for (const r of a) for (const x of r) scaleSq += x * x;
  for (let sweep = 0; sweep < 64; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off <= 1e-30 * scaleSq || off === 0) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = a[p][q];
      if (apq === 0) continue;
      // the smaller root of t² + 2θt - 1 = 0 keeps the rotation angle below π/4 (stable)
      const theta = (a[q][q] - a[p][p]) / (2 * apq);
      const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) {
        const kp = a[k][p], kq = a[k][q];
        a[k][p] = c * kp - s * kq; a[k][q] = s * kp + c * kq;
      }
      for (let k = 0; k < n; k++) {
        const pk = a[p][k], qk = a[q][k];
        a[p][k] = c * pk - s * qk; a[q][k] = s * pk + c * qk;
      }
      for (let k = 0; k < n; k++) {
        const kp = v[k][p], kq = v[k][q];
        v[k][p] = c * kp - s * kq; v[k][q] = s * kp + c * kq;
      }
    }
  }
  const order = [...Array(n).keys()].sort((i, j) => a[i][i] - a[j][j]);
  return {
    values: Float64Array.from(order, (i) => a[i][i]),
    vectors: order.map((i) => Float64Array.from(v, (row) => row[i])),
  };
}

/** Eigenvalues and eigenvectors of the symmetric tridiagonal matrix with diagonal `alpha` and off-diagonal `beta`. */
export function tridiagonalEigen(alpha: readonly number[], beta: readonly number[]): SymEig {
  const n = alpha.length;
  const m = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? alpha[i] : Math.abs(i - j) === 1 ? beta[Math.min(i, j)] : 0)));
  return symmetricEigen(m);
}
