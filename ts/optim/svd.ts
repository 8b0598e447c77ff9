// A small CPU-side SVD for lowRankSVD (GaLore-style projections): one-sided Jacobi on the
// host copy of a gradient matrix. O(sweeps · rows · cols²): meant for the modest layer
// sizes this library trains at the edge, not for large matrices.

/**
 * The top-r right singular vectors of A (rows × cols, row-major, cols <= rows), as a
 * cols × r row-major matrix, and all singular values in decreasing order.
 */
export function topRightSingular(a: ArrayLike<number>, rows: number, cols: number, r: number, sweeps = 30): { v: Float64Array; s: Float64Array } {
  // U holds A·V column-major so that a rotation touches two contiguous columns
  const u = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) u[j * rows + i] = a[i * cols + j];
  const v = new Float64Array(cols * cols);
  for (let j = 0; j < cols; j++) v[j * cols + j] = 1; // column-major too
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < cols - 1; p++) {
      for (let q = p + 1; q < cols; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        const P = p * rows, Q = q * rows;
        for (let i = 0; i < rows; i++) { const x = u[P + i], y = u[Q + i]; alpha += x * x; beta += y * y; gamma += x * y; }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let i = 0; i < rows; i++) { const x = u[P + i], y = u[Q + i]; u[P + i] = c * x - s * y; u[Q + i] = s * x + c * y; }
        const VP = p * cols, VQ = q * cols;
        for (let i = 0; i < cols; i++) { const x = v[VP + i], y = v[VQ + i]; v[VP + i] = c * x - s * y; v[VQ + i] = s * x + c * y; }
      }
    }
    if (off < 1e-12) break;
  }
  const norms = Array.from({ length: cols }, (_, j) => { let s = 0; for (let i = 0; i < rows; i++) s += u[j * rows + i] ** 2; return Math.sqrt(s); });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const out = new Float64Array(cols * r);
  for (let k = 0; k < r; k++) for (let i = 0; i < cols; i++) out[i * r + k] = v[order[k] * cols + i];
  return { v: out, s: Float64Array.from(order, (j) => norms[j]) };
}
