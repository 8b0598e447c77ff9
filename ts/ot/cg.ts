// A conjugate-gradient solver on float64 host arrays for the Newton systems of
// sinkhornNewtonSparse. Not eg.linalg.cg: those systems are sparse, live on the host and
// are solved in float64 (their matrix is singular along (1, −1), b lies in its range);
// eg.linalg.cg is async and works on device tensors.

/** Solves A x = b for symmetric positive semi-definite A given as a product; b must lie in A's range. */
export function cgHost(apply: (x: Float64Array, out: Float64Array) => void, b: Float64Array, rtol: number, maxIter: number): { x: Float64Array; iterations: number } {
  const n = b.length;
  const x = new Float64Array(n), r = Float64Array.from(b), p = Float64Array.from(b), q = new Float64Array(n);
  const dot = (u: Float64Array, v: Float64Array) => { let s = 0; for (let i = 0; i < n; i++) s += u[i] * v[i]; return s; };
  let rr = dot(r, r);
  const stop = rtol * rtol * rr;
  let it = 0;
  while (it < maxIter && rr > stop) {
    apply(p, q);
    const pq = dot(p, q);
    if (!(pq > 0)) break;
    const alpha = rr / pq;
    for (let i = 0; i < n; i++) { x[i] += alpha * p[i]; r[i] -= alpha * q[i]; }
    const rr1 = dot(r, r);
    const beta = rr1 / rr;
    rr = rr1;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
    it++;
  }
  return { x, iterations: it };
}
