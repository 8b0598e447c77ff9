// Preconditioners for cg / gmres: functions r => M⁻¹ r.
import { engine } from '../../runtime/engine.js';
import { EdgegradError, fmtShape } from '../../runtime/errors.js';
import { Tensor } from '../tensor.js';
import * as o from '../ops/index.js';
import { keep, scope } from '../memory.js';
import { CSR } from '../sparse/csr.js';

export type Preconditioner = ((r: Tensor) => Tensor) & { dispose(): void };

/** Jacobi: r ./ diag(A), for a CSR or a dense square matrix. The diagonal is gathered on the
 *  device (no readback); a CSR row without a stored diagonal entry is an error. */
export function jacobi(A: CSR | Tensor): Preconditioner {
  const op = 'linalg.precond.jacobi';
  let d: Tensor;
  if (A instanceof CSR) {
    const p = A.pattern, [m, n] = A.shape;
    if (m !== n) throw new EdgegradError(op, `needs a square matrix, got ${fmtShape(A.shape)}`, 'Pass a square CSR');
    const entries: number[] = [], rows: number[] = [];
    for (let i = 0; i < m; i++) {
      let found = false;
      for (let e = p.indptr[i]; e < p.indptr[i + 1]; e++) if (p.indices[e] === i) { entries.push(e); rows.push(i); found = true; }
      if (!found) throw new EdgegradError(op, `row ${i} has no stored diagonal entry`, 'Jacobi needs a non-zero diagonal');
    }
    d = keep(o.segmentSum(o.gather(A.values, entries), rows, m));
  } else if (A instanceof Tensor && A.rank === 2 && A.shape[0] === A.shape[1]) {
    const n = A.shape[0];
    d = keep(scope(() => o.gather(o.reshape(A, [n * n]), Array.from({ length: n }, (_, i) => i * (n + 1)))));
  } else {
    throw new EdgegradError(op, `needs a square CSR or Tensor, got ${A instanceof Tensor ? fmtShape(A.shape) : typeof A}`, 'Pass the system matrix');
  }
  const f = ((r: Tensor) => o.div(r, d)) as Preconditioner;
  f.dispose = () => d.dispose();
  return f;
}

/**
 * Incomplete Cholesky IC(0) of a symmetric positive definite CSR: L with the pattern of
 * tril(A), applied as z = L⁻ᵀ L⁻¹ r. Triangular solves are sequential, so the factor and
 * the solves run on the host in float64; A's values and r must be readable synchronously
 * (on a CPU backend).
 */
export function ic0(A: CSR): Preconditioner {
  const op = 'linalg.precond.ic0';
  if (!(A instanceof CSR)) throw new EdgegradError(op, `needs a CSR matrix, got ${A === null ? 'null' : typeof A}`, 'Build one with eg.sparse.csr / fromCOO');
  const [n, n2] = A.shape;
  if (n !== n2) throw new EdgegradError(op, `needs a square matrix, got ${fmtShape(A.shape)}`, 'Pass the SPD system matrix');
  if (!A.values.storage.backend.isCPU) throw new EdgegradError(op, `the values live on ${A.values.device}; IC(0) factors on the host`, 'Build the CSR from host arrays while a CPU backend holds it, or use jacobi');
  const vals = engine.readSync(A.values.live(op), op);
  const p = A.pattern;
  // lower-triangular part, one row at a time, duplicates summed (columns are sorted)
  const lp = new Int32Array(n + 1), li: number[] = [], lv: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let e = p.indptr[i]; e < p.indptr[i + 1]; e++) {
      const j = p.indices[e];
      if (j > i) continue;
      if (li.length > lp[i] && li[li.length - 1] === j) lv[lv.length - 1] += vals[e];
      else { li.push(j); lv.push(vals[e]); }
    }
    lp[i + 1] = li.length;
    if (li[li.length - 1] !== i) throw new EdgegradError(op, `row ${i} has no stored diagonal entry`, 'IC(0) needs a symmetric positive definite matrix');
  }
  // IC(0): for each row i, l_ij = (a_ij − Σ_{k<j} l_ik l_jk) / l_jj on the pattern; l_ii = sqrt(...)
  const pos = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let e = lp[i]; e < lp[i + 1]; e++) pos.set(li[e], e);
    for (let e = lp[i]; e < lp[i + 1]; e++) {
      const j = li[e];
      let s = lv[e];
      for (let f = lp[j]; f < lp[j + 1] - 1; f++) { const q = pos.get(li[f]); if (q !== undefined && q < e) s -= lv[q] * lv[f]; }
      if (j === i) {
        if (!(s > 0)) throw new EdgegradError(op, `pivot ${i} is ${s} (not positive)`, 'The matrix is not positive definite enough for IC(0); use jacobi or a diagonal shift');
        lv[e] = Math.sqrt(s);
      } else lv[e] = s / lv[lp[j + 1] - 1];
    }
    for (let e = lp[i]; e < lp[i + 1]; e++) pos.delete(li[e]);
  }
  const f = ((r: Tensor) => {
    if (!(r instanceof Tensor) || r.size !== n) throw new EdgegradError(op, `r must have ${n} entries`, 'Pass a residual shaped like b');
    if (!r.storage.backend.isCPU) throw new EdgegradError(op, `r lives on ${r.device}; IC(0) solves on the host`, 'Run the solver on a CPU backend, or use jacobi');
    const y = Float64Array.from(engine.readSync(r.live(op), op));
    for (let i = 0; i < n; i++) { let s = y[i]; for (let e = lp[i]; e < lp[i + 1] - 1; e++) s -= lv[e] * y[li[e]]; y[i] = s / lv[lp[i + 1] - 1]; }
    for (let i = n - 1; i >= 0; i--) { y[i] /= lv[lp[i + 1] - 1]; const yi = y[i]; for (let e = lp[i]; e < lp[i + 1] - 1; e++) y[li[e]] -= lv[e] * yi; }
    return Tensor.make(engine.fromData(Float32Array.from(y), 'float32', r.storage.backend), r.shape);
  }) as Preconditioner;
  f.dispose = () => {};
  return f;
}
